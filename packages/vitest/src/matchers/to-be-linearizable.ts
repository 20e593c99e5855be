/**
 * `expect(history).toBeLinearizable(spec, options?)`: checks a recorded history (an array of
 * operations) with `checkLinearizability`. Synchronous, like every musil matcher. On failure
 * the diff is the history as a per-client timeline, the longest linearizable prefix and the
 * operations that cannot come next marked, against the one line "a linearization of all N
 * operations".
 *
 * No verdict on nothing: an empty history checks nothing, and a search that ran out of its
 * time budget (`unknown`) decides nothing; both throw a {@link NothingCheckedError} under the
 * matcher and its `.not` alike.
 *
 * A simulation report (`expect(report).toBeLinearizable(spec?)`) is another subject, judged by
 * the report matcher given to {@link linearizabilityBySubject}.
 *
 * @module
 */
import {
  checkLinearizability,
  failureWindow,
  formatHistory,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  NothingCheckedError,
  type Operation,
  type SequentialSpec,
} from '@musil/core'
import type { MatcherState } from 'vitest'
import type { SyncMatcher } from './dispatch.ts'
import { isRunReport } from './simulation-matchers.ts'
import { count, type SyncMatchResult } from './trace-diff.ts'

type AnySpec = SequentialSpec<unknown, unknown, unknown>

/**
 * The matcher result of a finished linearizability check of `history`: a pass on
 * `linearizable`; on `not-linearizable` a failure whose diff is the timeline; on `unknown` a
 * thrown {@link NothingCheckedError} (no verdict, so neither the matcher nor its `.not` may
 * pass). `hint` heads every message, e.g. `expect(history).toBeLinearizable(spec)`. For other
 * matchers over histories (a report's failing run, say).
 */
export function linearizabilityToMatch<S, I, O>(
  hint: string,
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
  result: LinearizabilityResult<S, I, O>,
): SyncMatchResult {
  const size = `${count(result.operations)} operations, ${count(result.partitions)} partition${result.partitions === 1 ? '' : 's'}, ${count(result.stats.visited)} configurations explored`
  if (result.result === 'unknown') {
    throw new NothingCheckedError(
      `${hint}: no verdict, ${result.reason ?? 'the search stopped before a verdict'} (${size})`,
    )
  }
  const expected = `a linearization of all ${count(result.operations)} operations`
  const violation = result.violation
  if (result.result === 'not-linearizable' && violation !== undefined) {
    const timeline = formatHistory(history, {
      spec,
      violation,
      operations: failureWindow(history, violation),
    })
    return {
      pass: false,
      message: () => `${hint}\n\n${violation.message} (${size})`,
      actual: timeline,
      expected,
    }
  }
  return {
    pass: true,
    message: () => `${hint}\n\nexpected no linearization, but found ${expected} (${size})`,
  }
}

/** `expect(history).toBeLinearizable(spec, options?)`. */
export function historyToBeLinearizable(
  this: MatcherState,
  received: unknown,
  ...args: unknown[]
): SyncMatchResult {
  const hint = `expect(history).${this.isNot ? 'not.' : ''}toBeLinearizable(spec)`
  const [spec, options] = args as [AnySpec | undefined, LinearizabilityOptions | undefined]
  if (spec === undefined || args.length > 2) {
    throw new TypeError(
      `${hint}: give the sequential spec to hold the history to (registerSpec(), keyValueSpec(), queueSpec(), setSpec(), mutexSpec() from @musil/core, or your own { init, step }), and optionally { timeoutMs }`,
    )
  }
  const history = received as readonly Operation<unknown, unknown>[]
  if (history.length === 0) {
    throw new NothingCheckedError(
      `${hint}: the history is empty, so no operation was checked; record the operations (client, input, call, output, return) of the run before asserting on them`,
    )
  }
  return linearizabilityToMatch(hint, history, spec, checkLinearizability(history, spec, options))
}

/**
 * The `toBeLinearizable` matcher: histories (arrays) go to {@link historyToBeLinearizable},
 * simulation reports to `onReport` (the report matcher of the simulation runtimes; without one,
 * a report is a `TypeError` saying so). Anything else is a `TypeError` naming both subjects.
 */
export function linearizabilityBySubject(onReport?: SyncMatcher): SyncMatcher {
  return function toBeLinearizable(this: MatcherState, received: unknown, ...args: unknown[]) {
    if (Array.isArray(received)) return historyToBeLinearizable.call(this, received, ...args)
    if (isRunReport(received)) {
      if (onReport !== undefined) return onReport.call(this, received, ...args)
      throw new TypeError(
        'expect(report).toBeLinearizable(): this build checks histories only; check the history of the run with expect(history).toBeLinearizable(spec)',
      )
    }
    const got = received === null ? 'null' : typeof received
    const hint = received instanceof Promise ? ' (a Promise: await explore() before expect)' : ''
    throw new TypeError(
      `expect(received).toBeLinearizable(): received ${got}${hint}, expected a history (an array of operations { client, input, call, output, return }) or a simulation report ({ ok, runs, failure? } from simulate, explore, a simTest fixture or a sweep)`,
    )
  }
}
