import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { checkEveryNodeServed, tokenRing } from './token-ring.ts'

describe('token ring: exactly one token on lossy links', () => {
  it('loses the token for good on a lossy link when nobody regenerates it', () => {
    const [, second] = checkEveryNodeServed({ protocol: 'plain' })
    const v = second!.violation!
    expect(v.prefix.map((s) => s.action)).toEqual(['init', 'pass(0)', 'lose(0)'])
    expect(v.cycle.map((s) => s.action)).toEqual(['(stutter)'])
    // Without losses the plain ring is fine: the bug is the loss, not the passing.
    expect(checkEveryNodeServed({ protocol: 'plain', lossy: false }).every((r) => r.ok)).toBe(true)
  })

  it('makes a second token when node 0 times out on a token that is only slow', () => {
    const v = check(tokenRing({ protocol: 'timeout' })).violation!
    expect(v.name).toBe('oneHolder')
    expect(v.trace.map((s) => s.action)).toEqual(['init', 'pass(0)', 'receive(1)', 'regenerate'])
    expect(v.trace.at(-1)!.state.nodes.map((n) => n.holding)).toEqual([true, true, false])
  })

  it.each([
    [3, 1, 140],
    [3, 2, 356],
    [4, 1, 295],
    [4, 2, 895],
  ])(
    'counter flushing with %i nodes, resends up to %i in flight: %i states, one holder, everyone served',
    (nodes, maxInFlight, states) => {
      const options = { protocol: 'counter-flushing', nodes, maxInFlight } as const
      const r = check(tokenRing(options))
      expect(r.ok).toBe(true)
      expect(r.complete).toBe(true)
      expect(r.stats.distinct).toBe(states)
      for (const live of checkEveryNodeServed(options)) expect(live.ok).toBe(true)
    },
  )

  it('two counter values are enough on FIFO links; one is not', () => {
    // A value that comes back is always the newest: FIFO links flush the copies ahead of it.
    expect(check(tokenRing({ nodes: 4, k: 2, maxInFlight: 3 })).ok).toBe(true)
    expect(checkEveryNodeServed({ nodes: 4, k: 2, maxInFlight: 3 }).every((r) => r.ok)).toBe(true)
    // With a single value nobody but node 0 ever sees a new one.
    expect(checkEveryNodeServed({ nodes: 3, k: 1 })[1]!.ok).toBe(false)
  })

  it('rejects a ring of fewer than two nodes', () => {
    expect(() => tokenRing({ nodes: 1 })).toThrow(/nodes must be at least 2/)
  })
})
