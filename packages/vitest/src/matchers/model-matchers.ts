/**
 * `toBeSafe` and `toBeDeadlockFree` on models. Both are synchronous: an un-awaited async
 * matcher can pass silently in Vitest, a synchronous one cannot.
 *
 * No verdict on nothing: `toBeSafe` on a model with no invariants and no deadlock check, and
 * `toBeDeadlockFree` told not to check deadlocks, throw a {@link NothingCheckedError} before
 * searching, under the matcher and its `.not` alike. A model with no invariants checked with
 * `{ deadlock: true }` is a real check of deadlock freedom only, and its messages say so.
 *
 * @module
 */
import {
  type CheckOptions,
  type CheckResult,
  check,
  defineModel,
  isModel,
  type Model,
  NothingCheckedError,
  OptionsError,
} from '@musil/core'
import { checkOptions, keyList, OPTION_KEYS, type OptionKey } from '@musil/core/internal'
import type { MatcherState } from 'vitest'
import type { MusilTaskMeta } from '../context.ts'
import { reportedCounterexample } from '../reported-counterexample.ts'
import { count, type SyncMatchResult, traceDiff } from './trace-diff.ts'

/** Options of `toBeSafe`: those of `check`; `deadlock` defaults to false here. */
export type SafetyMatcherOptions = Omit<CheckOptions, 'onProgress'> & {
  /**
   * `false` accepts a search that is not exhaustive (`mode: 'random-walk'`, or one cut by
   * `maxStates`/`maxDepth`): the matcher then passes when it found no violation, and the
   * coverage is recorded with the test (the musil reporter lists it). By default such a
   * search fails, since it proves nothing.
   */
  exhaustive?: boolean
}

/** Options of `toBeDeadlockFree`: those of `toBeSafe` but `deadlock`, which is always on. */
export type DeadlockMatcherOptions = Omit<SafetyMatcherOptions, 'deadlock'>

/** The keys {@link DeadlockMatcherOptions} may have: anything else is a typo the matcher rejects. */
export const DEADLOCK_MATCHER_OPTION_KEYS: readonly OptionKey<DeadlockMatcherOptions>[] =
  keyList<DeadlockMatcherOptions>()([
    // `check`'s options but the two the matchers set themselves, in `check`'s order.
    ...OPTION_KEYS.CheckOptions.filter(
      (k): k is Exclude<OptionKey<CheckOptions>, 'onProgress' | 'deadlock'> =>
        k !== 'onProgress' && k !== 'deadlock',
    ),
    'exhaustive',
  ])

/** The keys {@link SafetyMatcherOptions} may have: anything else is a typo `toBeSafe` rejects. */
export const SAFETY_MATCHER_OPTION_KEYS: readonly OptionKey<SafetyMatcherOptions>[] =
  keyList<SafetyMatcherOptions>()([...DEADLOCK_MATCHER_OPTION_KEYS, 'deadlock'])

function requireModel(received: unknown, matcher: string): Model<unknown> {
  if (!isModel(received)) {
    throw new TypeError(
      `expect(received).${matcher}(): received ${received === null ? 'null' : typeof received}, expected a model built with defineModel() from @musil/core`,
    )
  }
  return received
}

/**
 * What a search that was not exhaustive covered, in one line: what the test output shows for a
 * test that accepted it with `exhaustive: false`.
 */
export function coverageLine(r: CheckResult<unknown>): string {
  const how =
    r.mode === 'random-walk' && r.walk !== undefined
      ? `${r.walk.walks} random walks of at most ${r.walk.depth} steps (seed ${r.walk.seed})`
      : `a breadth-first search cut by ${r.incomplete?.reason ?? 'a bound'}`
  return `${how} covered ${count(r.stats.distinct)} distinct states; exhaustive: no`
}

/** Records the coverage of a non-exhaustive pass with the running test, for the reporter. */
function recordCoverage(ctx: MatcherState, line: string): void {
  // Vitest gives a matcher the test it runs in (not in MatcherState's type).
  const task = (ctx as { task?: { meta: { musil?: MusilTaskMeta } } }).task
  if (task !== undefined) task.meta.musil = { ...task.meta.musil, coverage: line }
}

function statsLine(r: CheckResult<unknown>): string {
  return `${count(r.stats.distinct)} distinct states, ${count(r.stats.generated)} generated, depth ${r.stats.depth}`
}

/**
 * The result of a check as a matcher result. `passWhenSafe` decides the meaning of `pass`; an
 * incomplete search without a violation fails both `.toBeX()` and `.not.toBeX()`, because it
 * proves neither.
 */
