import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { type Increment, lostUpdate } from './lost-update.ts'

/** n choose k. */
function choose(n: number, k: number): number {
  let r = 1
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i
  return r
}

/**
 * Reachable states with a lock, counted by hand: pick the set of finished threads (any subset:
 * a finished thread leaves no trace but the counter), then either nobody holds the lock (all
 * others at start) or one of the others holds it in one of 3 places (locked, read, wrote). The
 * counter and the lock follow from that choice. Sum over d finished threads.
 */
const lockedStates = (n: number): number => {
  let total = 0
  for (let d = 0; d <= n; d++) total += choose(n, d) * (1 + 3 * (n - d))
  return total
}

/**
 * Reachable states with compare-and-set: with d threads finished the counter is d, and each of
 * the other n - d threads is at start or has read some value in 0..d (it read the counter at
 * some earlier point, and the counter only grows): d + 2 choices each.
 */
const casStates = (n: number): number => {
  let total = 0
  for (let d = 0; d <= n; d++) total += choose(n, d) * (d + 2) ** (n - d)
  return total
}

describe('lost update', () => {
  it('model the error: two racy increments lose one, shortest trace of 5 states', () => {
    const r = check(lostUpdate({ threads: 2 }))
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('noLostUpdate')
    expect(v.trace).toHaveLength(5)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'read(0)',
      'read(1)',
      'write(0)',
      'write(1)',
    ])
    // Both threads wrote, the counter says 1.
    expect(v.trace.at(-1)!.state).toEqual({
      counter: 1,
      lock: null,
      threads: [
        { pc: 'done', tmp: null },
        { pc: 'done', tmp: null },
      ],
    })
  })

  it.each([3, 4, 5])(
    'with %i threads the shortest loss still takes two overlapping increments',
    (n) => {
      const v = check(lostUpdate({ threads: n })).violation!
      expect(v.name).toBe('noLostUpdate')
      expect(v.trace.map((s) => s.action)).toEqual([
        'init',
        'read(0)',
        'read(1)',
        'write(0)',
        'write(1)',
      ])
    },
  )

  it('a single thread cannot race: 3 states, ends in a terminal state', () => {
    const r = check(lostUpdate({ threads: 1 }))
    expect(r.ok).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 3, depth: 3 })
  })

  it.each([1, 2, 3, 4, 5])('prevent with a lock: %i threads, count matches the hand count', (n) => {
    const r = check(lostUpdate({ threads: n, increment: 'lock' }))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats.distinct).toBe(lockedStates(n))
    // The increments are serialised: 4 steps each, one after another.
    expect(r.stats.depth).toBe(4 * n + 1)
  })

  it('prevent: the exact counts the textbook prints', () => {
    expect(check(lostUpdate({ threads: 2, increment: 'lock' })).stats.distinct).toBe(16)
    expect(check(lostUpdate({ threads: 3, increment: 'lock' })).stats.distinct).toBe(44)
    expect(check(lostUpdate({ threads: 2, increment: 'cas' })).stats.distinct).toBe(11)
    expect(check(lostUpdate({ threads: 3, increment: 'cas' })).stats.distinct).toBe(48)
  })

  it.each([1, 2, 3, 4, 5])(
    'prevent with compare-and-set: %i threads, count matches the hand count',
    (n) => {
      const r = check(lostUpdate({ threads: n, increment: 'cas' }))
      expect(r.ok).toBe(true)
      expect(r.complete).toBe(true)
      expect(r.stats.distinct).toBe(casStates(n))
    },
  )

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => lostUpdate({ threads: 0 })).toThrow(RangeError)
    expect(() => lostUpdate({ threads: 0 })).toThrow(
      'lostUpdate: threads must be a positive integer, got 0',
    )
    expect(() => lostUpdate({ threads: 1.5 })).toThrow(
      'lostUpdate: threads must be a positive integer, got 1.5',
    )
  })

  it('rejects an unknown increment, naming the valid ones', () => {
    expect(() => lostUpdate({ increment: 'atomic' as Increment })).toThrow(RangeError)
    expect(() => lostUpdate({ increment: 'atomic' as Increment })).toThrow(
      'lostUpdate: increment must be one of racy, lock, cas, got "atomic"',
    )
  })
})
