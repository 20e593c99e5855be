import { check } from '@musil/core'
import '@musil/vitest'
import { describe, expect, it } from 'vitest'
import {
  type Bank,
  bankTransfer,
  moneyInSystem,
  OPPOSITE_TRANSFERS,
  type Transfer,
} from './bank-transfer.ts'

/**
 * The transfer protocol written a second time from its description, over arrays and numbered
 * program counters, with a breadth-first search keyed by `JSON.stringify`. It shares no code with
 * the model or the checker. pc: 0 start, 1 one lock, 2 both locks, 3 debited, 4 settled, 5 done.
 */
function enumerateByHand(
  opening: readonly number[],
  jobs: readonly { from: number; to: number; amount: number }[],
  lockOrder: 'source-first' | 'by-account-id',
): { states: number; stuck: number; unconserved: number; overdrawn: number } {
  type S = { bal: number[]; owner: number[]; pc: number[] }
  const order = (j: (typeof jobs)[number]) =>
    lockOrder === 'source-first' || j.from < j.to ? [j.from, j.to] : [j.to, j.from]
  const total = opening.reduce((a, b) => a + b, 0)
  const init: S = { bal: [...opening], owner: opening.map(() => -1), pc: jobs.map(() => 0) }
  const seen = new Set([JSON.stringify(init)])
  let frontier = [init]
  let stuck = 0
  let unconserved = 0
  let overdrawn = 0
  while (frontier.length > 0) {
    const level: S[] = []
    for (const s of frontier) {
      const inFlight = jobs.reduce((a, j, k) => a + (s.pc[k] === 3 ? j.amount : 0), 0)
      if (s.bal.reduce((a, b) => a + b, 0) + inFlight !== total) unconserved++
      if (s.bal.some((b) => b < 0)) overdrawn++
      const succ: S[] = []
      jobs.forEach((j, k) => {
        const [a, b] = order(j)
        const t: S = { bal: [...s.bal], owner: [...s.owner], pc: [...s.pc] }
        const pc = s.pc[k]
        if (pc === 0 && s.owner[a!] === -1) [t.owner[a!], t.pc[k]] = [k, 1]
        else if (pc === 1 && s.owner[b!] === -1) [t.owner[b!], t.pc[k]] = [k, 2]
        else if (pc === 2 && s.bal[j.from]! >= j.amount)
          [t.bal[j.from], t.pc[k]] = [s.bal[j.from]! - j.amount, 3]
        else if (pc === 2) t.pc[k] = 4
        else if (pc === 3) [t.bal[j.to], t.pc[k]] = [s.bal[j.to]! + j.amount, 4]
        else if (pc === 4) [t.owner[a!], t.owner[b!], t.pc[k]] = [-1, -1, 5]
        else return
        succ.push(t)
      })
      if (succ.length === 0 && !s.pc.every((p) => p === 5)) stuck++
      for (const t of succ) {
        const key = JSON.stringify(t)
        if (!seen.has(key)) {
          seen.add(key)
          level.push(t)
        }
      }
    }
    frontier = level
  }
  return { states: seen.size, stuck, unconserved, overdrawn }
}

const RING: readonly Transfer[] = [
  { id: 'ab', from: 'a', to: 'b', amount: 5 },
  { id: 'bc', from: 'b', to: 'c', amount: 5 },
  { id: 'ca', from: 'c', to: 'a', amount: 5 },
]
const RING_ACCOUNTS = { a: 10, b: 0, c: 5 }
const RING_BY_HAND = [
  [10, 0, 5],
  [
    { from: 0, to: 1, amount: 5 },
    { from: 1, to: 2, amount: 5 },
    { from: 2, to: 0, amount: 5 },
  ],
] as const

