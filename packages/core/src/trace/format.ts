/**
 * A run's trace as text, one event per line with its virtual time first: the one formatter of
 * both runtimes (`formatTimeline` and `formatEvent` are it, by the async runtime's names).
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { HISTORY_EVENT_KINDS } from '../linearizability/recorder.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { TraceEvent } from '../report.ts'

/** Options of {@link formatSimTrace}. */
export interface FormatSimTraceOptions {
  /** Leave out `send` lines (each message then shows once, as its deliver or drop). Default false. */
  readonly hideSends?: boolean
  /** Longest payload rendering before it is cut with `…`. Default 60. */
  readonly maxPayload?: number
  /** Show only the last `last` events, after a line counting the earlier ones. Default: all. */
  readonly last?: number
}

/** The keys {@link FormatSimTraceOptions} may have: anything else is a typo `formatSimTrace` rejects. */
export const FORMAT_SIM_TRACE_OPTION_KEYS: readonly OptionKey<FormatSimTraceOptions>[] =
  keyList<FormatSimTraceOptions>()(['hideSends', 'maxPayload', 'last'])

/**
 * A trace as text, one event per line, virtual time first:
 *
 * ```text
 *  t=0  start    cp
 *  t=0  send     cp -> agent  1  (msg #0)
 *  t=0  drop     cp -> agent  1  (msg #0 lost in transit)
 *  t=2  timer    cp  'push'
 * ```
 */
export function formatSimTrace(
  trace: readonly TraceEvent[],
  options: FormatSimTraceOptions = {},
): string {
  checkOptions(options, 'formatSimTrace()', FORMAT_SIM_TRACE_OPTION_KEYS)
  const max = options.maxPayload ?? 60
  const shown = options.hideSends ? trace.filter((e) => e.kind !== 'send') : trace
  const from = options.last === undefined ? 0 : Math.max(0, shown.length - options.last)
  const events = from > 0 ? shown.slice(from) : shown
  const times = events.map((e) => `t=${formatTime(e.t)}`)
  const tw = Math.max(0, ...times.map((t) => t.length))
  const kw = Math.max(0, ...events.map((e) => e.kind.length))
  const lines = events.map((e, i) =>
    `${times[i]!.padStart(tw)}  ${e.kind.padEnd(kw)}  ${describe(e, max)}`.trimEnd(),
  )
  if (from > 0) lines.unshift(`... ${from} earlier events`)
  return lines.join('\n')
}

/**
 * The async runtime's name for {@link formatSimTrace}: the same formatter (one for both
 * runtimes), with the last `last` events only when given.
 */
export function formatTimeline(timeline: readonly TraceEvent[], last?: number): string {
  return formatSimTrace(timeline, last === undefined ? {} : { last })
}

/** One event as {@link formatSimTrace} prints it. */
export function formatEvent(e: TraceEvent): string {
  return formatSimTrace([e])
}

/** Trace kinds of a recorded history (`ctx.history`, `world.history`). */
export const HISTORY_KINDS: ReadonlySet<string> = new Set(HISTORY_EVENT_KINDS)

/**
 * A history event reads `reader  op #3  {f: "read"}` (an invoke, with its input) or
 * `reader  op #3  → 1` (a completion, with its output); the client is named when it is not the
 * node that recorded it.
 */
export function describeHistoryEvent(e: TraceEvent, max: number): string {
  const parts: string[] = [e.node ?? '?']
  if (e.name !== undefined && e.name !== e.node) parts.push(`for ${e.name}`)
  if (e.detail !== undefined) parts.push(e.detail)
  if (e.kind === 'invoke') parts.push(cut(formatValue(e.payload), max))
  else if (e.payload !== undefined) parts.push(`→ ${cut(formatValue(e.payload), max)}`)
  return parts.join('  ')
}

function describe(e: TraceEvent, max: number): string {
  if (HISTORY_KINDS.has(e.kind)) return describeHistoryEvent(e, max)
  if (e.src !== undefined && e.dst !== undefined) {
    const detail = e.detail ? `  (${e.detail})` : ''
    return `${e.src} -> ${e.dst}  ${cut(formatValue(e.payload), max)}${detail}`
  }
  const parts: string[] = []
  if (e.node !== undefined) parts.push(e.node)
  if (e.name !== undefined) parts.push(e.kind === 'timer' ? `'${e.name}'` : e.name)
  if (e.detail !== undefined) parts.push(e.detail)
  if (e.kind === 'user' && e.payload !== undefined) parts.push(cut(formatValue(e.payload), max))
  return parts.join('  ')
}

export function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(3).replace(/0+$/, '')
}

export function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}
