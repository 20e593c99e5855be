import type { CheckProgress } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { type ProgressSink, progressLine, progressPrinter } from '../src/progress.ts'

/** A progress record at `elapsedMs` (the printer reads only the record, never a clock). */
const at = (elapsedMs: number, done = false): CheckProgress => ({
  distinct: 1000,
  generated: 9000,
  depth: 7,
  queued: 250,
  elapsedMs,
  distinctPerSecond: 500,
  generatedPerSecond: 4500,
  done,
})

function sink(tty: boolean): ProgressSink & { out: string[] } {
  const out: string[] = []
  return { out, tty, write: (t) => out.push(t) }
}

describe('modelTest progress', () => {
  it('shows nothing for a search shorter than 2 s, not even at the end', () => {
    for (const tty of [true, false]) {
      const s = sink(tty)
      const print = progressPrinter('M', s)
      print(at(1000))
      print(at(1900, true))
      expect(s.out).toEqual([])
    }
  })

  it('redraws one line on a terminal and ends it when done', () => {
    const s = sink(true)
    const print = progressPrinter('M', s)
    for (const ms of [1000, 2000, 3000, 4000]) print(at(ms))
    print(at(4500, true))
    expect(s.out).toHaveLength(4)
    for (const t of s.out) expect(t.startsWith('\r\x1b[2K[musil] M: ')).toBe(true)
    expect(s.out.slice(0, 3).every((t) => !t.endsWith('\n'))).toBe(true)
    expect(s.out[3]).toMatch(/, done\n$/)
  })

  it('writes plain lines at most every 5 s without a terminal, and a last one', () => {
    const s = sink(false)
    const print = progressPrinter('M', s)
    for (let ms = 1000; ms <= 12000; ms += 1000) print(at(ms))
    print(at(12500, true))
    // 2 s (the first), 7 s, 12 s, then the final line.
    expect(s.out.map((t) => t.match(/([\d.]+) s(, done)?\n$/)![1])).toEqual([
      '2.0',
      '7.0',
      '12.0',
      '12.5',
    ])
    expect(s.out.every((t) => !t.includes('\r') && t.endsWith('\n'))).toBe(true)
  })

  it('names every counter of the issue: distinct, generated, queue, depth, states/s', () => {
    expect(progressLine('TwoPhase', at(3000))).toBe(
      '[musil] TwoPhase: 1,000 distinct, 9,000 generated, 250 queued, depth 7, 500 distinct/s, 4,500 generated/s, 3.0 s',
    )
  })
})
