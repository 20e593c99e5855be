/**
 * Options and results of `simulate`. Results are plain data (they cross worker threads): the
 * world is whatever `snapshot` returns, the trace is a list of `TraceEvent` objects.
 *
 * @module
 */
import type { LinearizableOption } from '../linearizability/run-check.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import type { Model } from '../model/model.ts'
import { keyList, type OptionKey } from '../options.ts'
import type {
  FailureKind,
  RunChecks,
  RunFailure,
  RunFailureCause,
  RunReport,
  TraceEvent,
} from '../report.ts'
import type { FaultSchedule, ScheduledFault } from './faults.ts'
import type { NetworkModel } from './network.ts'
import type { Nodes } from './node.ts'

/** Default `maxTime`: one virtual minute. */
export const DEFAULT_MAX_TIME = 60_000
/** Default `maxSteps`: a runaway guard, far above what a settling run of a few nodes needs. */
export const DEFAULT_MAX_STEPS = 100_000

/**
 * What `simulate` accepts besides the factory.
 *
 * @typeParam N - the factory's node record
 * @typeParam W - the world: what `snapshot` makes of the nodes
 * @typeParam A - the abstract state of `model`
 */
export interface SimulateOptions<N extends Nodes, W, A = unknown> {
  /** Seeds to run: a count `n` (seeds 0..n-1) or any list. One seed `[s]` replays that run. */
  readonly seeds: number | Iterable<number>
  /** The world the checks see: build a plain value from the nodes' fields. */
  readonly snapshot: (nodes: N) => W
  /** The network; default reliable and in order, 1 ms latency. */
  readonly network?: NetworkModel
  /** Scheduled partitions and crashes. */
  readonly faults?: FaultSchedule | readonly ScheduledFault[]
  /** Named predicates checked on the first snapshot and after every step. */
  readonly invariants?: Readonly<Record<string, (w: W) => boolean>>
  /** Convergence: checked once the run settles (no events left) or reaches maxTime/maxSteps. */
  readonly goal?: (w: W) => boolean
  /** The goal's name in reports; default `goal`. */
  readonly goalName?: string
  /** The design the run must refine (needs `abstraction`). */
  readonly model?: Model<A>
  /** Maps a world to a state of `model`. */
  readonly abstraction?: (w: W) => A
  /**
   * The horizon in virtual ms (default 60,000). Events after it are not run. Setting it says the
   * horizon is intended: a run without a goal that reaches it passes.
   */
  readonly maxTime?: number
  /** At most this many steps per run (default 100,000): a guard against runaway worlds. */
  readonly maxSteps?: number
  /**
   * Minimise the failing seed's trace (default true). `maxRuns` bounds the replays the minimiser
   * may spend (default 500); it also stops after replaying 1,000,000 steps (or 20 times the
   * failing run's steps, if more). A run that never settled is not minimised.
   */
  readonly minimize?: boolean | { readonly maxRuns?: number }
  /**
   * Hold every run's history (what the nodes recorded with `ctx.history`) to a sequential spec,
   * or `{ spec, timeoutMs }`: checked when the run ends (settled, or at maxTime/maxSteps). A
   * history that is not linearizable fails the run (kind `safety`, name `linearizability`); a
   * check that runs out of `timeoutMs` fails it too (kind `error`).
   */
  readonly linearizable?: LinearizableOption
}

/** The keys {@link SimulateOptions} may have: anything else is a typo `simulate` rejects. */
export const SIMULATE_OPTION_KEYS: readonly OptionKey<SimulateOptions<Nodes, unknown>>[] = keyList<
  SimulateOptions<Nodes, unknown>
>()([
  'seeds',
  'snapshot',
  'network',
  'faults',
  'invariants',
  'goal',
  'goalName',
  'model',
  'abstraction',
  'maxTime',
  'maxSteps',
  'minimize',
  'linearizable',
])

/** The object form of `simulate`'s `minimize` option. */
export type MinimizeOptions = Exclude<
  SimulateOptions<Nodes, unknown>['minimize'],
  boolean | undefined
>

/** The keys the object form of `minimize` may have. */
export const MINIMIZE_OPTION_KEYS: readonly OptionKey<MinimizeOptions>[] =
  keyList<MinimizeOptions>()(['maxRuns'])

/** A message of a run, named by its link and its ordinal on that link (0 = the first sent). */
export interface MessageRef {
  readonly src: string
  readonly dst: string
  readonly n: number
}

/**
 * The fault choices of a run, as plain data. Replaying a seed with choices (see
 * `simulateSeed`) makes exactly these things happen and nothing else: the listed messages are
 * lost, duplicated or corrupted, every other message arrives intact and once, and only the
 * listed scheduled faults fire. Latencies and node randomness still come from the seed.
 */
export interface SimChoices {
  /** Indices into the fault schedule of the faults that fire. */
  readonly faults: readonly number[]
  readonly losses: readonly MessageRef[]
  readonly duplicates: readonly MessageRef[]
  readonly corruptions: readonly MessageRef[]
  /**
   * When set, the run stops after its last event at or before this virtual time, as if
   * `maxTime` were this. The minimiser sets it for a linearizability failure: the first instant
   * its history stops being linearizable, so the minimised trace ends at the violation instead of
   * running on to the end of the scenario.
   */
  readonly until?: number
}

