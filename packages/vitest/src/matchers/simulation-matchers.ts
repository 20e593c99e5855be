/**
 * `toBeSafe`, `toConverge`, `toRefine` and `toRunWithoutError` on a finished simulation report:
 * what `simulate`, `explore`, `replay`, the `simTest` fixtures and sweeps return. Synchronous on
 * purpose: the simulation has already run, and an un-awaited async matcher can pass silently in
 * Vitest.
 *
 * No verdict on nothing: a report of no seed, or one whose runs never checked what the matcher
 * asserts (no invariant under `toBeSafe`, no goal under `toConverge`, no model under
 * `toRefine`), throws a {@link NothingCheckedError} under the matcher and its `.not` alike,
 * unless a failing seed already refutes the property (a seed that threw is not safe, whatever
 * else was checked).
 *
 * A report from `simulate`/`explore` stops at its first failing seed. When that failure is of
 * another kind than the property asked about (say a goal failure under `toBeSafe`), the seeds
 * after it were never run, so the report proves nothing either way: both the matcher and its
 * `.not` fail, as an incomplete model check does.
 *
 * @module
 */
import {
  type FailureKind,
  formatSimTrace,
  isLinearizabilityFailure,
  isModel,
  NothingCheckedError,
  type RunChecks,
  type RunFailure,
  type RunReport,
} from '@musil/core'
import type { MatcherState } from 'vitest'
import type { MusilTaskMeta } from '../context.ts'
import { failingSeedsLine } from '../failing-seeds.ts'
import type { SeedFailure } from '../target.ts'
import {
  checkedSpecOf,
  failureDetail,
  failureHeadline,
  failureTrace,
  reportedFailure,
} from '../target.ts'
import type { SyncMatchResult } from './trace-diff.ts'

/** True for anything shaped like a simulation report: `{ ok, runs, failure? }`. */
export function isRunReport(x: unknown): x is RunReport {
  if (x === null || typeof x !== 'object') return false
  const r = x as Record<string, unknown>
  if (typeof r.ok !== 'boolean' || typeof r.runs !== 'number') return false
  const f = r.failure as Record<string, unknown> | undefined
  return (
    f === undefined ||
    (f !== null &&
      typeof f === 'object' &&
      typeof f.kind === 'string' &&
      typeof f.seed === 'number' &&
      typeof f.detail === 'string')
  )
}

/** A failure as a report or a sweep names it. */
type KindAndDetail = { readonly kind: FailureKind; readonly detail: string }

/** A property of a simulation report that a matcher asserts. */
export interface Property {
  readonly matcher:
    | 'toBeSafe'
    | 'toConverge'
    | 'toRefine'
    | 'toRunWithoutError'
    | 'toBeLinearizable'
  /** Whether a failing seed refutes the property. */
  readonly refutes: (failure: KindAndDetail) => boolean
  /** What holds when it is not refuted: the one-line `expected` of the diff. */
  readonly holds: string
  /** The property in a sentence, for "says nothing about ...". */
  readonly about: string
  /** Why the report's runs prove nothing about the property (they never checked it), if so. */
  readonly unchecked?: (checked: Partial<RunChecks>, runs: string) => string | undefined
  /** More to show for a failure that refutes the property (after the headline). */
  readonly explain?: (failure: RunFailure) => string | undefined
}

/** A property refuted by failures of these kinds. */
function ofKinds(...kinds: FailureKind[]): (failure: KindAndDetail) => boolean {
  const set = new Set(kinds)
  return (f) => set.has(f.kind)
}

const SAFE: Property = {
  matcher: 'toBeSafe',
  refutes: ofKinds('safety', 'error', 'deadlock'),
  holds: 'every seed keeps every invariant, with no error and no deadlock',
  about: 'safety',
}
const CONVERGE: Property = {
  matcher: 'toConverge',
  refutes: ofKinds('goal'),
  holds: 'every seed reaches its goal',
  about: 'convergence',
}
const REFINE: Property = {
  matcher: 'toRefine',
  refutes: ofKinds('refinement'),
  holds: 'every step of every seed maps to a step of the model (or a stutter)',
  about: 'refinement',
}
const RUNS: Property = {
  matcher: 'toRunWithoutError',
  refutes: ofKinds('safety', 'goal', 'refinement', 'error', 'deadlock'),
  holds: 'every seed runs with no failure of any kind',
  about: 'whether it ran without error',
}

