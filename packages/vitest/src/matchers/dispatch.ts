/**
 * One matcher name, two subjects: `expect(model).toBeSafe()` model-checks, while
 * `expect(report).toBeSafe()` reads a finished simulation report. The dispatch is by the shape of
 * the received value, so both stay synchronous.
 *
 * @module
 */
import type { MatcherState } from 'vitest'
import { isRunReport } from './simulation-matchers.ts'
import type { SyncMatchResult } from './trace-diff.ts'

/** A synchronous matcher function as `expect.extend` takes it. */
export type SyncMatcher = (this: MatcherState, received: unknown, ...args: any[]) => SyncMatchResult

/**
 * A matcher that hands models to `onModel` and simulation reports to `onReport`. Without a model
 * side, anything but a report is a `TypeError` naming what the matcher accepts.
 */
export function bySubject(
  name: string,
  onModel: SyncMatcher | undefined,
  onReport: SyncMatcher,
): SyncMatcher {
  return function dispatch(this: MatcherState, received: unknown, ...args: unknown[]) {
    if (isRunReport(received)) return onReport.call(this, received, ...args)
    // The model matcher names its own bad-input error (it expects a model).
    if (onModel !== undefined) return onModel.call(this, received, ...args)
    throw new TypeError(
      `expect(received).${name}(): received ${received === null ? 'null' : typeof received}, expected a simulation report ({ ok, runs, failure? } from simulate, explore, a simTest fixture or a sweep)`,
    )
  }
}
