/**
 * How operations and states of a history read in messages and timelines: the spec's own
 * `describeOperation`/`describeState` when it has them, else a structural rendering.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import type { Operation, SequentialSpec } from './types.ts'

/** `describeOperation` of `op`, or `input → output` (`input → ?` for an unknown outcome). */
export function describeOperation<S, I, O>(
  spec: SequentialSpec<S, I, O>,
  op: Operation<I, O>,
): string {
  if (spec.describeOperation !== undefined) {
    try {
      return spec.describeOperation(op.input, op.output)
    } catch (e) {
      throw new UserCodeError('describeOperation', formatValue(op.input), e)
    }
  }
  const output = op.return === Number.POSITIVE_INFINITY ? '?' : formatValue(op.output)
  return `${formatValue(op.input)} → ${output}`
}

/** `describeState` of `state`, or its structural rendering. */
export function describeState<S, I, O>(spec: SequentialSpec<S, I, O>, state: S): string {
  if (spec.describeState !== undefined) {
    try {
      return spec.describeState(state)
    } catch (e) {
      throw new UserCodeError('describeState', formatValue(state), e)
    }
  }
  return formatValue(state)
}

/** An operation's interval: `[3, 7]`, `[3, ∞)` for an unknown outcome. */
export function describeInterval(op: Operation<unknown, unknown>): string {
  return op.return === Number.POSITIVE_INFINITY ? `[${op.call}, ∞)` : `[${op.call}, ${op.return}]`
}