function replayHint(ctx: MatcherState, failure: RunFailure): string {
  const meta = (ctx as { task?: { meta?: { musil?: { replay?: string; seed?: number } } } }).task
    ?.meta?.musil
  if (meta?.replay !== undefined && meta.seed === failure.seed) return `replay: ${meta.replay}`
  return `replay: run seed ${failure.seed} alone (seeds: [${failure.seed}]), or MUSIL_SEED=${failure.seed} with simTest`
}

function traceText(failure: RunFailure): string {
  const events = failureTrace(failure)
  return events.length === 0 ? '(no events recorded)' : formatSimTrace(events)
}

/**
 * What the diff shows, next to the seed's own run: how many of its events, and, when the
 * minimiser found a replay with fewer faults that fails otherwise (earlier, after another
 * event), where to see the original.
 */
function traceNote(failure: RunFailure): string {
  const f = failure
  if (f.minimized === undefined) return `trace: ${f.trace.length} events`
  const shown = f.minimized.length
  const all = f.originalLength ?? shown
  if (failureDetail(failure) !== failure.detail) {
    const at = f.time === undefined ? '' : ` at t=${f.time}`
    return `trace minimised from ${all} events to ${shown} by replaying seed ${failure.seed} with fewer faults; the seed's own run fails${at} (failure.detail, failure.trace, or simulate with minimize: false)`
  }
  if (shown === all) return `trace: ${all} events, the whole run`
  return `trace minimised from ${all} events to ${shown}, leaving out events the failure does not depend on (failure.trace has them all)`
}

function failingSeedsOf(report: RunReport): readonly SeedFailure[] | undefined {
  const list = (report as { failingSeeds?: readonly SeedFailure[] }).failingSeeds
  return Array.isArray(list) ? list : undefined
}

/**
 * When the assertion fails on a report with a failure, records that failure in the test's meta
 * so the reporter's HTML page can show its trace and sequence diagram.
 */
function recordFailure(
  ctx: MatcherState,
  report: RunReport,
  result: SyncMatchResult,
): SyncMatchResult {
  const task = (ctx as { task?: { meta: { musil?: MusilTaskMeta } } }).task
  const f = report.failure
  if (
    task !== undefined &&
    f !== undefined &&
    result.pass === Boolean(ctx.isNot) &&
    !task.meta.musil?.failure
  ) {
    task.meta.musil = { ...task.meta.musil, failure: reportedFailure(f, checkedSpecOf(report)) }
  }
  return result
}

/** Where `simulate` keeps a way to run the same seeds again with other options. */
const RERUN = Symbol.for('musil.simulate.rerun')
type Rerun = (extra: Record<string, unknown>) => RunReport

/**
 * The way a report from `simulate` in this thread runs its seeds again with other options
 * (`undefined` for any other report: from `explore`, a worker thread or a sweep).
 */
export function rerunOf(report: RunReport): Rerun | undefined {
  const rerun = (report as { [RERUN]?: Rerun })[RERUN]
  return typeof rerun === 'function' ? rerun : undefined
}

/**
 * `property` judged on a finished report: the verdict, the failure recorded for the HTML
 * report, and a `NothingCheckedError` when the runs never checked it.
 */
export function matchProperty(
  ctx: MatcherState,
  report: RunReport,
  property: Property,
): SyncMatchResult {
  return recordFailure(ctx, report, judge(ctx, report, property, []))
}

function matchReport(
  ctx: MatcherState,
  received: unknown,
  property: Property,
  args: readonly unknown[],
): SyncMatchResult {
  if (property === REFINE && args.length > 0) {
    // expect(report).toRefine(model, abstraction): run the same seeds again, checked against it.
    const report = rerunAgainst(ctx, received as RunReport, args)
    return recordFailure(ctx, report, judge(ctx, report, property, []))
  }
  return recordFailure(ctx, received as RunReport, judge(ctx, received, property, args))
}

