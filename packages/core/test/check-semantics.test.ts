// TLC's conventions, one small model each: what counts as generated, distinct, depth and deadlock.
import { action, type CheckProgress, check, defineModel } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { ProgressClock } from '../src/check/outcome.ts'

interface N {
  readonly n: number
}
const inc = (limit: number) =>
  action<N>(
    'inc',
    (s) => s.n < limit,
    (s) => ({ n: s.n + 1 }),
  )

describe('counting like TLC', () => {
  it('counts initial states and every successor, duplicates included, in generated', () => {
    // 0 -> 1 -> 2, plus a reset from every state back to 0; the initial state is listed twice.
    const m = defineModel({
      init: [{ n: 0 }, { n: 0 }],
      actions: [
        inc(2),
        action<N>(
          'reset',
          () => true,
          () => ({ n: 0 }),
        ),
      ],
    })
    const r = check(m)
    // generated: 2 initial + from 0: inc, reset; from 1: inc, reset; from 2: reset = 7
    expect(r.stats).toMatchObject({ distinct: 3, generated: 7, depth: 3 })
    expect(r.ok).toBe(true)
  })

  it('counts depth with the initial states as level 1', () => {
    expect(
      check(defineModel({ init: { n: 0 }, actions: [], terminal: () => true })).stats.depth,
    ).toBe(1)
    expect(
      check(defineModel({ init: { n: 0 }, actions: [inc(4)], terminal: (s) => s.n === 4 })).stats
        .depth,
    ).toBe(5)
  })

  it('counts a constraint-violating successor as generated but neither stores nor explores it', () => {
    const m = defineModel({
      init: { n: 0 },
      actions: [
        action<N>(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
      ],
      constraint: (s) => s.n <= 3,
    })
    const r = check(m)
    // 0..3 stored; from 3 the successor 4 is generated and dropped, so 3 is not a deadlock.
    expect(r.stats).toMatchObject({ distinct: 4, generated: 5, depth: 4 })
    expect(r.ok).toBe(true)
  })

  it('does not store or explore initial states that violate the constraint', () => {
    const r = check(
      defineModel({
        init: [{ n: 0 }, { n: 9 }],
        actions: [inc(2)],
        terminal: (s) => s.n === 2,
        constraint: (s) => s.n < 5,
      }),
    )
    expect(r.stats).toMatchObject({ distinct: 3, generated: 4 })
  })
})

describe('deadlock', () => {
  it('is a non-terminal state without successors, found with a shortest trace', () => {
    const r = check(defineModel({ init: { n: 0 }, actions: [inc(3)] }))
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace.map((s) => s.action)).toEqual(['init', 'inc', 'inc', 'inc'])
  })

  it('is not a state whose only successor is itself', () => {
    const stay = action<N>(
      'stay',
      () => true,
      (s) => ({ ...s }),
    )
    const r = check(defineModel({ init: { n: 0 }, actions: [stay] }))
    expect(r.ok).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 1, generated: 2 })
  })

  it('is allowed in terminal states and ignored with deadlock: false', () => {
    expect(
      check(defineModel({ init: { n: 0 }, actions: [inc(3)], terminal: (s) => s.n === 3 })).ok,
    ).toBe(true)
    expect(check(defineModel({ init: { n: 0 }, actions: [inc(3)] }), { deadlock: false }).ok).toBe(
      true,
    )
  })
})

describe('shortest counterexamples', () => {
  it('finds the shortest path even when a longer one is discovered first in action order', () => {
    // From 0, 'slow' (+1) is tried before 'fast' (+5); the bad state 10 is 2 fast steps away.
    const m = defineModel({
      init: { n: 0 },
      actions: [
        action<N>(
          'slow',
          (s) => s.n < 20,
          (s) => ({ n: s.n + 1 }),
        ),
        action<N>(
          'fast',
          (s) => s.n < 20,
          (s) => ({ n: s.n + 5 }),
        ),
      ],
      invariants: { notTen: (s) => s.n !== 10 },
    })
    const r = check(m)
    expect(r.violation?.trace.map((s) => s.action)).toEqual(['init', 'fast', 'fast'])
  })

  it('labels action.each instances with their parameter', () => {
    const m = defineModel<{ seats: readonly string[] }>({
      init: { seats: [] },
      actions: [
        action.each(
          'sit',
          () => ['ann', 'bob'],
          (s, who) => !s.seats.includes(who),
          (s, who) => ({ seats: [...s.seats, who] }),
        ),
      ],
      invariants: { oneSeat: (s) => s.seats.length < 2 },
    })
    expect(check(m).violation?.trace.map((s) => s.action)).toEqual(['init', 'sit(ann)', 'sit(bob)'])
  })
})

describe('view', () => {
  it('merges states with equal views (TLC VIEW)', () => {
    const m = defineModel<{ n: number; steps: number }>({
      init: { n: 0, steps: 0 },
      actions: [
        action(
          'flip',
          (s) => s.steps < 50,
          (s) => ({ n: 1 - s.n, steps: s.steps + 1 }),
        ),
      ],
      view: (s) => s.n,
      terminal: () => true,
    })
    expect(check(m).stats.distinct).toBe(2)
  })
})

describe('onProgress', () => {
  it('reports a final progress record with the totals', () => {
    const reports: { distinct: number; done: boolean }[] = []
    check(defineModel({ init: { n: 0 }, actions: [inc(50)], terminal: (s) => s.n === 50 }), {
      onProgress: (p) => reports.push(p),
    })
    expect(reports.at(-1)).toMatchObject({ distinct: 51, done: true, queued: 0 })
  })

  it('reports during a long search when the interval has passed', () => {
    const reports: { done: boolean }[] = []
    check(defineModel({ init: { n: 0 }, actions: [inc(3000)], terminal: (s) => s.n === 3000 }), {
      onProgress: (p) => reports.push(p),
      progressIntervalMs: 0,
    })
    expect(reports.filter((p) => !p.done).length).toBeGreaterThan(100)
  })

  it('reports distinct, generated, queue, depth and both rates on the interval of its clock', () => {
    let now = 0
    const reports: CheckProgress[] = []
    const clock = new ProgressClock(
      { onProgress: (p) => reports.push(p), progressIntervalMs: 3000 },
      () => now,
    )
    const counts = () => ({ distinct: 400, generated: 1000, depth: 5 })
    now = 2999
    clock.tick(counts, 7)
    expect(reports).toEqual([])
    now = 4000
    clock.tick(counts, 7)
    now = 5000
    clock.tick(counts, 7)
    expect(reports).toEqual([
      {
        distinct: 400,
        generated: 1000,
        depth: 5,
        queued: 7,
        elapsedMs: 4000,
        distinctPerSecond: 100,
        generatedPerSecond: 250,
        done: false,
      },
    ])
    now = 7000
    clock.tick(counts, 3)
    expect(reports.map((p) => p.elapsedMs)).toEqual([4000, 7000])
  })
})