export function checkResultToMatch(
  ctx: MatcherState,
  matcher: string,
  model: Model<unknown>,
  r: CheckResult<unknown>,
  holdsLine: string,
  note = '',
  exhaustive?: boolean,
): SyncMatchResult {
  const hint = `expect(${model.name}).${ctx.isNot ? 'not.' : ''}${matcher}()${note}`
  const v = r.violation
  if (v) {
    const what =
      v.kind === 'invariant'
        ? `invariant ${v.name} violated`
        : v.kind === 'deadlock'
          ? 'deadlock reached'
          : `${v.error?.origin ?? 'user code'} of ${v.name} threw ${v.error?.type ?? 'an error'}: ${v.error?.message ?? v.message}`
    // The HTML report steps through it (the first failing assertion of a test is the one shown).
    const task = (ctx as { task?: { meta: { musil?: MusilTaskMeta } } }).task
    if (task !== undefined && !ctx.isNot && task.meta.musil?.counterexample === undefined) {
      task.meta.musil = {
        ...task.meta.musil,
        counterexample: reportedCounterexample(model, what, v.trace),
      }
    }
    return {
      pass: false,
      message: () =>
        `${hint}\n\n${what} after ${v.trace.length - 1} steps (shortest counterexample; ${statsLine(r)})`,
      ...traceDiff(v.trace, holdsLine),
    }
  }
  if (!r.complete && exhaustive === false) {
    const coverage = coverageLine(r)
    recordCoverage(ctx, coverage)
    return {
      pass: true,
      message: () =>
        `${hint}\n\nexpected a counterexample, but none was found; ${coverage} (accepted with exhaustive: false)`,
    }
  }
  if (!r.complete) {
    const optIn =
      r.mode === 'random-walk'
        ? '; a random walk is never exhaustive: pass exhaustive: false to accept its coverage'
        : ''
    return {
      pass: ctx.isNot,
      message: () =>
        `${hint}\n\nsearch incomplete, so it proves nothing either way: ${r.incomplete?.message} (${statsLine(r)})${optIn}`,
    }
  }
  return {
    pass: true,
    message: () => `${hint}\n\nexpected a counterexample, but ${holdsLine} (${statsLine(r)})`,
  }
}

const DEADLOCK_FREE = 'every reachable non-terminal state has a successor'

/**
 * `expect(model).toBeSafe(opts?)`: every reachable state satisfies every invariant (and, with
 * `{ deadlock: true }`, none is a deadlock).
 */
export function toBeSafe(
  this: MatcherState,
  received: unknown,
  options: SafetyMatcherOptions = {},
): SyncMatchResult {
  const model = requireModel(received, 'toBeSafe')
  checkOptions(options, 'toBeSafe()', SAFETY_MATCHER_OPTION_KEYS)
  const names = Object.keys(model.invariants)
  const deadlock = options.deadlock === true
  if (names.length === 0 && !deadlock) {
    throw new NothingCheckedError(
      `expect(${model.name}).${this.isNot ? 'not.' : ''}toBeSafe(): model ${model.name} has no invariants and toBeSafe checks no deadlocks unless told to, so nothing would be checked; add invariants: { name: (s) => boolean } to defineModel(), or use toBeDeadlockFree() if you mean deadlock freedom`,
    )
  }
  const { exhaustive: _, ...searchOptions } = options
  const r = check(model, { ...searchOptions, deadlock })
  const holds = [
    ...(names.length > 0 ? [`every reachable state satisfies ${names.join(', ')}`] : []),
    ...(deadlock ? [DEADLOCK_FREE] : []),
  ].join(', and ')
  // Deadlock freedom alone is a real check, but not what "safe" usually means: say so.
  const note = names.length === 0 ? ' (no invariants: checked deadlock freedom only)' : ''
  const { exhaustive } = options
  return checkResultToMatch(this, 'toBeSafe', model, r, holds, note, exhaustive)
}

/** `expect(model).toBeDeadlockFree(opts?)`: every reachable non-terminal state has a successor. */
export function toBeDeadlockFree(
  this: MatcherState,
  received: unknown,
  options: DeadlockMatcherOptions = {},
): SyncMatchResult {
  const model = requireModel(received, 'toBeDeadlockFree')
  // The type leaves `deadlock` out, but JavaScript (or a cast) can pass it: a typo among the
  // other keys is reported first, then what `deadlock` means here.
  const { deadlock, ...rest } = options as DeadlockMatcherOptions & { deadlock?: unknown }
  checkOptions(rest, 'toBeDeadlockFree()', DEADLOCK_MATCHER_OPTION_KEYS)
  const hint = `expect(${model.name}).${this.isNot ? 'not.' : ''}toBeDeadlockFree({ deadlock: ${String(deadlock)} })`
  if (deadlock === false) {
    throw new NothingCheckedError(
      `${hint}: the options turn off deadlock checking, the one thing toBeDeadlockFree checks, so nothing would be checked; drop the deadlock option`,
    )
  }
  if (deadlock !== undefined) {
    throw new OptionsError(
      `${hint}: toBeDeadlockFree() always checks deadlocks and takes no deadlock option; drop it`,
      'toBeDeadlockFree()',
      'deadlock',
    )
  }
  const { exhaustive, ...searchOptions } = rest
  const r = check(defineModel({ ...model, invariants: {} }), { ...searchOptions, deadlock: true })
  return checkResultToMatch(this, 'toBeDeadlockFree', model, r, DEADLOCK_FREE, '', exhaustive)
}
