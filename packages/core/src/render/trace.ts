/**
 * Traces as text: one line per step, the initial state in full and then, for every step, only
 * what it changed. Lines are complete: nothing is elided, however long the trace.
 *
 * @module
 */
import type { Step } from '../check/types.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { diffStates, formatChange } from './state-diff.ts'

/** Options of {@link formatTrace}. */
export interface FormatTraceOptions {
  /** Print every state in full instead of only the changes (default false). */
  full?: boolean
  /** Number of the first step (default 0). */
  start?: number
}

/** The keys {@link FormatTraceOptions} may have: anything else is a typo `formatTrace` rejects. */
export const FORMAT_TRACE_OPTION_KEYS: readonly OptionKey<FormatTraceOptions>[] =
  keyList<FormatTraceOptions>()(['full', 'start'])

/**
 * Renders a trace one line per step:
 *
 * ```
 *  0  init        {small: 0, big: 0}
 *  1  FillBig     big: 0 → 5
 *  2  BigToSmall  small: 0 → 3, big: 5 → 2
 * ```
 *
 * A step that changes nothing (a self-loop) prints `(no change)`.
 */
export function formatTrace<S>(
  trace: readonly Step<S>[],
  options: FormatTraceOptions = {},
): string {
  checkOptions(options, 'formatTrace()', FORMAT_TRACE_OPTION_KEYS)
  return traceLines(trace, options).join('\n')
}

/** The lines of {@link formatTrace}. */
export function traceLines<S>(
  trace: readonly Step<S>[],
  options: FormatTraceOptions = {},
): string[] {
  checkOptions(options, 'traceLines()', FORMAT_TRACE_OPTION_KEYS)
  const start = options.start ?? 0
  const numberWidth = String(start + trace.length - 1).length
  const labelWidth = Math.min(Math.max(...trace.map((s) => s.action.length), 4), 40)
  return trace.map((step, i) => {
    const prev = trace[i - 1]
    const body =
      options.full || prev === undefined
        ? formatValue(step.state)
        : describeStep(prev.state, step.state)
    return `${String(start + i).padStart(numberWidth)}  ${step.action.padEnd(labelWidth)}  ${body}`
  })
}

/** What one step changed, e.g. `small: 0 → 3, big: 5 → 2`. */
export function describeStep(before: unknown, after: unknown): string {
  const changes = diffStates(before, after)
  return changes.length === 0 ? '(no change)' : changes.map(formatChange).join(', ')
}
