import { check, checkLiveness, successors } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { kStateRing, legitimate, type Values } from './k-state.ts'

/** Every fair run from any state reaches exactly one privilege (each machine weakly fair). */
const converges = (machines: number, k: number) =>
  checkLiveness(kStateRing({ machines, k }), {
    goal: legitimate,
    goalName: 'one token',
    fair: ['move'],
  })

/**
 * Whether some run stays illegitimate forever when the daemon may pick any privileged machine,
 * with no fairness at all: a cycle through illegitimate states, found by a plain depth-first
 * search outside the checker. Some machine is always privileged, so no run stops, and without
 * such a cycle every run reaches a legitimate state.
 */
function unfairDaemonCanCycle(machines: number, k: number): boolean {
  const model = kStateRing({ machines, k })
  const colour = new Map<string, 'open' | 'done'>()
  const visit = (x: Values): boolean => {
    colour.set(x.join(), 'open')
    for (const { state } of successors(model, x)) {
      if (legitimate(state)) continue
      const c = colour.get(state.join())
      if (c === 'open' || (c === undefined && visit(state))) return true
    }
    colour.set(x.join(), 'done')
    return false
  }
  return model.init.some((x) => !legitimate(x) && !colour.has(x.join()) && visit(x))
}

describe("Dijkstra's K-state ring (EWD 426): self-stabilization, checked from every state", () => {
  it.each([3, 4, 5])(
    'keeps one token forever once it has one (closure), %i machines',
    (machines) => {
      for (let k = 1; k <= machines + 1; k++) {
        const r = check(kStateRing({ machines, k, from: 'legitimate' }))
        expect(r.ok, `k = ${k}`).toBe(true)
        // Counted by hand: machine 0 alone privileged means all n values equal (k ways); machine
        // i > 0 alone means machines 0..i-1 hold one value and i..n-1 another (k(k-1) ways, for
        // each of the n - 1 choices of i). Closure adds no state to these.
        expect(r.stats.distinct, `k = ${k}`).toBe(k + (machines - 1) * k * (k - 1))
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

  it.each([3, 4, 5])(
    'converges under a daemon with no fairness at all exactly when k >= n - 1, %i machines',
    (machines) => {
      for (let k = 1; k <= machines + 1; k++) {
        expect(unfairDaemonCanCycle(machines, k), `k = ${k}`).toBe(!(k === 1 || k >= machines - 1))
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
