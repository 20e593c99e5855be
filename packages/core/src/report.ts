/**
 * The report shape shared by both simulation runtimes (`simulate` for callback nodes and
 * `explore` for async/await code), so that matchers, sweeps and reporters treat them alike.
 * Everything here is plain data: reports cross worker threads.
 *
 * @module
 */

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

/** The failure of one seed. Runtimes add their own fields (final world, timeline, ...). */
export interface RunFailure {
  readonly kind: FailureKind
  /** The seed that fails: rerun with `seeds: [seed]` to replay it bit for bit. */
  readonly seed: number
  /** Names the invariant, goal, node or task at fault, and the message. */
  readonly detail: string
}

/** The result of running a scenario over many seeds. A sweep stops at the first failing seed. */
export interface RunReport<F extends RunFailure = RunFailure> {
  /** True when every seed passed. */
  readonly ok: boolean
  /** How many seeds were run (including the failing one). */
  readonly runs: number
  readonly failure?: F
}
