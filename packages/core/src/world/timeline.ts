/**
 * Rendering and digesting a run's timeline: the determinism artifact of the async runtime.
 *
 * @module
 */
import { fingerprintHex } from '../model/fingerprint.ts'
import { formatValue } from '../render/value.ts'
import type { TraceEvent } from '../report.ts'

/** One event as a line: `  12.5 ms  deliver   n1 -> n2  {type: 'vote'}`. */
export function formatEvent(e: TraceEvent): string {
  const parts: string[] = [`${formatTime(e.t).padStart(10)} ms`, e.kind.padEnd(9)]
  if (e.node !== undefined) parts.push(e.node)
  if (e.src !== undefined || e.dst !== undefined) parts.push(`${e.src ?? '?'} -> ${e.dst ?? '?'}`)
  if (e.name !== undefined) parts.push(e.name)
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

/**
 * A 64-bit hex digest of the timeline's text rendering. Two runs with equal digests produced the
 * same events, with the same times, in the same order. Times print exactly (`toFixed(3)` only for
 * display above; the digest uses full precision).
 */
export function timelineDigest(timeline: readonly TraceEvent[]): string {
  const text = timeline
    .map(
      (e) =>
        `${e.t}|${e.kind}|${e.node ?? ''}|${e.src ?? ''}|${e.dst ?? ''}|${e.name ?? ''}|${e.payload === undefined ? '' : formatValue(e.payload)}|${e.detail ?? ''}`,
    )
    .join('\n')
  return fingerprintHex(text)
}
