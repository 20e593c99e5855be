/**
 * One matcher name, two subjects: `expect(model).toBeSafe()` model-checks, while
 * `expect(report).toBeSafe()` reads a finished simulation report. The dispatch is by the shape of
 * the received value, so both stay synchronous.
 *
 * @module
 */
import { isModel } from '@musil/core'
import type { MatcherState } from 'vitest'
import { isRunReport } from './simulation-matchers.ts'
import type { SyncMatchResult } from './trace-diff.ts'

/** A synchronous matcher function as `expect.extend` takes it. */
export type SyncMatcher = (this: MatcherState, received: unknown, ...args: any[]) => SyncMatchResult

/**
 * A matcher that hands models to `onModel` and simulation reports to `onReport`. Anything else
 * is a `TypeError` naming what the matcher accepts.
 */
export function bySubject(
  name: string,
  onModel: SyncMatcher | undefined,
  onReport: SyncMatcher,
): SyncMatcher {
  return function dispatch(this: MatcherState, received: unknown, ...args: unknown[]) {
    if (isRunReport(received)) return onReport.call(this, received, ...args)
    // Arguments mean a model-style call (options, a spec): the model matcher names its misuse.
    if (onModel !== undefined && (isModel(received) || args.length > 0)) {
      return onModel.call(this, received, ...args)
    }
    if (onModel === undefined && isModel(received)) {
      throw new TypeError(
        `expect(${received.name}).${name}(): ${name} reads a simulation report, not a model; model-check a model with toBeSafe(), toBeDeadlockFree(), toConverge(options) or toRefine(spec, abstraction)`,
      )
    }
    const got = received === null ? 'null' : typeof received
    // A Promise here is almost always an un-awaited explore(): say so, it is the likely fix.
    const hint = received instanceof Promise ? ' (a Promise: await explore() before expect)' : ''
    const model =
      onModel === undefined ? '' : 'a model built with defineModel() from @musil/core, or '
    throw new TypeError(
      `expect(received).${name}(): received ${got}${hint}, expected ${model}a simulation report ({ ok, runs, failure? } from simulate, explore, a simTest fixture or a sweep)`,
    )
  }
}