describe('bank transfer', () => {
  it('model the error: opposite transfers each hold one lock and wait for the other (3 states)', () => {
    const r = check(bankTransfer())
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('deadlock')
    expect(v.name).toBe('deadlock')
    expect(v.trace).toHaveLength(3)
    expect(v.trace.map((s) => s.action)).toEqual(['init', 'lockFirst(t1)', 'lockFirst(t2)'])
    expect(v.trace.at(-1)!.state.lockedBy).toEqual({ alice: 't1', bob: 't2' })
  })

  it('model the error: the broken design still conserves money in every state it reaches', () => {
    // With deadlock reporting off the search visits every state, checking both invariants.
    const r = check(bankTransfer(), { deadlock: false })
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(21)
    expect(
      enumerateByHand(
        [100, 50],
        [
          { from: 0, to: 1, amount: 30 },
          { from: 1, to: 0, amount: 80 },
        ],
        'source-first',
      ),
    ).toEqual({ states: 21, stuck: 1, unconserved: 0, overdrawn: 0 })
  })

  it('prevent: locking by account id is deadlock-free, 20 states, money conserved', () => {
    const r = check(bankTransfer({ lockOrder: 'by-account-id' }))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 20, depth: 11 })
    // By hand: both transfers lock alice first, so they run one after the other. Start (1);
    // t1 alone (lockedOne, lockedBoth, debited, settled, done: 5), then t2 after it (5); or t2
    // alone first (bob holds 50 < 80, so it is declined: lockedOne, lockedBoth, settled, done: 4),
    // then t1 after it (5). 1 + 5 + 5 + 4 + 5 = 20.
    expect(1 + 5 + 5 + 4 + 5).toBe(r.stats.distinct)
    expect(
      enumerateByHand(
        [100, 50],
        [
          { from: 0, to: 1, amount: 30 },
          { from: 1, to: 0, amount: 80 },
        ],
        'by-account-id',
      ),
    ).toEqual({ states: 20, stuck: 0, unconserved: 0, overdrawn: 0 })
  })

  it('model the error: three transfers around a ring deadlock after each takes one lock (4 states)', () => {
    const v = check(bankTransfer({ accounts: RING_ACCOUNTS, transfers: RING })).violation!
    expect(v.kind).toBe('deadlock')
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'lockFirst(ab)',
      'lockFirst(bc)',
      'lockFirst(ca)',
    ])
    expect(v.trace.at(-1)!.state.lockedBy).toEqual({ a: 'ab', b: 'bc', c: 'ca' })
  })

  it('prevent: the ring with ordered locks, 79 states, agrees with the independent enumeration', () => {
    const r = check(
      bankTransfer({ accounts: RING_ACCOUNTS, transfers: RING, lockOrder: 'by-account-id' }),
    )
    expect(r.ok).toBe(true)
    const byHand = enumerateByHand(RING_BY_HAND[0], RING_BY_HAND[1], 'by-account-id')
    expect(byHand).toMatchObject({ stuck: 0, unconserved: 0, overdrawn: 0 })
    expect(r.stats.distinct).toBe(byHand.states)
    expect(r.stats.distinct).toBe(79)
    // The broken ring, searched past its deadlock, also agrees and also conserves money.
    const broken = check(bankTransfer({ accounts: RING_ACCOUNTS, transfers: RING }), {
      deadlock: false,
    })
    expect(broken.ok).toBe(true)
    expect(broken.stats.distinct).toBe(
      enumerateByHand(RING_BY_HAND[0], RING_BY_HAND[1], 'source-first').states,
    )
  })

  it('the same verdicts through the Vitest matchers: safe but not deadlock-free, then both', () => {
    // toBeSafe checks invariants only, so the broken design passes it: the money is safe, the
    // threads are stuck. toBeDeadlockFree is what catches it.
    expect(bankTransfer()).toBeSafe()
    expect(bankTransfer()).not.toBeDeadlockFree()
    expect(bankTransfer({ lockOrder: 'by-account-id' })).toBeSafe()
    expect(bankTransfer({ lockOrder: 'by-account-id' })).toBeDeadlockFree()
  })

  it('moneyInSystem counts money in flight', () => {
    const s: Bank = {
      balance: { alice: 70, bob: 50 },
      lockedBy: { alice: 't1', bob: 't1' },
      pc: { t1: 'debited', t2: 'start' },
    }
    expect(moneyInSystem(s, OPPOSITE_TRANSFERS)).toBe(150)
  })

  it('rejects malformed transfers, naming the transfer', () => {
    const t = (over: Partial<Transfer>): Transfer[] => [
      { id: 'x', from: 'alice', to: 'bob', amount: 1, ...over },
    ]
    expect(() => bankTransfer({ transfers: [...t({}), ...t({})] })).toThrow(RangeError)
    expect(() => bankTransfer({ transfers: [...t({}), ...t({})] })).toThrow(
      "bankTransfer: two transfers have the id 'x'; give each transfer its own id",
    )
    expect(() => bankTransfer({ transfers: t({ to: 'carol' }) })).toThrow(
      "bankTransfer: transfer 'x' names account 'carol', which is not in accounts (alice, bob)",
    )
    expect(() => bankTransfer({ transfers: t({ to: 'alice' }) })).toThrow(
      "bankTransfer: transfer 'x' moves money from 'alice' to itself; a transfer needs two accounts",
    )
    expect(() => bankTransfer({ transfers: t({ amount: 0 }) })).toThrow(
      "bankTransfer: transfer 'x' has amount 0; amounts are positive integers",
    )
  })
})
