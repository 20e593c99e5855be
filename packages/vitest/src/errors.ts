/**
 * The errors of `@musil/vitest`: a sweep that could not run its seeds (only this package throws
 * it), and a malformed seed setting (shared with core's `parseShard`, re-exported from there). Both extend `MusilError`, so `MusilError.is(e)` and `e.name` work as for the
 * errors of `@musil/core`.
 *
 * @module
 */
import { MusilError } from '@musil/core'

/** Thrown by core's `parseShard` as well as here, so it lives in `@musil/core`. */
export { SeedConfigError } from '@musil/core'

/**
 * A seed sweep could not run its seeds: the target module or export is missing or malformed,
 * or a worker thread died. `seeds` lists the seeds whose outcome is unknown because of it, so
 * no failing seed is silently lost.
 */
export class SweepError extends MusilError {
  override name = 'SweepError'
  /** Seeds that were not run (or whose result was lost) because of this error. */
  readonly seeds: readonly number[]

  constructor(message: string, seeds: readonly number[] = [], options?: ErrorOptions) {
    super(message, options)
    this.seeds = seeds
  }
}
