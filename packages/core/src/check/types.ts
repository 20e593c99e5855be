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
  /**
   * States written to the working directory because the frontier outgrew the memory budget
   * (`memory: { maxBytes }`, or a quarter of the heap by default); 0 when the frontier stayed
   * in memory. Set by the breadth-first search only.
   */
  spilledStates?: number
}

/** Why a search stopped before exhausting the reachable states. */
export interface Incompleteness {
  /**
   * `maxStates`/`maxDepth`: a bound cut a breadth-first search; `random-walk`: the search
   * sampled behaviours and never claims to have covered every state.
   */
  readonly reason: 'maxStates' | 'maxDepth' | 'random-walk'
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
  /**
   * Which search ran: `bfs` (exhaustive unless a bound cut it) or `random-walk` (never
   * exhaustive: `complete` is false whatever it found).
   */
  readonly mode: CheckMode
  /** True when the search started from a checkpoint in `checkpoint.dir` rather than from scratch. */
  readonly resumed?: boolean
  /** For `mode: 'random-walk'`: the walks taken and where the violation came from. */
  readonly walk?: RandomWalkReport
}

/** The searches `check` can run. */
export type CheckMode = 'bfs' | 'random-walk'

/** What a random-walk search did. */
export interface RandomWalkReport {
  /** The seed the walks were drawn from: the same seed walks the same paths. */
  readonly seed: number
  /** Walks taken (the last one is the one that found the violation, if any). */
  readonly walks: number
  /** The length bound of each walk, in steps. */
  readonly depth: number
  /**
   * For a violation: the number of the walk that found it (from 0) and the steps of its
   * trace before it was shrunk by a bounded breadth-first search around it.
   */
  readonly found?: { readonly walk: number; readonly steps: number; readonly shrunkTo: number }
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
  /**
   * `bfs` (default): the exhaustive breadth-first search. `random-walk`: `walks` random
   * behaviours of at most `depth` steps from `seed` (TLC's `-simulate`), for state spaces too
   * large to enumerate; a violation is shrunk by a bounded breadth-first search. Never
   * exhaustive, and no liveness.
   */
  mode?: CheckMode
  /** `random-walk`: steps per walk (default 100). */
  depth?: number
  /** `random-walk`: number of walks (default 1000). */
  walks?: number
  /** `random-walk`: the seed of the walks (default 0). */
  seed?: number
  /**
   * Write a checkpoint to `dir` at a level boundary, at most every `everyMs` (default 30
   * minutes; 0 = every level), and resume from it when `dir` already holds one of the same
   * model and options. `bfs` only.
   */
  checkpoint?: CheckpointOptions
  /**
   * Bound the memory of the frontier: beyond `maxBytes` (fingerprints included) the states
   * waiting to be expanded go to files in `dir` (default: a fresh directory in the OS temp
   * directory), read back level by level. Without it, the frontier spills past a quarter of
   * the heap limit. `bfs` only.
   */
  memory?: MemoryOptions
}

/** Options of `check`'s `checkpoint`. */
export interface CheckpointOptions {
  /** The directory of the checkpoint (created if missing). */
  dir: string
  /** Milliseconds between checkpoints, written at the next level boundary (default 1,800,000). */
  everyMs?: number
}

/** The keys {@link CheckpointOptions} may have. */
export const CHECKPOINT_OPTION_KEYS: readonly OptionKey<CheckpointOptions>[] =
  keyList<CheckpointOptions>()(['dir', 'everyMs'])

/** Options of `check`'s `memory`. */
export interface MemoryOptions {
  /** Bytes the fingerprint set and the frontier may hold before the frontier goes to disk. */
  maxBytes: number
  /** Where spilled frontier files go (default: a fresh directory in the OS temp directory). */
  dir?: string
}

/** The keys {@link MemoryOptions} may have. */
export const MEMORY_OPTION_KEYS: readonly OptionKey<MemoryOptions>[] = keyList<MemoryOptions>()([
  'maxBytes',
  'dir',
])

/** The keys {@link CheckOptions} may have: anything else is a typo `check` rejects. */
export const CHECK_OPTION_KEYS: readonly OptionKey<CheckOptions>[] = keyList<CheckOptions>()([
  'maxStates',
  'maxDepth',
  'deadlock',
  'onProgress',
  'progressIntervalMs',
  'mode',
  'depth',
  'walks',
  'seed',
  'checkpoint',
  'memory',
])
