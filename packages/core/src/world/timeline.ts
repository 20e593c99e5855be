/**
 * Rendering and digesting a run's timeline: the determinism artifact of the async runtime.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { murmurFinal, murmurStep } from '../hash/murmur.ts'
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

/**
 * A 64-bit hex digest of the timeline's exact text (times at full precision). Two runs with
 * equal digests produced the same events, with the same times, in the same order.
 *
 * The hash is defined here, not borrowed from the state fingerprints, because a digest pinned in
 * a test or a bug report must only change when the timeline does: two independent 32-bit lanes
 * (FNV-1a, and a murmur3-style mix) over the UTF-16 code units of the text.
 */
export function timelineDigest(timeline: readonly TraceEvent[]): string {
  let fnv = 0x811c9dc5
  let mur = 0x9747b28c
  for (const e of timeline) {
    const line = `${e.t}|${e.kind}|${e.node ?? ''}|${e.src ?? ''}|${e.dst ?? ''}|${e.name ?? ''}|${e.payload === undefined ? '' : formatValue(e.payload)}|${e.detail ?? ''}\n`
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      fnv = Math.imul(fnv ^ c, 0x01000193)
      mur = murmurStep(mur, c)
    }
  }
  return hex32(fnv) + hex32(murmurFinal(mur))
}

function hex32(h: number): string {
  return (h >>> 0).toString(16).padStart(8, '0')
}
