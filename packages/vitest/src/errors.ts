/**
 * The errors only `@musil/vitest` throws: a malformed seed setting and a sweep that could not
 * run its seeds. Both extend `MusilError`, so `MusilError.is(e)` and `e.name` work as for the
 * errors of `@musil/core`.
 *
 * @module
 */
import { MusilError } from '@musil/core'

/**
 * A seed setting is malformed: `MUSIL_SEED`, `-- --seed=N`, `MUSIL_SHARD=i/n`, a sweep's seed
 * range or a `simTest.each` seed list. `source` names where the bad value came from.
 */
export class SeedConfigError extends MusilError {
  override name = 'SeedConfigError'
  /** Where the bad value came from, e.g. `MUSIL_SEED` or `simTest.each`. */
  readonly source: string

  constructor(source: string, message: string) {
    super(`${source}: ${message}`)
    this.source = source
  }
}

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