function rerunAgainst(ctx: MatcherState, report: RunReport, args: readonly unknown[]): RunReport {
  const hint = `expect(report).${ctx.isNot ? 'not.' : ''}toRefine(model, abstraction)`
  const [model, abstraction] = args
  if (!isModel(model) || typeof abstraction !== 'function' || args.length > 2) {
    throw new TypeError(
      `${hint}: give a model built with defineModel() and an abstraction function (world) => model state`,
    )
  }
  const rerun = rerunOf(report)
  if (rerun === undefined) {
    throw new TypeError(
      `${hint}: this report cannot be run again (it is not from simulate() in this thread); give simulate() the model and abstraction instead and call toRefine() without arguments`,
    )
  }
  return rerun({ model, abstraction })
}

/** The fix that says what a user who asserts nothing in particular really means. */
const JUST_RAN = 'or use toRunWithoutError() if you only mean it ran without error'

/** Names in a `checked` list; a hand-made or foreign report may lack the list. */
function names(list: unknown): readonly string[] {
  return Array.isArray(list) ? list : []
}

/** Why a report of no seed at all cannot give any verdict. */
function noRunReason(report: RunReport): string | undefined {
  if (report.runs > 0) return undefined
  return `the report ran no seed (runs: ${report.runs}), so it checked nothing; run at least one seed (for a sharded sweep, give it at least as many seeds as shards: MUSIL_SHARD=i/n keeps the seeds with seed % n === i - 1)`
}

/**
 * Why this report's runs cannot give a verdict on the property, if they cannot: they never
 * checked what the property is about. Each reason says how to check it.
 */
function uncheckedReason(report: RunReport, property: Property): string | undefined {
  if (property === RUNS) return undefined
  const checked = report.checked as Partial<RunChecks> | null | undefined
  if (checked === null || typeof checked !== 'object') {
    return `the report does not say what it checked (it has no 'checked' field, so it is not from simulate(), explore(), replay() or a sweep), so it proves nothing about ${property.about}; assert on the report one of those returns, ${JUST_RAN}`
  }
  const runs = `its ${report.runs} run(s) prove nothing about ${property.about}`
  if (property.unchecked !== undefined) return property.unchecked(checked, runs)
  // A history held to a spec is a safety property too: its violation is a safety failure.
  if (
    property === SAFE &&
    names(checked.invariants).length === 0 &&
    checked.linearizable !== true
  ) {
    return `the simulation checked no invariant, so ${runs}; pass invariants: { name: (world) => boolean } to simulate() (in an explore() scenario, call world.always(() => boolean, name)), ${JUST_RAN}`
  }
  if (property === CONVERGE && names(checked.goals).length === 0) {
    return `the simulation checked no goal, so ${runs}; pass goal: (world) => boolean (and goalName) to simulate() (in an explore() scenario, await world.runUntil(() => boolean, { deadline, name })), ${JUST_RAN}`
  }
  if (property === REFINE && checked.refinement !== true) {
    return `the simulation checked no step against a model, so ${runs}; pass model and abstraction to simulate(), or write expect(report).toRefine(model, abstraction) to run its seeds again against one`
  }
  return undefined
}

/** True when a failing seed of the report refutes the property: evidence, whatever was checked. */
function refuted(report: RunReport, property: Property): boolean {
  const f = report.failure
  if (f !== undefined && property.refutes(f)) return true
  return failingSeedsOf(report)?.some((s) => property.refutes(s)) ?? false
}

