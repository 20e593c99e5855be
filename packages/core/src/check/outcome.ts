/**
 * What a safety search reports, built the same way by `check` and `checkParallel`: progress
 * reports on a clock, and the final {@link CheckResult}.
 *
 * @module
 */
import type {
  CheckMode,
  CheckOptions,
  CheckProgress,
  CheckResult,
  Incompleteness,
  RandomWalkReport,
  SafetyViolation,
} from './types.ts'

/** What a result says beyond the counters: which search ran and how. */
export interface ResultExtras {
  /** Default `bfs`. */
  readonly mode?: CheckMode
  readonly resumed?: boolean
  readonly spilledStates?: number
  readonly walk?: RandomWalkReport
}

const TWO_POW_64 = 2 ** 64

/** The counters of a search at some moment. */
export interface SearchCounts {
  readonly distinct: number
  readonly generated: number
  readonly depth: number
}

/** A source of milliseconds; `performance.now` unless a test injects its own. */
export type Clock = () => number

/** Calls `onProgress` about once per `progressIntervalMs`, and once at the end. */
export class ProgressClock {
  readonly started: number
  readonly #opts: CheckOptions
  readonly #now: Clock
  #next: number

  constructor(opts: CheckOptions, now: Clock = () => performance.now()) {
    this.#opts = opts
    this.#now = now
    this.started = now()
    this.#next = this.started + (opts.progressIntervalMs ?? 1000)
  }

  /** Reports if the interval has passed (`counts` is only called then). */
  tick(counts: () => SearchCounts, queued: number): void {
    const cb = this.#opts.onProgress
    if (cb === undefined) return
    const now = this.#now()
    if (now < this.#next) return
    this.#next = now + (this.#opts.progressIntervalMs ?? 1000)
    cb(this.progress(counts(), queued, false))
  }

  /** The progress record for `counts` now. */
  progress(counts: SearchCounts, queued: number, done: boolean): CheckProgress {
    const elapsedMs = this.#now() - this.started
    const perSecond = (n: number) => (elapsedMs > 0 ? (n * 1000) / elapsedMs : 0)
    return {
      ...counts,
      queued,
      elapsedMs,
      distinctPerSecond: perSecond(counts.distinct),
      generatedPerSecond: perSecond(counts.generated),
      done,
    }
  }

  /** The result of the search, after a last progress report. */
  result<S>(
    model: string,
    counts: SearchCounts,
    storeBytes: number,
    violation: SafetyViolation<S> | undefined,
    incomplete: Incompleteness | undefined,
    extra: ResultExtras = {},
  ): CheckResult<S> {
    const durationMs = this.#now() - this.started
    const { distinct, generated } = counts
    // A violating state found while expanding level k sits at level k + 1: count it.
    const depth = Math.max(counts.depth, violation?.trace.length ?? 0)
    this.#opts.onProgress?.(this.progress(counts, 0, true))
    const complete = incomplete === undefined
    return {
      ok: complete && violation === undefined,
      complete,
      stats: {
        distinct,
        generated,
        depth,
        durationMs,
        collisionProbability: (distinct * Math.max(generated - distinct, 0)) / TWO_POW_64,
        storeBytes,
        bytesPerState: distinct > 0 ? storeBytes / distinct : 0,
        ...(extra.spilledStates !== undefined && { spilledStates: extra.spilledStates }),
      },
      model,
      mode: extra.mode ?? 'bfs',
      ...(extra.resumed !== undefined && { resumed: extra.resumed }),
      ...(extra.walk !== undefined && { walk: extra.walk }),
      ...(violation && { violation }),
      ...(incomplete && { incomplete }),
    }
  }
}
