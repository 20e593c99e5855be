/**
 * `toConverge`: liveness on models. Synchronous, like the safety matchers. On failure the diff
 * is the lasso: the prefix from an initial state, a marker, then the cycle that repeats forever.
 *
 * @module
 */
import {
  checkLiveness,
  isModel,
  type LivenessOptions,
  type LivenessResult,
  type LivenessViolation,
  type Model,
  traceLines,
} from '@musil/core'
import { checkOptions, OPTION_KEYS } from '@musil/core/internal'
import type { MatcherState } from 'vitest'
import { count, type SyncMatchResult } from './trace-diff.ts'

/** Options of `toConverge`: those of `checkLiveness` (a `goal` is required). */
export type ConvergeMatcherOptions<S = any> = LivenessOptions<S>

/** The line that separates the prefix of a lasso from its cycle in a failure diff. */
export const CYCLE_MARKER = '── cycle, repeated forever ──'

/**
 * The lines of a lasso: the prefix, {@link CYCLE_MARKER}, the cycle (numbered on from the
 * prefix, each step showing what it changed), and where the cycle returns to.
 */
export function lassoLines<S>(v: LivenessViolation<S>): string[] {
  const lines = traceLines([...v.prefix, ...v.cycle])
  const entry = v.prefix.length - 1
  return [
    ...lines.slice(0, v.prefix.length),
    CYCLE_MARKER,
    ...lines.slice(v.prefix.length),
    `── back to step ${entry} ──`,
  ]
}

function statsLine(r: LivenessResult<unknown>): string {
  return `${count(r.stats.distinct)} distinct states, ${count(r.stats.transitions)} transitions, ${count(r.stats.fairInstances)} fair action instances`
}

function warningLines(r: LivenessResult<unknown>): string {
  return r.warnings.map((w) => `\nwarning (${w.code}): ${w.message}`).join('')
}

/** `expect(model).toConverge(opts)`: every fair behaviour reaches the goal (with `everywhere`, infinitely often). */
export function toConverge(
  this: MatcherState,
  received: unknown,
  options: ConvergeMatcherOptions,
): SyncMatchResult {
  if (!isModel(received)) {
    throw new TypeError(
      `expect(received).toConverge(): received ${received === null ? 'null' : typeof received}, expected a model built with defineModel() from @musil/core`,
    )
  }
  const model = received as Model<unknown>
  if (options !== null && typeof options === 'object') {
    checkOptions(options, 'toConverge()', OPTION_KEYS.LivenessOptions)
  }
  if (options === null || typeof options !== 'object' || typeof options.goal !== 'function') {
    throw new TypeError(
      `expect(${model.name}).toConverge(options): options.goal must be a function (s) => boolean, e.g. toConverge({ goal: (s) => s.done, fair: ['deliver'] })`,
    )
  }
  const r = checkLiveness(model, options)
  const hint = `expect(${model.name}).${this.isNot ? 'not.' : ''}toConverge()`
  const goalName = options.goalName ?? 'goal'
  const holds = options.everywhere
    ? `every fair behaviour reaches ${goalName} again and again`
    : `every fair behaviour reaches ${goalName}`
  const v = r.violation
  if (v) {
    return {
      pass: false,
      message: () =>
        `${hint}\n\n${v.message} (lasso of ${v.prefix.length - 1} + ${v.cycle.length} steps; ${statsLine(r)})${warningLines(r)}`,
      actual: lassoLines(v).join('\n'),
      expected: holds,
    }
  }
  if (!r.complete) {
    return {
      pass: this.isNot,
      message: () =>
        `${hint}\n\nsearch incomplete, so it proves nothing either way: ${r.incomplete?.message} (${statsLine(r)})`,
    }
  }
  return {
    pass: true,
    message: () => `${hint}\n\nexpected a lasso, but ${holds} (${statsLine(r)})${warningLines(r)}`,
  }
}
