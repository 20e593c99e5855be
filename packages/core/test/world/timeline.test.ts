import {
  formatEvent,
  formatSimTrace,
  formatTimeline,
  type TraceEvent,
  timelineDigest,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

const events: TraceEvent[] = [
  { t: 0, kind: 'send', src: 'a', dst: 'b', payload: { n: 1 } },
  { t: 12.5, kind: 'deliver', src: 'a', dst: 'b', payload: { n: 1 } },
  { t: 40, kind: 'timer', node: 'a', name: 'recv timeout', detail: 'a' },
]

describe('timeline rendering', () => {
  it('prints one aligned line per event, as simulation traces are printed', () => {
    expect(formatTimeline(events)).toBe(
      [
        '   t=0  send     a -> b  {n: 1}',
        't=12.5  deliver  a -> b  {n: 1}',
        "  t=40  timer    a  'recv timeout'  a",
      ].join('\n'),
    )
    // One formatter for both runtimes: formatTimeline is formatSimTrace.
    expect(formatTimeline(events)).toBe(formatSimTrace(events))
    expect(formatTimeline(events, 1)).toBe(`... 2 earlier events\n${formatEvent(events[2])}`)
  })
})

describe('timelineDigest', () => {
  it('is a fixed function of the text: its own hash, pinned', () => {
    // FNV-1a's offset basis and the finalised murmur seed: nothing hashed yet.
    expect(timelineDigest([])).toBe('811c9dc5ebb6c228')
    expect(timelineDigest([{ t: 0, kind: 'user', payload: 'x' }])).toBe('d7c926c020cb876f')
    expect(timelineDigest(events)).toMatch(/^[0-9a-f]{16}$/)
    expect(timelineDigest(events)).toBe(timelineDigest(structuredClone(events)))
    // One digest for both runtimes: a simulation trace and a timeline hash alike.
    expect(traceDigest(events)).toBe(timelineDigest(events))
  })

  it('changes with a time, an order, a payload or a detail', () => {
    const base = timelineDigest(events)
    const variants: TraceEvent[][] = [
      [{ ...events[0], t: 0.001 }, events[1], events[2]],
      [events[1], events[0], events[2]],
      [events[0], { ...events[1], payload: { n: 2 } }, events[2]],
      [events[0], events[1], { ...events[2], detail: 'b' }],
      events.slice(0, 2),
    ]
    const digests = variants.map(timelineDigest)
    for (const d of digests) expect(d).not.toBe(base)
    expect(new Set(digests).size).toBe(variants.length)
  })
})
