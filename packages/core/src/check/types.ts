/**
 * Result shapes of the model checker. All plain, serialisable objects: they cross worker
 * threads and Vitest's reporter boundary.
 *
 * @module
 */
import { keyList, type OptionKey } from '../options.ts'

/** One step of a trace: the action taken and the state it led to. `trace[0].action` is `init`. */
export interface Step<S> {
  readonly action: string
  readonly state: S
}

/** Counters of a search, following TLC's conventions. */
export interface CheckStats {
  /** Reachable states stored (TLC "distinct states"). */
  distinct: number
  /** Initial states plus every successor produced, duplicates included (TLC "states generated"). */
  generated: number
  /** Number of BFS levels reached, the initial states being level 1 (a violating state's level counts). */
  depth: number
  /** Wall-clock duration of the search. */
  durationMs: number
  /**
   * TLC's optimistic estimate of the probability that two distinct states shared a 64-bit
   * fingerprint, so that a state was wrongly merged: distinct x (generated - distinct) / 2^64.
   */
  collisionProbability: number
  /** Bytes held by the visited-state store. */
  storeBytes: number
  /**
   * `storeBytes / distinct`: memory per visited state. `check` keeps fingerprints only, at most
   * 12 bytes a state once the model has more than a few thousand states (0 when nothing was stored).
   */
  bytesPerState: number
}

/** Why a search stopped before exhausting the reachable states. */
export interface Incompleteness {
  readonly reason: 'maxStates' | 'maxDepth'
  readonly limit: number
  readonly message: string
}

/** A safety counterexample. */
export interface SafetyViolation<S> {
  /** `invariant`: an invariant is false; `deadlock`: a non-terminal state without successors; `error`: user code threw. */
  readonly kind: 'invariant' | 'deadlock' | 'error'
  /** The invariant's name, the action label, or `deadlock`. */
  readonly name: string
  /** One sentence a person can read. */
  readonly message: string
  /** A shortest path from an initial state to the bad state. */
  readonly trace: Step<S>[]
  /** For `error`: what threw (`guard`, `effect`, `invariant`, ...) and its message. */
  readonly error?: { readonly origin: string; readonly type: string; readonly message: string }
}

/** What `check` returns. */
export interface CheckResult<S> {
  /** True only when the search completed and found no violation. */
  readonly ok: boolean
  /** False when `maxStates` or `maxDepth` cut the search: then `ok` is false too. */
  readonly complete: boolean
  readonly stats: CheckStats
  readonly violation?: SafetyViolation<S>
  /** Set when `complete` is false. */
  readonly incomplete?: Incompleteness
  /** The model's name. */
  readonly model: string
}

/** Progress of a running search, reported to `onProgress`. */
export interface CheckProgress {
  readonly distinct: number
  readonly generated: number
  /** The BFS level being expanded. */
  readonly depth: number
  /** States waiting to be expanded. */
  readonly queued: number
  readonly elapsedMs: number
  /** Distinct states per second so far. */
  readonly distinctPerSecond: number
  /** Generated states (successors produced, duplicates included) per second so far. */
  readonly generatedPerSecond: number
  /** True on the final report. */
  readonly done: boolean
}

/** Options of `check`. */
export interface CheckOptions {
  /** Stop after storing this many states (the result is then incomplete). */
  maxStates?: number
  /** Do not expand states at this BFS level (initial states are level 1). */
  maxDepth?: number
  /** Report states without successors as deadlocks (default true), unless `terminal` allows them. */
  deadlock?: boolean
  /** Called about once per `progressIntervalMs` during the search, and once at the end. */
  onProgress?: (p: CheckProgress) => void
  /** Milliseconds between progress reports (default 1000). */
  progressIntervalMs?: number
}

/** The keys {@link CheckOptions} may have: anything else is a typo `check` rejects. */
export const CHECK_OPTION_KEYS: readonly OptionKey<CheckOptions>[] = keyList<CheckOptions>()([
  'maxStates',
  'maxDepth',
  'deadlock',
  'onProgress',
  'progressIntervalMs',
])
