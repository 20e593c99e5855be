import { check, defineModel } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { type CacheLine, type Coherence, dataValue, linesOf, mesi, snoop, swmr } from './mesi.ts'

const cacheOf = (s: Coherence, id: string) => (s.cache as Record<string, CacheLine>)[id]

describe('cache coherence: MESI keeps one writer and the last written value', () => {
  it('finds two caches in Modified when an owner survives another cache’s read-for-ownership', () => {
    const v = check(mesi({ protocol: 'rdx-keeps-owner' })).violation!
    expect(v.name).toBe('swmr')
    expect(v.trace.map((s) => s.action)).toEqual(['init', 'BusRdX(c0)', 'BusRdX(c1)'])
    const last = v.trace.at(-1)!.state
    expect(linesOf(last).map((c) => c.state)).toEqual(['M', 'M'])
    // c0 would now read its own old value: the data-value invariant fails too.
    expect(dataValue(last)).toBe(false)
  })

  it('finds a stale read when a dirty line is shared without being written back', () => {
    const v = check(mesi({ protocol: 'no-writeback-on-share' })).violation!
    expect(v.name).toBe('dataValue')
    expect(v.trace.map((s) => s.action)).toEqual(['init', 'BusRdX(c0)', 'BusRd(c1)'])
    const last = v.trace.at(-1)!.state
    expect(last.lastWrite).toBe(1)
    expect(cacheOf(last, 'c1')).toEqual({ state: 'S', data: 0 })
    expect(swmr(last)).toBe(true) // one writer at a time is not enough
  })

  // The count, derived by hand: with no cache in M, memory holds the last value v (3 choices)
  // and the caches are all I, or one is E (n ways), or any nonempty set is S (2^n - 1 ways);
  // with one cache in M (n ways) the others are I and memory may hold any value (3 x 3).
  // So 3 (2^n + n) + 9n states for n >= 2 caches (a lone cache is never S: 6 + 9 = 15).
  it.each([
    [1, 15],
    [2, 3 * 2 ** 2 + 12 * 2],
    [3, 3 * 2 ** 3 + 12 * 3],
    [4, 3 * 2 ** 4 + 12 * 4],
  ])('verifies MESI with %i caches: %i states, SWMR and data-value hold', (caches, states) => {
    const r = check(mesi({ caches }))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats.distinct).toBe(states)
  })

  it.each(['M', 'E', 'S', 'I'] as const)(
    'reaches state %s: no state of the protocol is dead',
    (state) => {
      const m = mesi({ caches: 2 })
      const probe = defineModel<Coherence>({
        init: [...m.init],
        actions: m.actions,
        invariants: { [`never ${state}`]: (s) => linesOf(s).every((c) => c.state !== state) },
      })
      expect(check(probe).violation?.name).toBe(`never ${state}`)
    },
  )
})

describe('a cache’s snoop handler', () => {
  it('gives up what the published protocol says, and the bug variants keep what they should not', () => {
    const m: CacheLine = { state: 'M', data: 2 }
    expect(snoop('mesi', m, 'BusRd')).toEqual({ next: { state: 'S', data: 2 }, flush: 2 })
    expect(snoop('mesi', m, 'BusRdX')).toEqual({ next: { state: 'I', data: 0 }, flush: 2 })
    expect(snoop('mesi', { state: 'E', data: 1 }, 'BusRd').next.state).toBe('S')
    expect(snoop('mesi', { state: 'S', data: 1 }, 'BusUpgr').next.state).toBe('I')
    expect(snoop('rdx-keeps-owner', m, 'BusRdX').next.state).toBe('M')
    expect(snoop('no-writeback-on-share', m, 'BusRd').flush).toBeUndefined()
  })
})
