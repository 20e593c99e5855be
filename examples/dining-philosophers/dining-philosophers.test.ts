import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { diningPhilosophers, type ForkOrder, type Phase, pickOrder } from './dining-philosophers.ts'

const PHASES: readonly Phase[] = ['thinking', 'oneFork', 'eating']

/**
 * Counts, by brute force over all 3^n phase vectors, the tables in which no fork is claimed by
 * two philosophers (a philosopher with one fork claims its first fork, an eating one both).
 * Shares nothing with the checker: no actions, no search.
 */
function consistentTables(n: number, order: ForkOrder): number {
  let count = 0
  const phase = new Array<number>(n).fill(0)
  for (let code = 0; code < 3 ** n; code++) {
    let c = code
    for (let i = 0; i < n; i++, c = Math.floor(c / 3)) phase[i] = c % 3
    const claimed = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) {
      const [first, second] = pickOrder(i, n, order)
      if (PHASES[phase[i]!] !== 'thinking') claimed[first]!++
      if (PHASES[phase[i]!] === 'eating') claimed[second]!++
    }
    if (claimed.every((k) => k <= 1)) count++
  }
  return count
}

/** Pell numbers P(k) and companion Pell numbers Q(k): x(k) = 2 x(k-1) + x(k-2). */
function pell(k: number, a: number, b: number): number {
  for (let i = 0; i < k; i++) [a, b] = [b, 2 * b + a]
  return a
}
const companionPell = (k: number): number => pell(k, 2, 2)
const pellNumber = (k: number): number => pell(k, 0, 1)

const SIZES = [2, 3, 4, 5, 6, 7, 8]

describe('dining philosophers', () => {
  it('model the error: five left-handed philosophers deadlock after 5 steps (trace of 6 states)', () => {
    const r = check(diningPhilosophers({ philosophers: 5 }))
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('deadlock')
    expect(v.name).toBe('deadlock')
    expect(v.trace).toHaveLength(6)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'takeFirst(0)',
      'takeFirst(1)',
      'takeFirst(2)',
      'takeFirst(3)',
      'takeFirst(4)',
    ])
    // The circular wait: everyone holds their left fork and waits for their right.
    expect(v.trace.at(-1)!.state).toEqual({
      phase: Array(5).fill('oneFork'),
      fork: [0, 1, 2, 3, 4],
    })
  })

  it.each(SIZES)('model the error: with %i philosophers the deadlock is n steps deep', (n) => {
    const v = check(diningPhilosophers({ philosophers: n })).violation!
    expect(v.kind).toBe('deadlock')
    expect(v.trace).toHaveLength(n + 1)
    expect(v.trace.slice(1).every((s) => s.action.startsWith('takeFirst('))).toBe(true)
  })

  it.each(SIZES)('left-first with %i philosophers: every consistent table is reachable', (n) => {
    // Search past the deadlock to count the whole space; the invariants still hold everywhere.
    const r = check(diningPhilosophers({ philosophers: n }), { deadlock: false })
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(consistentTables(n, 'left-first'))
    // The transfer-matrix count of a ring of n philosophers: (1 + √2)^n + (1 - √2)^n.
    expect(r.stats.distinct).toBe(companionPell(n))
  })

  it.each(SIZES)('prevent: resource ordering with %i philosophers is deadlock-free', (n) => {
    const r = check(diningPhilosophers({ philosophers: n, order: 'ordered' }))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats.distinct).toBe(consistentTables(n, 'ordered'))
    // One philosopher reversed breaks the ring into a path: Pell numbers.
    expect(r.stats.distinct).toBe(pellNumber(n + 1))
    expect(r.stats.depth).toBe(n + 1)
  })

  it('prevent: the exact counts for five philosophers', () => {
    expect(check(diningPhilosophers({ philosophers: 5 }), { deadlock: false }).stats.distinct).toBe(
      82,
    )
    expect(check(diningPhilosophers({ philosophers: 5, order: 'ordered' })).stats.distinct).toBe(70)
  })

  it('prevent: ten philosophers, 5,741 states, still no deadlock', () => {
    const r = check(diningPhilosophers({ philosophers: 10, order: 'ordered' }))
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(5741)
    expect(r.stats.distinct).toBe(pellNumber(11))
  })

  it('rejects fewer than two philosophers', () => {
    expect(() => diningPhilosophers({ philosophers: 1 })).toThrow(RangeError)
    expect(() => diningPhilosophers({ philosophers: 1 })).toThrow(
      'diningPhilosophers: philosophers must be an integer of at least 2, got 1',
    )
  })

  it('rejects an unknown fork order', () => {
    expect(() => diningPhilosophers({ order: 'random' as ForkOrder })).toThrow(
      `diningPhilosophers: order must be 'left-first' or 'ordered', got "random"`,
    )
  })
})