/**
 * How a run ended: it ran out of events (`settled`), reached a bound, or stopped at a failure
 * detected during the run (`failed`: an invariant, refinement or node error). A goal failure is
 * detected after the run ended, so its run ends `settled`, `maxTime` or `maxSteps`; so does a
 * linearizability failure.
 */
export type SimEnd = 'settled' | 'maxTime' | 'maxSteps' | 'failed'

/**
 * Why a seed failed, with everything needed to read and replay it.
 *
 * - `safety`: an invariant was false (after the step that broke it; `name` is the invariant), or
 *   the run's history is not linearizable (`name` is `linearizability`, detail `history not
 *   linearizable: ...`; checked when the run ended).
 * - `goal`: the goal was false when the run settled or reached its horizon (`name` = goalName).
 * - `refinement`: a step moved the abstraction to a state that is neither the previous one nor a
 *   successor of it in the model, or the first abstraction is not an initial state.
 * - `error`: a node threw, sent to an unknown address or misused its context; `snapshot`, an
 *   invariant, the goal, `abstraction` or `mutate` threw; a run with no goal never settled; or
 *   the linearizability check of the history gave no verdict (`name` is `linearizability`,
 *   detail `history linearizability unknown: ...`: out of `timeoutMs`, or the spec threw).
 *   `name` is the node (or the function) at fault.
 * - `deadlock` is never produced by `simulate` (a callback world that runs out of events has
 *   settled, and the goal says whether that is right); it exists for the async runtime.
 */
export interface SimFailure<W> extends RunFailure {
  readonly kind: FailureKind
  /** The invariant, goal, node or function at fault. */
  readonly name: string
  /** The world when the failure was detected (the last good world if `snapshot` threw). */
  readonly world: W
  /** Every event of the failing run, up to the failure. */
  readonly trace: TraceEvent[]
  /** Virtual time of the failure. */
  readonly time: number
  /**
   * The nodes the failed check depends on: the node at fault for a node error, otherwise the
   * nodes `snapshot` reads. `minimized` is their causal past.
   */
  readonly focus: string[]
  /**
   * The shortest failing trace found: the run with the fewest faults that still fails the same
   * check (same kind and name), seen through its causal slice on `focus` (`causalSlice`), so
   * the deliveries, timers and nodes the failure does not depend on are gone.
   */
  readonly minimized: TraceEvent[]
  /**
   * `detail` of the run `minimized` shows. With fewer faults that run can fail earlier or after
   * another event than the original (`detail`, `time`, `world` and `trace` describe the
   * original), so a failure shown with `minimized` is headed by this. Equal to `detail` when
   * minimisation kept the original run.
   */
  readonly minimizedDetail: string
  /** `trace.length`, next to `minimized.length`. */
  readonly originalLength: number
  /**
   * The fault choices of the minimised run: `simulateSeed(factory, options, seed, choices)`
   * replays it (its `trace` is the full run; `causalSlice(trace, focus)` is `minimized`).
   */
  readonly choices: SimChoices
  /** Replays the minimiser ran. */
  readonly minimizeRuns: number
  /**
   * For a linearizability failure: the history of the run `minimized` shows (virtual times;
   * failed operations left out, unknown outcomes returning at `Infinity`).
   */
  readonly history?: Operation<unknown, unknown>[]
  /** For a linearizability failure: the checker's verdict on `history`. */
  readonly linearizability?: LinearizabilityResult
}

/** The result of `simulate`: `{ ok, runs, failure? }`; a sweep stops at the first failing seed. */
export type SimReport<W> = RunReport<SimFailure<W>> & {
  /** Totals over the seeds run. */
  readonly stats: SimStats
  /** What every run was held to, so a matcher can tell "passed" from "never checked". */
  readonly checked: SimChecks
}

/** The checks a simulation ran (from its options): {@link RunChecks}, plus the one goal's name. */
export interface SimChecks extends RunChecks {
  /** The goal's name, when a goal was checked once each run settled (also in `goals`). */
  readonly goal?: string
}

/** Totals over a sweep. */
export interface SimStats {
  /** Steps (events handled) over all runs. */
  readonly steps: number
  /** Runs that ended at maxTime or maxSteps instead of settling. */
  readonly unsettled: number
  /** Wall-clock duration of the sweep, minimisation included. */
  readonly durationMs: number
}

/** The outcome of one seed, as `simulateSeed` returns it. */
export interface SimRun<W> {
  readonly seed: number
  readonly ok: boolean
  readonly end: SimEnd
  /** Steps handled. */
  readonly steps: number
  /** Virtual time of the last step. */
  readonly time: number
  /** The final world (at the failure, for a failing run). */
  readonly world: W
  readonly trace: TraceEvent[]
  /** The fault choices this run made; replaying them reproduces it. */
  readonly choices: SimChoices
  /** Present when the run failed; not minimised. */
  readonly failure?: { readonly kind: FailureKind; readonly name: string; readonly detail: string }
  /** What the nodes recorded with `ctx.history`, in virtual time (failed operations left out). */
  readonly history: Operation<unknown, unknown>[]
  /** The verdict on `history`, when the options have `linearizable` and the run got to the check. */
  readonly linearizability?: LinearizabilityResult
}

/** What went wrong in a run, before it is dressed up as a `SimFailure`: the shared cause, always named. */
export interface SimRunFailure extends RunFailureCause {
  readonly name: string
}
