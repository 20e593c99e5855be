import { check, checkLiveness } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { kStateRing, legitimate } from './k-state.ts'

/** Every fair run from any state reaches exactly one privilege (each machine weakly fair). */
const converges = (machines: number, k: number) =>
  checkLiveness(kStateRing({ machines, k }), {
    goal: legitimate,
    goalName: 'one token',
    fair: ['move'],
  })

describe("Dijkstra's K-state ring (EWD 426): self-stabilization, checked from every state", () => {
  it.each([3, 4, 5])(
    'keeps one token forever once it has one (closure), %i machines',
    (machines) => {
      for (let k = 1; k <= machines + 1; k++) {
        const r = check(kStateRing({ machines, k, from: 'legitimate' }))
        expect(r.ok, `k = ${k}`).toBe(true)
      }
    },
  )

  it.each([3, 4, 5])(
    'converges from all k^n states exactly when k >= n - 1, %i machines',
    (machines) => {
      for (let k = 1; k <= machines + 1; k++) {
        const r = converges(machines, k)
        expect(r.stats.distinct, `k = ${k}`).toBe(k ** machines)
        expect(r.ok, `k = ${k}`).toBe(k === 1 || k >= machines - 1)
      }
    },
  )

  it('with too few values, two tokens chase each other forever: a fair cycle that never settles', () => {
    const v = converges(4, 2).violation!
    expect(v.cycle.length).toBeGreaterThan(1)
    expect(v.cycle.every((step) => !legitimate(step.state))).toBe(true)
    // Every machine moves on the cycle: the daemon is fair, the values are too few.
    expect(new Set(v.cycle.map((step) => step.action)).size).toBe(4)
  })

  it('rejects a ring of one machine or no values', () => {
    expect(() => kStateRing({ machines: 1, k: 2 })).toThrow(/machines must be at least 2/)
    expect(() => kStateRing({ machines: 3, k: 0 })).toThrow(/k must be at least 1/)
  })
})
