/**
 * The report shape shared by both simulation runtimes (`simulate` for callback nodes and
 * `explore` for async/await code), so that matchers, sweeps and reporters treat them alike.
 * Everything here is plain data: reports cross worker threads.
 *
 * @module
 */
import type { LinearizabilityResult, Operation } from './linearizability/types.ts'

/** Why a simulated run failed. */
export type FailureKind = 'safety' | 'goal' | 'refinement' | 'error' | 'deadlock'

/**
 * One event of a run's trace or timeline, in the order it happened. `t` is virtual time in
 * milliseconds. Runtimes record their own events (send, deliver, drop, timer, ...) as well as
 * the user's (`kind: 'user'`).
 */
export interface TraceEvent {
  /** Virtual time in milliseconds. */
  readonly t: number
  /** What happened, e.g. `send`, `deliver`, `drop`, `duplicate`, `timer`, `crash`, `restart`, `partition`, `heal`, `spawn`, `run`, `user`. */
  readonly kind: string
  /** The node or task the event happened at. */
  readonly node?: string
  /** Sender of a message event. */
  readonly src?: string
  /** Receiver of a message event. */
  readonly dst?: string
  /** A message payload or a user event's value. */
  readonly payload?: unknown
  /** A timer, task, invariant or fault name. */
  readonly name?: string
  /** Free text for anything else. */
  readonly detail?: string
}

/**
 * The failure of one seed. Runtimes add their own fields (final world, timeline, ...). A run
 * whose history is not linearizable fails with kind `safety` and a detail that begins `history
 * not linearizable: `; one whose check gave no verdict (out of time), with kind `error` and
 * `history linearizability unknown: `.
 */
export interface RunFailure {
  readonly kind: FailureKind
  /** The seed that fails: rerun with `seeds: [seed]` to replay it bit for bit. */
  readonly seed: number
  /** Names the invariant, goal, node or task at fault, and the message. */
  readonly detail: string
  /**
   * Every event of the failing run, up to the failure: the one name both runtimes give the
   * recorded events (`explore`'s failure also calls them `timeline`, the same array). Empty only
   * when no run could report them (a sweep's thread that died on the seed).
   */
  readonly trace: readonly TraceEvent[]
  /** Virtual time (ms) of the failure, when the run got that far. */
  readonly time?: number
  /**
   * The shortest failing trace found, by runtimes that minimise (`simulate`): what a failure is
   * best read from. Absent: read `trace`.
   */
  readonly minimized?: readonly TraceEvent[]
  /** The failure of the run `minimized` shows, when it differs from `detail`'s (see `SimFailure`). */
  readonly minimizedDetail?: string
  /** `trace.length`, next to `minimized.length`, when `minimized` is set. */
  readonly originalLength?: number
  /** For a linearizability failure: the run's history (virtual times, failed operations left out). */
  readonly history?: readonly Operation<unknown, unknown>[]
  /** For a linearizability failure: the checker's verdict on `history`. */
  readonly linearizability?: LinearizabilityResult
}

/**
 * How one run failed, as the runtime that ran it saw it, before a report adds the seed and the
 * events: the same type in both runtimes ("failure" is a failed run; "fault" only ever an
 * injected one).
 */
export interface RunFailureCause {
  readonly kind: FailureKind
  readonly detail: string
  /** The invariant, goal, node or model at fault, when the runtime names one (`simulate` does). */
  readonly name?: string
  /** Set when the run's history failed its linearizability check: the verdict, and the history. */
  readonly linearizability?: LinearizabilityResult
  readonly history?: Operation<unknown, unknown>[]
}

/**
 * What the runs of a report were held to. A run that checks nothing cannot fail, so `ok: true`
 * alone does not say a property holds: the matchers read this to tell "passed" from "never
 * checked".
 */
export interface RunChecks {
  /** Names of the invariants checked after every step (`simulate`'s `invariants`, `world.always`). */
  readonly invariants: readonly string[]
  /** Names of the goals checked (`simulate`'s `goal`/`goalName`, every `world.runUntil` name). */
  readonly goals: readonly string[]
  /** True when every step was checked against a model (`simulate`'s `model` + `abstraction`). */
  readonly refinement: boolean
  /**
   * True when every run's history was checked for linearizability when the run ended (the
   * `linearizable` option of `simulate`, `explore` or `replay`).
   */
  readonly linearizable: boolean
}

/** The result of running a scenario over many seeds. A sweep stops at the first failing seed. */
export interface RunReport<F extends RunFailure = RunFailure> {
  /** True when every seed passed. */
  readonly ok: boolean
  /** How many seeds were run (including the failing one). */
  readonly runs: number
  readonly failure?: F
  /** What the runs checked; every report musil makes has it (see {@link RunChecks}). */
  readonly checked?: RunChecks
}

/**
 * The union of two sets of checks: what a sweep of several runs (or several chunks of seeds)
 * checked in any of them. Names keep their first-seen order.
 */
export function mergeRunChecks(a: RunChecks, b: RunChecks): RunChecks {
  const union = (x: readonly string[], y: readonly string[]): string[] => [...new Set([...x, ...y])]
  return {
    invariants: union(a.invariants, b.invariants),
    goals: union(a.goals, b.goals),
    refinement: a.refinement || b.refinement,
    linearizable: a.linearizable || b.linearizable,
  }
}

/**
 * True when runs with these checks were held to nothing (no invariant, goal, model or
 * linearizability check), or when a report does not say: such runs can only fail by throwing.
 */
export function checksNothing(checked: RunChecks | undefined): boolean {
  return (
    checked === undefined ||
    (checked.invariants.length === 0 &&
      checked.goals.length === 0 &&
      !checked.refinement &&
      !checked.linearizable)
  )
}

/** The checks of a run that checked nothing: the start of a {@link mergeRunChecks} fold. */
export const NO_CHECKS: RunChecks = {
  invariants: [],
  goals: [],
  refinement: false,
  linearizable: false,
}
