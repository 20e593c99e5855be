/**
 * The checks a history passes before the search sees it, and its split into partitions. A
 * malformed operation would otherwise surface as a wrong verdict (a `NaN` time sorts anywhere)
 * or as a crash deep in the search; a partition that loses an operation would pass a history
 * without checking all of it.
 *
 * @module
 */
import { HistoryError, UserCodeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
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
 * history as one. Every operation must be in exactly one part; parts are matched to the
 * history's operations by identity, or by value for a `partition()` that copies them.
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
  // Parts are matched to the history by identity first (the same object may sit at several
  // indices: hand them out in order), then, for a partition() that copies its operations, by
  // value: the first unused index whose operation has the same fields.
  const used = new Uint8Array(history.length)
  const byIdentity = indexLists(history, (op) => op)
  let byValue: Map<string, number[]> | undefined
  const take = (list: number[] | undefined): number | undefined => {
    while (list !== undefined && list.length > 0) {
      const i = list.pop()!
      if (used[i] === 0) {
        used[i] = 1
        return i
      }
    }
    return undefined
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
      const index =
        take(byIdentity.get(op)) ??
        take((byValue ??= indexLists(history, operationKey)).get(operationKey(op)))
      if (index === undefined) {
        throw new HistoryError(
          `part ${p} returned by the spec's partition() holds ${formatValue(op)}, which is not an operation of the history (or is in two parts): partition() must split the history's operations, each into exactly one part`,
        )
      }
      indices.push(index)
    }
    result.push(indices)
  }
  const missing = used.indexOf(0)
  if (missing >= 0) {
    throw new HistoryError(
      `the spec's partition() left out operation ${missing} of the history: every operation must be in exactly one part, or it would never be checked`,
      missing,
    )
  }
  return result
}

/** The history's indices under each key, last index first (so `pop` hands them out in order). */
function indexLists<I, O, K>(
  history: readonly Operation<I, O>[],
  keyOf: (op: Operation<I, O>) => K,
): Map<K, number[]> {
  const lists = new Map<K, number[]>()
  for (let i = history.length - 1; i >= 0; i--) {
    const key = keyOf(history[i]!)
    const list = lists.get(key)
    if (list === undefined) lists.set(key, [i])
    else list.push(i)
  }
  return lists
}

/** An operation's fields as a key: two copies of one operation have the same key. */
function operationKey<I, O>(op: Operation<I, O>): string {
  if (op === null || typeof op !== 'object') return formatValue(op)
  try {
    return fingerprintHex([op.client, op.call, op.return, op.input, op.output])
  } catch {
    // Inputs or outputs musil cannot fingerprint (functions, cycles): described instead.
    return formatValue(op)
  }
}
