/**
 * The checks a history passes before the search sees it, and its split into partitions. A
 * malformed operation would otherwise surface as a wrong verdict (a `NaN` time sorts anywhere)
 * or as a crash deep in the search; a partition that loses an operation would pass a history
 * without checking all of it.
 *
 * @module
 */
import { HistoryError, UserCodeError } from '../errors.ts'
import { formatValue } from '../render/value.ts'
import type { Operation, SequentialSpec } from './types.ts'

/**
 * Throws a {@link HistoryError} naming the first malformed operation of `history`: not an
 * object, a `call` that is not a finite number, a `return` that is not a number at least
 * `call` (`Infinity` for an unknown outcome), a `client` that is neither a number nor a string.
 */
export function validateHistory(
  history: unknown,
): asserts history is Operation<unknown, unknown>[] {
  if (!Array.isArray(history)) {
    throw new HistoryError(
      `checkLinearizability() expects a history: an array of operations { client, input, call, output, return }, got ${formatValue(history)}`,
    )
  }
  for (let i = 0; i < history.length; i++) {
    const op: unknown = history[i]
    if (op === null || typeof op !== 'object' || Array.isArray(op)) {
      throw new HistoryError(
        `operation ${i} of the history is ${formatValue(op)}, not an operation { client, input, call, output, return }`,
        i,
      )
    }
    const { client, call, return: ret } = op as Record<string, unknown>
    const where = `operation ${i} of the history (client ${formatValue(client)})`
    if (typeof call !== 'number' || !Number.isFinite(call)) {
      throw new HistoryError(
        `${where} has call ${formatValue(call)}: a call time must be a finite number`,
        i,
      )
    }
    if (typeof ret !== 'number' || Number.isNaN(ret)) {
      throw new HistoryError(
        `${where} has return ${formatValue(ret)}: a return time must be a number (Infinity when the outcome is unknown)`,
        i,
      )
    }
    if (ret < call) {
      throw new HistoryError(
        `${where} returns at ${ret}, before its call at ${call}: swap the two, or check the clock they were read from`,
        i,
      )
    }
    if (typeof client !== 'number' && typeof client !== 'string') {
      throw new HistoryError(
        `${where} has client ${formatValue(client)}: a client must be a number or a string`,
        i,
      )
    }
  }
}

/**
 * The history's partitions as lists of history indices: `spec.partition`'s parts, or the whole
 * history as one. Every operation must be in exactly one part, and the parts must hold the
 * history's own operation objects (they are matched by identity).
 */
export function partitionHistory<S, I, O>(
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
): number[][] {
  if (spec.partition === undefined) return history.length === 0 ? [] : [history.map((_, i) => i)]
  let parts: readonly (readonly Operation<I, O>[])[]
  try {
    parts = spec.partition(history)
  } catch (e) {
    throw new UserCodeError('partition', 'the spec', e)
  }
  if (!Array.isArray(parts)) {
    throw new HistoryError(
      `the spec's partition() returned ${formatValue(parts)}: it must return an array of sub-histories (arrays of the history's operations)`,
    )
  }
  // The same object may sit at several indices of a history: hand out its indices in order.
  const indicesOf = new Map<Operation<I, O>, number[]>()
  for (let i = history.length - 1; i >= 0; i--) {
    const list = indicesOf.get(history[i]!)
    if (list === undefined) indicesOf.set(history[i]!, [i])
    else list.push(i)
  }
  const result: number[][] = []
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]
    if (!Array.isArray(part)) {
      throw new HistoryError(
        `part ${p} returned by the spec's partition() is ${formatValue(part)}, not an array of operations`,
      )
    }
    const indices: number[] = []
    for (const op of part) {
      const index = indicesOf.get(op)?.pop()
      if (index === undefined) {
        throw new HistoryError(
          `part ${p} returned by the spec's partition() holds ${formatValue(op)}, which is not an operation of the history (or is in two parts): partition() must split the history's own operation objects, not copies`,
        )
      }
      indices.push(index)
    }
    result.push(indices)
  }
  let missing = -1
  for (const [, left] of indicesOf) {
    const i = left[left.length - 1]
    if (i !== undefined && (missing < 0 || i < missing)) missing = i
  }
  if (missing >= 0) {
    throw new HistoryError(
      `the spec's partition() left out operation ${missing} of the history: every operation must be in exactly one part, or it would never be checked`,
      missing,
    )
  }
  return result
}
