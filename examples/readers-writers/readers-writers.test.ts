import { check, checkLiveness } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { fairScheduler, readersWritersChapter } from './chapter.ts'
import { type Policy, readersWriters, writerNotWaiting } from './readers-writers.ts'

const policies: Policy[] = ['reader-preference', 'writer-priority']
const writerGetsIn = {
  goal: writerNotWaiting,
  goalName: 'writer gets in',
  everywhere: true,
} as const

describe('readers and writers', () => {
  it.each(policies)('%s is safe and deadlock-free', (policy) => {
    for (const readers of [1, 2, 3]) {
      const r = check(readersWriters({ readers, policy }))
      expect(r.ok).toBe(true)
    }
    expect(check(readersWriters({ policy })).stats.distinct).toBe(9)
  })

  it('reader preference starves the writer: two readers take turns forever', () => {
    const r = checkLiveness(readersWriters({ policy: 'reader-preference' }), {
      ...writerGetsIn,
      ...fairScheduler,
    })
    expect(r.ok).toBe(false)
    expect(r.warnings).toEqual([])
    const v = r.violation!
    expect(v.name).toBe('writer gets in')
    expect(v.prefix.map((s) => s.action)).toEqual(['init', 'startRead(0)', 'request'])
    expect(v.cycle.map((s) => s.action)).toEqual([
      'startRead(1)',
      'stopRead(0)',
      'startRead(0)',
      'stopRead(1)',
    ])
    // Along the cycle the writer waits and a reader always holds the resource.
    for (const { state } of v.cycle) {
      expect(state.writer).toBe('waiting')
      expect(state.readers).toContain('reading')
    }
  })

  it('under weak fairness alone the writer also starves, even passing moments it could enter', () => {
    const r = checkLiveness(readersWriters({ policy: 'reader-preference' }), {
      ...writerGetsIn,
      fair: 'all',
    })
    expect(r.violation!.cycle.map((s) => s.state.readers)).toContainEqual(['idle', 'idle'])
  })

  it.each([1, 2, 3])('writer priority lets the writer in, with %i readers', (readers) => {
    const r = checkLiveness(readersWriters({ readers, policy: 'writer-priority' }), {
      ...writerGetsIn,
      fair: 'all',
    })
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
  })

  it('writer priority still needs the readers to finish: without fairness it fails', () => {
    const r = checkLiveness(readersWriters({ policy: 'writer-priority' }), writerGetsIn)
    expect(r.ok).toBe(false)
    expect(r.warnings.map((w) => w.code)).toEqual(['no-fairness'])
    expect(r.violation!.cycle.map((s) => s.action)).toEqual(['(stutter)'])
  })

  // ReadersWriters.tla with TLC (cc6b616cf7, -workers 1): 9 distinct / 23 generated and 9 / 19,
  // depth 4; WriterGetsIn violated under both fairness specs for reader preference, holds for
  // writer priority (ReaderPreference*.cfg, WriterPriority*.cfg).
  it.each([
    ['reader-preference', 23],
    ['writer-priority', 19],
  ] as const)('%s matches TLC: 9 distinct states, %i generated', (policy, generated) => {
    const r = check(readersWriters({ policy }), { deadlock: false })
    expect(r.stats).toMatchObject({ distinct: 9, generated, depth: 4 })
  })

  it('rejects bad options', () => {
    expect(() => readersWriters({ readers: 0 })).toThrow(
      new RangeError('readersWriters: readers must be an integer of at least 1, got 0'),
    )
    expect(() => readersWriters({ policy: 'fifo' as Policy })).toThrow(
      `readersWriters: policy must be 'reader-preference' or 'writer-priority', got "fifo"`,
    )
  })

  it('the chapter finds the bug and verifies the fix', () => {
    expect(readersWritersChapter.bug()).toEqual({
      ok: true,
      summary:
        'safe, but the writer starves: lasso of 2 + 4 steps (startRead(1), stopRead(0), startRead(0), stopRead(1))',
    })
    expect(readersWritersChapter.fix()).toEqual({
      ok: true,
      summary: 'writer priority: 9 states, safe, and the writer always gets in',
    })
  })
})