function judge(
  ctx: MatcherState,
  received: unknown,
  property: Property,
  args: readonly unknown[],
): SyncMatchResult {
  const hint = `expect(report).${ctx.isNot ? 'not.' : ''}${property.matcher}()`
  if (args.length > 0) {
    throw new TypeError(
      `${hint}: a simulation report takes no arguments here; the checks ran during the simulation (give simulate() its invariants or goal; for refinement, toRefine(model, abstraction) runs the seeds again)`,
    )
  }
  const report = received as RunReport
  const unchecked =
    noRunReason(report) ??
    (refuted(report, property) ? undefined : uncheckedReason(report, property))
  if (unchecked !== undefined) {
    // Nothing was checked, so the report is neither a pass nor a fail: thrown, not returned, so
    // that .not and expect.not.* cannot turn it into a pass (see NothingCheckedError).
    throw new NothingCheckedError(`${hint}: ${unchecked}`)
  }
  const f = report.failure
  if (f === undefined) {
    return {
      pass: true,
      message: () =>
        `${hint}\n\nexpected a failing seed, but all ${report.runs} seed(s) passed (${property.holds})`,
    }
  }
  const all = failingSeedsOf(report)
  const refuting = all?.filter((s) => property.refutes(s))
  const diff = { actual: traceText(f), expected: property.holds }
  const head = failureHeadline({ ...f, detail: failureDetail(f) })
  if (property.refutes(f)) {
    const explained = property.explain?.(f)
    const shown = explained === undefined ? '' : `\n\n${explained}\n`
    const more =
      refuting !== undefined && refuting.length > 1
        ? `\n${failingSeedsLine(refuting.map((s) => s.seed))}`
        : ''
    return {
      pass: false,
      message: () => `${hint}\n\n${head}${shown}\n${traceNote(f)}; ${replayHint(ctx, f)}${more}`,
      ...diff,
    }
  }
  if (refuting !== undefined) {
    // A sweep ran every seed: its list of failing seeds is complete, so it decides the property.
    if (refuting.length === 0) {
      return {
        pass: true,
        message: () =>
          `${hint}\n\nno seed fails ${property.about}; the failing seeds fail otherwise (lowest: ${head})`,
      }
    }
    const first = refuting[0]!
    return {
      pass: false,
      message: () =>
        `${hint}\n\n${failureHeadline(first)}\n${failingSeedsLine(refuting.map((s) => s.seed))}\nreplay: MUSIL_SEED=${first.seed} with the same test`,
    }
  }
  return {
    pass: Boolean(ctx.isNot),
    message: () =>
      `${hint}\n\nthe run stopped at seed ${f.seed} on a ${head}; the seeds after it never ran, so the report says nothing about ${property.about} either way. Fix that failure first, or assert it with the matcher for its kind.\n${traceNote(f)}; ${replayHint(ctx, f)}`,
    ...diff,
  }
}

/** A matcher on a finished report, as `expect.extend` takes it. */
export type ReportMatcher = (
  this: MatcherState,
  received: unknown,
  ...args: unknown[]
) => SyncMatchResult

function reportMatcher(property: Property): ReportMatcher {
  return function match(this: MatcherState, received: unknown, ...args: unknown[]) {
    return matchReport(this, received, property, args)
  }
}

/** `expect(report).toBeSafe()`: no seed broke an invariant, threw, or deadlocked. */
export const simulationToBeSafe: ReportMatcher = reportMatcher(SAFE)

/** `expect(report).toConverge()`: every seed reached the goal (simulate's `goal`, explore's `runUntil`). */
export const simulationToConverge: ReportMatcher = reportMatcher(CONVERGE)

/** `expect(report).toRefine()`: every step of every seed refined the model given to `simulate`. */
export const simulationToRefine: ReportMatcher = reportMatcher(REFINE)

/**
 * `expect(report).toRunWithoutError()`: at least one seed ran and no seed failed, in any way.
 * The honest name for "it ran": it claims nothing about what the runs checked.
 */
export const simulationToRunWithoutError: ReportMatcher = reportMatcher(RUNS)

/** The matcher that fails on `failure`: how a sweep test asserts its report with the right diff. */
export function matcherFor(
  failure: KindAndDetail,
): 'toBeSafe' | 'toConverge' | 'toRefine' | 'toBeLinearizable' {
  if (isLinearizabilityFailure(failure)) return 'toBeLinearizable'
  if (CONVERGE.refutes(failure)) return 'toConverge'
  if (REFINE.refutes(failure)) return 'toRefine'
  return 'toBeSafe'
}
