import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { checkEveryNodeServed, nodesOf, tokenRing } from './token-ring.ts'

describe('token ring: exactly one token on lossy links', () => {
  it('loses the token for good on a lossy link when nobody regenerates it', () => {
    const v = checkEveryNodeServed({ protocol: 'plain' })[1]!.violation!
    expect(actionsOf(v.prefix)).toEqual(['init', 'lose n2 → n0 token'])
    expect(actionsOf(v.cycle)).toEqual(['(stutter)'])
    // Without losses the plain ring serves everyone: the bug is the loss, not the passing.
    // Its states, counted by hand: the one token is held by one of the n nodes or on one of the
    // n links, 2n states.
    for (const nodes of [2, 3, 4, 5]) {
      const r = check(tokenRing({ protocol: 'plain', nodes, lossy: false }))
      expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 2 * nodes } })
    }
    expect(checkEveryNodeServed({ protocol: 'plain', lossy: false }).every((r) => r.ok)).toBe(true)
  })

  it('loses the token for good when its holder crashes', () => {
    const r = check(tokenRing({ protocol: 'plain', lossy: false, crashes: 1 }))
    expect(r.violation?.kind).toBe('deadlock')
    expect(actionsOf(r.violation!.trace)).toEqual([
      'init',
      'n2 → n0 token',
      'crash(n0)',
      'restart(n0)',
    ])
  })

  it('makes a second token when n0 times out on a token that is only slow', () => {
    const v = check(tokenRing({ protocol: 'timeout' })).violation!
    expect(v.name).toBe('oneHolder')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'n2 → n0 token',
      'pass(n0)',
      'n0 → n1 token',
      'regenerate(n0)',
    ])
    expect(nodesOf(v.trace.at(-1)!.state).map((n) => n.holding)).toEqual([true, true, false])
  })

  it.each([
    [3, 1, 152],
    [3, 2, 404],
    [4, 1, 315],
    [4, 2, 995],
  ])(
    'counter flushing, %i nodes, resends while under %i in flight: %i states, one holder, everyone served',
    (nodes, maxInFlight, states) => {
      const options = { protocol: 'counter-flushing', nodes, maxInFlight } as const
      const r = check(tokenRing(options))
      expect(r.ok).toBe(true)
      expect(r.complete).toBe(true)
      expect(r.stats.distinct).toBe(states)
      for (const live of checkEveryNodeServed(options)) expect(live.ok).toBe(true)
    },
  )

  it('survives a crash that takes the token with it, as long as the counter is on disk', () => {
    const r = check(tokenRing({ crashes: 1 }))
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(712)
    expect(checkEveryNodeServed({ crashes: 1 }).every((live) => live.ok)).toBe(true)
  })

  it('makes two holders when a node forgets its counter in a crash: a copy looks new to it', () => {
    const v = check(tokenRing({ crashes: 1, durableCounter: false })).violation!
    expect(v.name).toBe('oneHolder')
    expect(actionsOf(v.trace)).toContain('crash(n1)')
    expect(actionsOf(v.trace).at(-1)).toBe('n0 → n1 token(1)')
  })

  it('two counter values are enough on FIFO links; one is not', () => {
    // A value that comes back is always the newest: FIFO links flush the copies ahead of it.
    expect(check(tokenRing({ nodes: 4, k: 2, maxInFlight: 3 })).ok).toBe(true)
    expect(checkEveryNodeServed({ nodes: 4, k: 2, maxInFlight: 3 }).every((r) => r.ok)).toBe(true)
    // With a single value no node but n0 ever sees a new one, so nobody else is served.
    expect(checkEveryNodeServed({ nodes: 3, k: 1 }).map((r) => r.ok)).toEqual([true, false, false])
  })

  it.each([4, 8])(
    'needs FIFO links: on unordered ones a stale copy overtakes a newer value (k = %i)',
    (k) => {
      const v = check(tokenRing({ ordered: false, k })).violation!
      expect(v.name).toBe('oneHolder')
      // It takes a re-sent copy: without resends there is one message in flight, in any order.
      expect(v.trace.some((step) => step.action === 'resend(n0)')).toBe(true)
    },
  )

  it('rejects a ring of fewer than two nodes', () => {
    expect(() => tokenRing({ nodes: 1 })).toThrow(/nodes must be at least 2/)
  })
})
