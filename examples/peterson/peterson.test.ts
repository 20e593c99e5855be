import { check } from '@musil/core'
import { modelTest } from '@musil/vitest'
import { describe, expect, it } from 'vitest'
import { type Protocol, twoProcessMutex } from './peterson.ts'

/**
 * Peterson's algorithm written a second time, straight from the textbook pseudo-code, as
 * numbered lines over a tuple, with its own breadth-first search keyed by strings. It shares no
 * code with the model or the checker.
 *
 *   0: flag[i] = true        1: turn = 1 - i
 *   2: await !flag[1-i] || turn == i
 *   3: critical section;      flag[i] = false; goto 0
 */
function petersonByHand(): { states: number; bothCritical: number; stuck: number } {
  type S = [pc0: number, pc1: number, flag0: boolean, flag1: boolean, turn: number]
  const next = (s: S): S[] => {
    const out: S[] = []
    for (const i of [0, 1]) {
      const j = 1 - i
      const t = [...s] as S
      const pc = s[i]!
      const flag = (k: number): boolean => s[2 + k] as boolean
      if (pc === 0) [t[i], t[2 + i]] = [1, true]
      else if (pc === 1) [t[i], t[4]] = [2, j]
      else if (pc === 2) {
        if (flag(j) && s[4] !== i) continue
        t[i] = 3
      } else [t[i], t[2 + i]] = [0, false]
      out.push(t)
    }
    return out
  }
  const seen = new Set<string>()
  let frontier: S[] = [[0, 0, false, false, 0]]
  let bothCritical = 0
  let stuck = 0
  seen.add(frontier[0]!.join())
  while (frontier.length > 0) {
    const level: S[] = []
    for (const s of frontier) {
      if (s[0] === 3 && s[1] === 3) bothCritical++
      const succ = next(s)
      if (succ.length === 0) stuck++
      for (const t of succ) {
        if (!seen.has(t.join())) {
          seen.add(t.join())
          level.push(t)
        }
      }
    }
    frontier = level
  }
  return { states: seen.size, bothCritical, stuck }
}

describe("Peterson's mutual exclusion", () => {
  it('model the error: check the other flag, then raise mine: both enter (5 states)', () => {
    const v = check(twoProcessMutex('check-then-flag')).violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('mutualExclusion')
    expect(v.trace).toHaveLength(5)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'check(0)',
      'check(1)',
      'raiseFlag(0)',
      'raiseFlag(1)',
    ])
    expect(v.trace.at(-1)!.state.pc).toEqual(['critical', 'critical'])
  })

  it('model the error: raise mine, then wait for the other: both wait forever (deadlock, 3 states)', () => {
    const v = check(twoProcessMutex('flag-then-check')).violation!
    expect(v.kind).toBe('deadlock')
    expect(v.name).toBe('deadlock')
    expect(v.trace).toHaveLength(3)
    expect(v.trace.map((s) => s.action)).toEqual(['init', 'raiseFlag(0)', 'raiseFlag(1)'])
    expect(v.trace.at(-1)!.state).toEqual({
      pc: ['waiting', 'waiting'],
      flag: [true, true],
      turn: 0,
    })
  })

  it("model the error: Peterson's two writes swapped (turn, then flag) admit both (7 states)", () => {
    const v = check(twoProcessMutex('turn-then-flag')).violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('mutualExclusion')
    expect(v.trace).toHaveLength(7)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'yieldTurn(0)',
      'yieldTurn(1)',
      'raiseFlag(1)',
      'enter(1)',
      'raiseFlag(0)',
      'enter(0)',
    ])
  })

  it('prevent: Peterson is safe and deadlock-free in all 20 reachable states', () => {
    const r = check(twoProcessMutex('peterson'))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 20, depth: 7 })
  })

  it('prevent: an independent enumeration of the pseudo-code agrees (20 states, none unsafe, none stuck)', () => {
    expect(petersonByHand()).toEqual({ states: 20, bothCritical: 0, stuck: 0 })
  })

  // The guard as a one-liner: a failure here prints the shortest trace as the test's diff.
  modelTest("guard: Peterson's algorithm stays safe and deadlock-free", twoProcessMutex('peterson'))

  it('guard: every broken protocol fails the matchers', () => {
    expect(twoProcessMutex('check-then-flag')).not.toBeSafe()
    expect(twoProcessMutex('turn-then-flag')).not.toBeSafe()
    // Attempt 2 is safe, but wedges.
    expect(twoProcessMutex('flag-then-check')).toBeSafe()
    expect(twoProcessMutex('flag-then-check')).not.toBeDeadlockFree()
  })

  it('rejects an unknown protocol, naming the valid ones', () => {
    expect(() => twoProcessMutex('bakery' as Protocol)).toThrow(RangeError)
    expect(() => twoProcessMutex('bakery' as Protocol)).toThrow(
      'twoProcessMutex: unknown protocol "bakery"; use one of check-then-flag, flag-then-check, turn-then-flag, peterson',
    )
  })
})
