import {
  action,
  check,
  checkLiveness,
  defineModel,
  fingerprintHex,
  type LivenessResult,
  type Model,
  ModelDefinitionError,
  UserCodeError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

/** A model whose states are the numbers of a hand-drawn graph: one action per labelled edge set. */
function graph(
  init: number | number[],
  edges: Record<string, [number, number][]>,
  extra: { terminal?: (s: number) => boolean } = {},
): Model<number> {
  return defineModel<number>({
    name: 'graph',
    init: Array.isArray(init) ? init : [init],
    actions: Object.entries(edges).map(([name, pairs]) =>
      action<number>(
        name,
        (s) => pairs.some(([from]) => from === s),
        (s) => pairs.find(([from]) => from === s)![1],
      ),
    ),
    ...extra,
  })
}

const states = (r: LivenessResult<number>, part: 'prefix' | 'cycle'): number[] =>
  r.violation![part].map((step) => step.state)
const labels = (r: LivenessResult<unknown>, part: 'prefix' | 'cycle'): string[] =>
  r.violation![part].map((step) => step.action)

interface Route {
  desired: number
  applied: number
}
const routeDelivery = defineModel<Route>({
  name: 'route-delivery',
  init: { desired: 1, applied: 0 },
  actions: [
    action(
      'deliver',
      (s) => s.applied < s.desired,
      (s) => ({ ...s, applied: s.desired }),
    ),
  ],
  terminal: (s) => s.applied === s.desired,
})
const converged = (s: Route): boolean => s.applied === s.desired

describe('checkLiveness: stuttering and weak fairness', () => {
  it('proves the route-delivery design converges under fair delivery', () => {
    const r = checkLiveness(routeDelivery, { goal: converged, everywhere: true, fair: ['deliver'] })
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.violation).toBeUndefined()
    expect(r.warnings).toEqual([])
    expect(r.stats).toMatchObject({
      distinct: 2,
      generated: 2,
      transitions: 1,
      depth: 2,
      fairInstances: 1,
    })
  })

  it('refutes it without fairness with a stuttering lasso at the initial state', () => {
    const r = checkLiveness(routeDelivery, {
      goal: converged,
      goalName: 'applied==desired',
      everywhere: true,
    })
    expect(r.ok).toBe(false)
    expect(r.violation).toEqual({
      kind: 'liveness',
      name: 'applied==desired',
      message:
        'applied==desired does not hold infinitely often: after 0 steps the behaviour can stop (stutter forever): no fair action is enabled there (no action is assumed fair)',
      prefix: [{ action: 'init', state: { desired: 1, applied: 0 } }],
      cycle: [{ action: '(stutter)', state: { desired: 1, applied: 0 } }],
    })
  })

  it('does not count a step that leaves the state unchanged as taking a fair action', () => {
    // `poll` is always enabled but never changes the state: WF of <poll>_v demands nothing.
    const m = graph(0, { poll: [[0, 0]], finish: [[0, 1]] })
    const r = checkLiveness(m, { goal: (s) => s === 1, fair: ['poll'] })
    expect(r.ok).toBe(false)
    expect(labels(r, 'cycle')).toEqual(['(stutter)'])
    expect(checkLiveness(m, { goal: (s) => s === 1, fair: ['finish'] }).ok).toBe(true)
  })

  it('lets a deadlocked state stutter forever even when every action is fair', () => {
    const m = graph(0, { step: [[0, 1]] })
    const r = checkLiveness(m, { goal: (s) => s === 2, fair: 'all' })
    expect(states(r, 'prefix')).toEqual([0, 1])
    expect(labels(r, 'prefix')).toEqual(['init', 'step'])
    expect(labels(r, 'cycle')).toEqual(['(stutter)'])
  })

  it('reports an unfair-free cycle with the steps that repeat forever', () => {
    // ping-pong between 0 and 1; the exit to 2 is never forced.
    const m = graph(0, { ping: [[0, 1]], pong: [[1, 0]], exit: [[1, 2]] })
    const r = checkLiveness(m, { goal: (s) => s === 2, fair: ['ping', 'pong'] })
    expect(r.ok).toBe(false)
    expect(states(r, 'prefix')).toEqual([0])
    expect(labels(r, 'cycle')).toEqual(['ping', 'pong'])
    expect(states(r, 'cycle')).toEqual([1, 0])
    expect(r.violation!.message).toBe(
      'goal is never reached: after 0 steps the behaviour can repeat a fair cycle of 2 steps forever',
    )
  })

  it('treats weak fairness as satisfied by a cycle that disables the action, and strong fairness as not', () => {
    // exit is enabled only at 1; the 0 <-> 1 cycle keeps disabling it.
    const m = graph(0, { ping: [[0, 1]], pong: [[1, 0]], exit: [[1, 2]] })
    const weak = checkLiveness(m, { goal: (s) => s === 2, fair: ['ping', 'pong', 'exit'] })
    expect(weak.ok).toBe(false)
    expect(labels(weak, 'cycle')).toEqual(['ping', 'pong'])
    const strong = checkLiveness(m, {
      goal: (s) => s === 2,
      fair: ['ping', 'pong'],
      strongFair: ['exit'],
    })
    expect(strong.ok).toBe(true)
  })

  it('judges fairness per component, not over the whole graph', () => {
    // Two cycles: in {1,2} `leave` is always enabled and never taken (unfair); in {3,4} it is
    // never enabled, so looping there is fair. Only the second is a counterexample.
    const m = graph(0, {
      left: [[0, 1]],
      right: [[0, 3]],
      spin: [
        [1, 2],
        [2, 1],
        [3, 4],
        [4, 3],
      ],
      leave: [
        [1, 5],
        [2, 5],
      ],
    })
    const r = checkLiveness(m, { goal: (s) => s === 5, fair: 'all' })
    expect(r.ok).toBe(false)
    expect(states(r, 'prefix')).toEqual([0, 3])
    expect(states(r, 'cycle')).toEqual([4, 3])
    const fixed = graph(0, {
      left: [[0, 1]],
      spin: [
        [1, 2],
        [2, 1],
      ],
      leave: [
        [1, 5],
        [2, 5],
      ],
    })
    expect(checkLiveness(fixed, { goal: (s) => s === 5, fair: ['left', 'spin', 'leave'] }).ok).toBe(
      true,
    )
  })

  it('makes every instance of a fair action.each fair on its own', () => {
    // run(0) can go on forever; run(1) finishes the job. Fairness for "run" as a whole would be
    // satisfied by run(0) alone; per instance, run(1) must eventually happen.
    interface W {
      tick: boolean
      done: boolean
    }
    const m = defineModel<W>({
      name: 'two-workers',
      init: { tick: false, done: false },
      actions: [
        action.each<W, number>(
          'run',
          () => [0, 1],
          (s, i) => i === 0 || !s.done,
          (s, i) => (i === 0 ? { ...s, tick: !s.tick } : { ...s, done: true }),
        ),
      ],
    })
    expect(checkLiveness(m, { goal: (s) => s.done, fair: ['run'] }).ok).toBe(true)
    const unfair = checkLiveness(m, { goal: (s) => s.done })
    expect(unfair.ok).toBe(false)
    expect(unfair.stats.fairInstances).toBe(0)
  })

  it('credits a step to every instance that makes the same transition, as TLA+ does', () => {
    // push(0) and push(1) both move 0 -> 1: one step satisfies the fairness of both.
    const m = defineModel<number>({
      name: 'twins',
      init: 0,
      actions: [
        action.each<number, number>(
          'push',
          () => [0, 1],
          (s) => s === 0,
          () => 1,
        ),
        action(
          'pop',
          (s) => s === 1,
          () => 0,
        ),
      ],
    })
    const r = checkLiveness(m, { goal: (s) => s === 2, fair: 'all' })
    expect(labels(r, 'cycle')).toEqual(['push(0)', 'pop'])
  })

  it('distinguishes eventually from always-eventually', () => {
    // The goal holds initially, then the system leaves it for good.
    const m = graph(0, {
      go: [[0, 1]],
      spin: [
        [1, 2],
        [2, 1],
      ],
    })
    expect(checkLiveness(m, { goal: (s) => s === 0, fair: 'all' }).ok).toBe(true)
    const r = checkLiveness(m, { goal: (s) => s === 0, fair: 'all', everywhere: true })
    expect(r.ok).toBe(false)
    expect(states(r, 'prefix')).toEqual([0, 1])
    expect(states(r, 'cycle')).toEqual([2, 1])
  })

  it('needs the prefix of <>goal to avoid the goal, and finds the shortest such prefix', () => {
    // From 0 a short route to the stuck state 9 passes the goal 5; a longer one avoids it.
    const m = graph(0, {
      a: [
        [0, 5],
        [5, 9],
      ],
      b: [
        [0, 1],
        [1, 2],
        [2, 9],
      ],
    })
    const r = checkLiveness(m, { goal: (s) => s === 5 })
    expect(states(r, 'prefix')).toEqual([0])
    const everywhere = checkLiveness(m, { goal: (s) => s === 5, fair: 'all', everywhere: true })
    expect(states(everywhere, 'prefix')).toEqual([0, 5, 9])
    const eventually = checkLiveness(m, { goal: (s) => s === 5, fair: 'all' })
    expect(states(eventually, 'prefix')).toEqual([0, 1, 2, 9])
    expect(labels(eventually, 'cycle')).toEqual(['(stutter)'])
  })

  it('builds a cycle that meets every fairness obligation of its component', () => {
    // A ring 0 -> 1 -> 2 -> 3 -> 0 with a chord; `x` must be taken (it steps inside the ring)
    // and `y` is disabled only at 3, so a fair cycle must take x and pass 3.
    const m = graph(0, {
      next: [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 0],
      ],
      x: [[1, 0]],
      y: [
        [0, 7],
        [1, 7],
        [2, 7],
      ],
    })
    const r = checkLiveness(m, { goal: (s) => s === 7, fair: ['x', 'y'] })
    expect(r.ok).toBe(false)
    const cycle = r.violation!.cycle
    expect(cycle.at(-1)!.state).toBe(0)
    expect(cycle.map((s) => s.action)).toContain('x')
    expect(cycle.map((s) => s.state)).toContain(3)
  })

  it('handles long paths without recursion (100,000-state ring)', () => {
    const n = 100_000
    const ring = defineModel<number>({
      name: 'ring',
      init: 0,
      actions: [
        action(
          'inc',
          () => true,
          (s) => (s + 1) % n,
        ),
      ],
    })
    const back = checkLiveness(ring, { goal: (s) => s === 0, everywhere: true, fair: ['inc'] })
    expect(back.ok).toBe(true)
    expect(back.stats.distinct).toBe(n)
    const never = checkLiveness(ring, { goal: (s) => s === -1, fair: ['inc'] })
    expect(never.violation!.cycle).toHaveLength(n)
  })

  it('is deterministic: two runs give the same counterexample', () => {
    const m = graph([0, 3], {
      ping: [[0, 1]],
      pong: [[1, 0]],
      exit: [[1, 2]],
      up: [[3, 4]],
      down: [[4, 3]],
    })
    const run = () =>
      JSON.stringify(checkLiveness(m, { goal: (s) => s === 2, fair: 'all' }).violation)
    expect(fingerprintHex(run())).toBe(fingerprintHex(run()))
  })
})

