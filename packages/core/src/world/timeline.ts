/**
 * Rendering a run's timeline (its digest is `traceDigest`, one for both runtimes).
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { HISTORY_EVENT_KINDS } from '../linearizability/recorder.ts'
import type { TraceEvent } from '../report.ts'

const HISTORY_KINDS: ReadonlySet<string> = new Set(HISTORY_EVENT_KINDS)

/** One event as a line: `  12.5 ms  deliver   n1 -> n2  {type: 'vote'}`. */
export function formatEvent(e: TraceEvent): string {
  const parts: string[] = [`${formatTime(e.t).padStart(10)} ms`, e.kind.padEnd(9)]
  if (e.node !== undefined) parts.push(e.node)
  if (e.src !== undefined || e.dst !== undefined) parts.push(`${e.src ?? '?'} -> ${e.dst ?? '?'}`)
  // A history event's name is its client: worth a column only when it is not the task itself.
  if (e.name !== undefined && !(e.name === e.node && HISTORY_KINDS.has(e.kind))) parts.push(e.name)
  if (e.payload !== undefined) parts.push(formatValue(e.payload))
  if (e.detail !== undefined) parts.push(`(${e.detail})`)
  return parts.join('  ')
}

function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(3)
}

/** The whole timeline, one event per line, or only its last `last` events. */
export function formatTimeline(timeline: readonly TraceEvent[], last?: number): string {
  const from = last === undefined ? 0 : Math.max(0, timeline.length - last)
  const lines = timeline.slice(from).map(formatEvent)
  if (from > 0) lines.unshift(`  ... ${from} earlier events`)
  return lines.join('\n')
}
