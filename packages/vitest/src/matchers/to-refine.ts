/**
 * `toRefine`: refinement between models. Synchronous. On failure the diff sets the abstracted
 * implementation trace against what the spec allows at the step where they part: the same
 * prefix, then the spec's possible next steps (and the stutter) against the step the
 * implementation took.
 *
 * @module
 */
import {
  checkRefinement,
  formatValue,
  isModel,
  type Model,
  type RefinementOptions,
  type RefinementViolation,
  traceLines,
} from '@musil/core'
import { checkOptions, OPTION_KEYS } from '@musil/core/internal'
import type { MatcherState } from 'vitest'
import { count, type SyncMatchResult } from './trace-diff.ts'

/** Options of `toRefine`: those of `checkRefinement`. */
export type RefineMatcherOptions = RefinementOptions

function abstractLine(i: number, width: number, action: string, state: unknown): string {
  return `${String(i).padStart(width)}  ${action}  ${formatValue(state)}`
}

/**
 * The two sides of a refinement diff: `actual` is the implementation trace seen through the
 * abstraction; `expected` is the same up to the last step, then every spec step allowed there.
 */
export function refinementDiff<I, A>(
  v: RefinementViolation<I, A>,
): { actual: string; expected: string } {
  const n = v.trace.length - 1
  const width = String(n).length
  const actual = v.trace.map((step, i) => abstractLine(i, width, step.action, v.abstractTrace[i]))
  const expected = actual.slice(0, n)
  if (v.missing.before === undefined) {
    expected.push(...v.allowed.map((a) => abstractLine(n, width, 'init', a.state)))
  } else {
    expected.push(...v.allowed.map((a) => abstractLine(n, width, a.action, a.state)))
    expected.push(abstractLine(n, width, '(stutter)', v.missing.before))
  }
  return { actual: actual.join('\n'), expected: expected.join('\n') }
}

/** `expect(impl).toRefine(spec, abstraction, opts?)`: every step of `impl` is a step of `spec` or a stutter. */
export function toRefine(
  this: MatcherState,
  received: unknown,
  spec: unknown,
  abstraction: (s: any) => unknown,
  options: RefineMatcherOptions = {},
): SyncMatchResult {
  for (const [what, x] of [
    ['received', received],
    ['spec', spec],
  ] as const) {
    if (!isModel(x)) {
      throw new TypeError(
        `expect(impl).toRefine(spec, abstraction): ${what} is ${x === null ? 'null' : typeof x}, expected a model built with defineModel() from @musil/core`,
      )
    }
  }
  const impl = received as Model<unknown>
  const abstractModel = spec as Model<unknown>
  checkOptions(options, 'toRefine()', OPTION_KEYS.RefinementOptions)
  const r = checkRefinement(impl, abstractModel, abstraction, options)
  const hint = `expect(${impl.name}).${this.isNot ? 'not.' : ''}toRefine(${abstractModel.name})`
  const stats = `${count(r.stats.distinct)} distinct states, ${count(r.stats.specSteps)} spec steps matched, ${count(r.stats.stutters)} stutters`
  const v = r.violation
  if (v) {
    return {
      pass: false,
      message: () =>
        `${hint}\n\n${v.message} (${stats})\n\nimplementation trace:\n${traceLines(v.trace).join('\n')}`,
      ...refinementDiff(v),
    }
  }
  if (!r.complete) {
    return {
      pass: this.isNot,
      message: () =>
        `${hint}\n\nsearch incomplete, so it proves nothing either way: ${r.incomplete?.message} (${stats})`,
    }
  }
  return {
    pass: true,
    message: () =>
      `${hint}\n\nexpected a step ${abstractModel.name} forbids, but every step of ${impl.name} maps to a step of ${abstractModel.name} or a stutter (${stats})`,
  }
}