describe('checkLiveness: counts', () => {
  it('explores and counts exactly like check (TLC conventions)', () => {
    const models = [
      routeDelivery,
      graph([0, 3], {
        a: [
          [0, 1],
          [1, 1],
          [3, 0],
        ],
        b: [
          [1, 2],
          [2, 0],
        ],
      }),
      defineModel<number>({
        name: 'constrained',
        init: [0, 7],
        actions: [
          action(
            'inc',
            () => true,
            (s) => s + 1,
          ),
        ],
        constraint: (s) => s < 5,
      }),
    ] as Model<unknown>[]
    for (const m of models) {
      const safety = check(m, { deadlock: false })
      const live = checkLiveness(m, { goal: () => true, fair: 'all' })
      expect(live.stats).toMatchObject({
        distinct: safety.stats.distinct,
        generated: safety.stats.generated,
        depth: safety.stats.depth,
      })
    }
  })
})

describe('checkLiveness: bounds and warnings', () => {
  const counter = defineModel<number>({
    name: 'counter',
    init: 0,
    actions: [
      action(
        'inc',
        () => true,
        (s) => s + 1,
      ),
    ],
  })

  it('never reports a cut search as a success', () => {
    const r = checkLiveness(counter, { goal: (s) => s >= 0, fair: ['inc'], maxStates: 50 })
    expect(r.ok).toBe(false)
    expect(r.complete).toBe(false)
    expect(r.incomplete).toMatchObject({ reason: 'maxStates', limit: 50 })
    expect(r.violation).toBeUndefined()
  })

  it('still reports a real lasso found within the bound', () => {
    const r = checkLiveness(counter, { goal: (s) => s === -1, maxStates: 10 })
    expect(r.complete).toBe(false)
    expect(labels(r, 'cycle')).toEqual(['(stutter)'])
  })

  it('warns when nothing is assumed fair', () => {
    const r = checkLiveness(routeDelivery, { goal: () => true })
    expect(r.ok).toBe(true)
    expect(r.warnings.map((w) => w.code)).toEqual(['no-fairness'])
    expect(r.warnings[0]!.message).toMatch(/may stutter forever/)
  })

  it('warns that a constraint makes the result vacuous or unsound', () => {
    const bounded = defineModel<number>({
      name: 'bounded',
      init: 0,
      actions: [
        action(
          'inc',
          () => true,
          (s) => s + 1,
        ),
      ],
      constraint: (s) => s < 5,
    })
    // The constraint cuts the only way forward: the behaviour stops at 4, a lasso the real model lacks.
    const r = checkLiveness(bounded, { goal: (s) => s === 10, fair: ['inc'] })
    expect(r.warnings.map((w) => w.code)).toEqual(['constraint'])
    expect(r.warnings[0]!.message).toMatch(/bounded has a constraint.*#839/)
  })

  it('warns that symmetry reduction makes lassos untrustworthy', () => {
    const sym = defineModel<[number, number]>({
      name: 'pair',
      init: [[0, 0]],
      actions: [
        action.each(
          'bump',
          () => [0, 1],
          (s, i) => s[i]! < 2,
          (s, i) => s.map((x, j) => (j === i ? x + 1 : x)) as [number, number],
        ),
      ],
      symmetry: (s) => [...s].sort() as [number, number],
    })
    const r = checkLiveness(sym, { goal: (s) => s[0] === 2 && s[1] === 2, fair: ['bump'] })
    expect(r.warnings.map((w) => w.code)).toEqual(['symmetry'])
    expect(r.warnings[0]!.message).toMatch(/pair has symmetry.*#59/)
  })

  it('warns that a view merges states', () => {
    const viewed = defineModel<{ n: number; log: number }>({
      name: 'viewed',
      init: { n: 0, log: 0 },
      actions: [
        action(
          'inc',
          (s) => s.n < 2,
          (s) => ({ n: s.n + 1, log: s.log + 1 }),
        ),
      ],
      view: (s) => s.n,
    })
    const r = checkLiveness(viewed, { goal: (s) => s.n === 2, fair: ['inc'] })
    expect(r.ok).toBe(true)
    expect(r.warnings.map((w) => w.code)).toEqual(['view'])
  })
})

describe('checkLiveness: bad input', () => {
  it('rejects something that is not a model', () => {
    expect(() => checkLiveness({} as never, { goal: () => true })).toThrow(ModelDefinitionError)
  })

  it('rejects a missing goal', () => {
    expect(() => checkLiveness(routeDelivery, {} as never)).toThrow(
      new TypeError(
        'checkLiveness(route-delivery): options.goal must be a function (s) => boolean, e.g. { goal: (s) => s.done }',
      ),
    )
  })

  it('names an unknown fair action and lists the real ones', () => {
    expect(() => checkLiveness(routeDelivery, { goal: converged, fair: ['delivr'] })).toThrow(
      new RangeError(
        "checkLiveness(route-delivery): fair names 'delivr', which is not an action of the model; its actions are 'deliver'",
      ),
    )
    expect(() => checkLiveness(routeDelivery, { goal: converged, strongFair: ['x'] })).toThrow(
      /strongFair names 'x'/,
    )
    expect(() =>
      checkLiveness(routeDelivery, { goal: converged, fair: 'deliver' as never }),
    ).toThrow(/fair must be an array of action names or 'all'/)
  })

  it('rejects a bad maxStates', () => {
    expect(() => checkLiveness(routeDelivery, { goal: converged, maxStates: 0 })).toThrow(
      new RangeError('checkLiveness(route-delivery): maxStates must be a positive integer, got 0'),
    )
  })

  it('wraps a throwing goal in a UserCodeError naming the goal', () => {
    const run = () =>
      checkLiveness(routeDelivery, {
        goal: (s) => {
          if (s.applied === 1) throw new Error('boom')
          return false
        },
        goalName: 'caught-up',
        fair: ['deliver'],
      })
    expect(run).toThrow(UserCodeError)
    expect(run).toThrow('goal of caught-up threw Error: boom')
  })
})

describe('user code that throws during checkLiveness', () => {
  it('names the model and carries the trace when a guard throws', () => {
    const m = defineModel<{ n: number }>({
      name: 'fragile',
      init: { n: 0 },
      actions: [
        action(
          'inc',
          (s) => {
            if (s.n === 2) throw new Error('g boom')
            return true
          },
          (s) => ({ n: s.n + 1 }),
        ),
      ],
    })
    let caught: unknown
    try {
      checkLiveness(m, { goal: (s) => s.n === 9, fair: 'all' })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(UserCodeError)
    expect((caught as Error).message).toBe(
      'guard of inc threw Error: g boom (model fragile, after 2 steps; see error.trace)',
    )
    expect((caught as UserCodeError).trace.map((s) => s.state)).toEqual([
      { n: 0 },
      { n: 1 },
      { n: 2 },
    ])
  })
})
