/**
 * What a linearizability violation says about each operation of its history: placed at some
 * position of the longest linearizable prefix, refused in some state, or not reached. One
 * decision, read by the text timeline (`formatHistory`) and the picture (`historyDiagram`)
 * alike, so the two never disagree about an operation.
 *
 * @module
 */
import { OptionsError, UserCodeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { initialState } from '../linearizability/search.ts'
import type {
  LinearizabilityViolation,
  Operation,
  SequentialSpec,
} from '../linearizability/types.ts'

/** What a violation says about one operation. */
export type OperationMark<S> =
  /** In the longest linearizable prefix, at `position` (0-based: `longestPrefix[position]`). */
  | { readonly kind: 'prefix'; readonly position: number }
  /** Cannot come next after the prefix: `step` refused it in `state`. */
  | { readonly kind: 'unplaceable'; readonly state: S }
  /** Neither: after the prefix, or in a partition the search did not decide. */
  | { readonly kind: 'not-reached' }
  /** There is no violation to mark it against (a linearizable history, or no verdict). */
  | { readonly kind: 'unmarked' }

const NOT_REACHED: OperationMark<never> = { kind: 'not-reached' }
const UNMARKED: OperationMark<never> = { kind: 'unmarked' }

/**
 * The mark of each operation (by its index in the history) under `violation`. An operation
 * the violation names as unplaceable is marked so even if a prefix also held it.
 */
export function operationMarks<S, I, O>(
  violation: LinearizabilityViolation<S, I, O> | undefined,
): (index: number) => OperationMark<S> {
  if (violation === undefined) return () => UNMARKED
  const marks = new Map<number, OperationMark<S>>()
  for (const [position, index] of violation.longestPrefix.entries()) {
    marks.set(index, { kind: 'prefix', position })
  }
  for (const u of violation.unplaceable) marks.set(u.index, { kind: 'unplaceable', state: u.state })
  return (index) => marks.get(index) ?? NOT_REACHED
}

/**
 * The states along the violation's longest prefix, found by running `spec` over it again from
 * `init()` (the checker keeps only the last): `states[k]` is the state the prefix's `k`-th
 * operation met, `states[k + 1]` the state after it, and the last entry is `violation.state`'s
 * equal. Linear in the prefix's length.
 *
 * @throws {UserCodeError} when `init` or `step` throws
 */
export function prefixStates<S, I, O>(
  history: readonly Operation<I, O>[],
  violation: LinearizabilityViolation<S, I, O>,
  spec: SequentialSpec<S, I, O>,
): S[] {
  let state: S = initialState(spec)
  const states = [state]
  for (const index of violation.longestPrefix) {
    const op = history[index]!
    try {
      state = spec.step(state, op.input, op.output)[1]
    } catch (e) {
      throw new UserCodeError('step', formatValue(op.input), e)
    }
    states.push(state)
  }
  return states
}

/**
 * A mark in a few words, as legends and tooltips read: `linearized 2nd`, `cannot come next:
 * refused in state 1`; empty for an operation not reached or unmarked.
 */
export function describeMark<S>(mark: OperationMark<S>, describe: (state: S) => string): string {
  if (mark.kind === 'prefix') return `linearized ${ordinal(mark.position + 1)}`
  if (mark.kind === 'unplaceable')
    return `cannot come next: refused in state ${describe(mark.state)}`
  return ''
}

/** `1st`, `2nd`, `3rd`, `4th`, …, `11th`, `21st`. */
function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`
}

/**
 * The operations to draw, in index order and each once: `operations` when given, else
 * `fallback`. An index that is not one of the history's is an {@link OptionsError} naming
 * `where` (the function the user called), not a crash when the drawing reaches it.
 */
export function shownOperations(
  history: readonly unknown[],
  operations: Iterable<number> | undefined,
  fallback: () => Iterable<number>,
  where: string,
): number[] {
  const shown = [...new Set(operations ?? fallback())].sort((a, b) => a - b)
  for (const i of shown) {
    if (!Number.isInteger(i) || i < 0 || i >= history.length) {
      throw new OptionsError(
        `${where}: 'operations' holds ${formatValue(i)}, which is not the index of an operation of the history (0 to ${history.length - 1})`,
        where,
        'operations',
      )
    }
  }
  return shown
}
