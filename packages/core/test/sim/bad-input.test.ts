import {
  AdversarialNode,
  action,
  BaseNode,
  type Context,
  crash,
  defineModel,
  MusilError,
  NetworkModel,
  NodeContextError,
  partition,
  SimulationConfigError,
  simulate,
  simulateSeed,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_STEPS } from '../../src/sim/types.ts'

class Quiet extends BaseNode {}
class Sends extends BaseNode {
  readonly to: string
  constructor(to: string) {
    super()
    this.to = to
  }
  override onStart(ctx: Context): void {
    ctx.send(this.to, 'hello')
  }
}

describe('bad input inside a run is reported as an error failure naming the node', () => {
  it('a message to an unknown node', () => {
    const r = simulate(() => ({ cp: new Sends('agnet'), agent: new Quiet() }), {
      seeds: 5,
      snapshot: () => 0,
    })
    expect(r).toMatchObject({ ok: false, runs: 1 })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'cp', seed: 0 })
    expect(r.failure!.detail).toBe(
      `node 'cp' sent "hello" to unknown node "agnet" at t=0 (nodes: cp, agent); fix the address or add the node to the factory`,
    )
  })

  it('a message to an unknown node, even when node code catches the throw', () => {
    class Swallows extends BaseNode {
      caught: unknown
      override onStart(ctx: Context): void {
        try {
          ctx.send('nobody', 1)
        } catch (e) {
          this.caught = e
        }
      }
    }
    const node = new Swallows()
    const r = simulate(() => ({ a: node }), { seeds: 1, snapshot: () => 0 })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'a' })
    expect(node.caught).toBeInstanceOf(NodeContextError)
    expect((node.caught as NodeContextError).node).toBe('a')
  })

  it('a node that throws, with the handler and the message it was handling', () => {
    class Picky extends BaseNode {
      override onMessage(_ctx: Context, _src: string, payload: unknown): void {
        if (typeof payload !== 'number')
          throw new TypeError(`expected a number, got ${String(payload)}`)
      }
    }
    const r = simulate(() => ({ cp: new Sends('agent'), agent: new Picky() }), {
      seeds: 3,
      snapshot: () => 0,
    })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'agent', time: 1 })
    expect(r.failure!.detail).toBe(
      `node 'agent' threw in onMessage (msg #0 from 'cp', payload "hello") at t=1: TypeError: expected a number, got hello`,
    )
    expect(r.failure!.trace.at(-1)).toMatchObject({ kind: 'deliver', dst: 'agent' })
  })

  it('a node that throws in onStart or onTimer', () => {
    class BadStart extends BaseNode {
      override onStart(): void {
        throw new Error('boom')
      }
    }
    class BadTimer extends BaseNode {
      override onStart(ctx: Context): void {
        ctx.setTimer('t', 5)
      }
      override onTimer(): void {
        throw 'not an Error'
      }
    }
    expect(
      simulate(() => ({ s: new BadStart() }), { seeds: 1, snapshot: () => 0 }).failure!.detail,
    ).toBe("node 's' threw in onStart at t=0: Error: boom")
    expect(
      simulate(() => ({ t: new BadTimer() }), { seeds: 1, snapshot: () => 0 }).failure!.detail,
    ).toBe(`node 't' threw in onTimer('t') at t=5: non-Error value "not an Error"`)
  })

  it('a bad timer delay', () => {
    class BadDelay extends BaseNode {
      override onStart(ctx: Context): void {
        ctx.setTimer('t', -1)
      }
    }
    const r = simulate(() => ({ n: new BadDelay() }), { seeds: 1, snapshot: () => 0 })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'n' })
    expect(r.failure!.detail).toContain(
      "set timer 't' with delay -1; a delay is a finite number of virtual ms >= 0",
    )
  })

  it('a context kept across a crash', () => {
    let kept: Context | undefined
    class Keeps extends BaseNode {
      override onStart(ctx: Context): void {
        kept ??= ctx
      }
    }
    class UsesKept extends BaseNode {
      override onStart(ctx: Context): void {
        ctx.setTimer('later', 20)
      }
      override onTimer(): void {
        kept!.send('b', 'from beyond')
      }
    }
    const r = simulate(() => ({ a: new Keeps(), b: new UsesKept() }), {
      seeds: 1,
      snapshot: () => 0,
      faults: [crash('a', { at: 10, restartAt: 15 })],
    })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'a' })
    expect(r.failure!.detail).toContain("node 'a' used a context from before its crash")
  })

  it('mutate, snapshot, an invariant or the goal that throws', () => {
    const throwing = () => {
      throw new Error('oops')
    }
    const world = () => ({ cp: new Sends('agent'), agent: new Quiet() })
    expect(
      simulate(world, {
        seeds: 1,
        snapshot: () => 0,
        network: new NetworkModel({ mutate: throwing }),
      }).failure,
    ).toMatchObject({
      kind: 'error',
      name: 'mutate',
      detail: expect.stringContaining("the network's mutate threw on msg #0 cp -> agent"),
    })
    expect(simulate(world, { seeds: 1, snapshot: throwing }).failure).toMatchObject({
      kind: 'error',
      name: 'snapshot',
      detail: 'snapshot threw on the first snapshot (t=0): Error: oops',
    })
    expect(
      simulate(world, { seeds: 1, snapshot: () => 0, invariants: { inv: throwing } }).failure,
    ).toMatchObject({
      kind: 'error',
      name: 'inv',
    })
    expect(
      simulate(world, { seeds: 1, snapshot: () => 0, goal: throwing, goalName: 'g' }).failure,
    ).toMatchObject({
      kind: 'error',
      name: 'g',
      detail: "goal 'g' threw: Error: oops",
    })
  })
})

describe('a world that never settles ends at its bounds with a clear report', () => {
  class Forever extends BaseNode {
    ticks = 0
    override onStart(ctx: Context): void {
      ctx.setTimer('tick', 1)
    }
    override onTimer(ctx: Context): void {
      this.ticks++
      ctx.setTimer('tick', 1)
    }
  }
  class ZeroDelay extends BaseNode {
    override onStart(ctx: Context): void {
      ctx.setTimer('spin', 0)
    }
    override onTimer(ctx: Context): void {
      ctx.setTimer('spin', 0)
    }
  }

  it('a timer re-armed forever with no goal hits maxSteps and fails, saying how to fix it', () => {
    const r = simulate(() => ({ f: new Forever() }), {
      seeds: 3,
      snapshot: (n) => n.f.ticks,
      maxSteps: 5000,
    })
    expect(r).toMatchObject({ ok: false, runs: 1, stats: { unsettled: 1, steps: 5000 } })
    expect(r.failure).toMatchObject({
      kind: 'error',
      name: 'maxSteps',
      world: 4999,
      minimizeRuns: 0,
    })
    expect(r.failure!.minimized).toHaveLength(r.failure!.originalLength)
    expect(r.failure!.detail).toBe(
      "the run never settled: the run reached maxSteps (5000) at t=4999 with events still queued (next: timer 'tick' of 'f' at t=5000). A run without a goal must run out of events; give a goal (checked at the horizon), set maxTime to make the horizon intended, or stop re-arming timers forever",
    )
  })

  it('the default bounds end a runaway world too', () => {
    const r = simulate(() => ({ f: new Forever() }), { seeds: 1, snapshot: (n) => n.f.ticks })
    // 1 ms ticks reach the default maxTime (60,000 ms) before the default maxSteps.
    expect(DEFAULT_MAX_STEPS).toBeGreaterThan(60_001)
    expect(r.failure).toMatchObject({ kind: 'error', name: 'maxTime', world: 60_000 })
  })

  it('time that never advances is caught by maxSteps', () => {
    const r = simulate(() => ({ z: new ZeroDelay() }), {
      seeds: 1,
      snapshot: () => 0,
      maxSteps: 1000,
    })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'maxSteps', time: 0 })
  })

  it('the default maxTime without a goal is reported as not settling', () => {
    class Slow extends BaseNode {
      override onStart(ctx: Context): void {
        ctx.setTimer('tick', 1000)
      }
      override onTimer(ctx: Context): void {
        ctx.setTimer('tick', 1000)
      }
    }
    const r = simulate(() => ({ s: new Slow() }), { seeds: 1, snapshot: () => 0 })
    expect(r.failure).toMatchObject({ kind: 'error', name: 'maxTime' })
    expect(r.failure!.detail).toContain('the run reached maxTime (60000 ms) after 61 steps')
  })

  it('an explicit maxTime is an intended horizon', () => {
    const r = simulate(() => ({ f: new Forever() }), { seeds: 2, snapshot: () => 0, maxTime: 50 })
    expect(r).toMatchObject({ ok: true, runs: 2, stats: { unsettled: 2, steps: 2 * 51 } })
  })
})

describe('misconfiguration is thrown before any seed runs', () => {
  const world = () => ({ a: new Quiet(), b: new Quiet() })
  const cases: [string, () => unknown, string][] = [
    [
      'a factory that is not a function',
      () => simulate(42 as never, { seeds: 1, snapshot: () => 0 }),
      'expects a factory function',
    ],
    [
      'a factory with no nodes',
      () => simulate(() => ({}), { seeds: 1, snapshot: () => 0 }),
      'the factory returned no nodes',
    ],
    [
      'a node that is not a node',
      () => simulate(() => ({ a: { onMessage: 'x' } }) as never, { seeds: 1, snapshot: () => 0 }),
      "node 'a' is not a node",
    ],
    ['no snapshot', () => simulate(world, { seeds: 1 } as never), "'snapshot' is required"],
    ['no seeds', () => simulate(world, { seeds: [], snapshot: () => 0 }), "'seeds' is empty"],
    [
      'a seed that is not an integer',
      () => simulate(world, { seeds: [1.5], snapshot: () => 0 }),
      'seed 1.5 is not a seed; seeds are non-negative safe integers',
    ],
    [
      'a node factory that throws',
      () =>
        simulate(
          () => {
            throw new Error('fac boom')
          },
          { seeds: 1, snapshot: () => 0 },
        ),
      'simulate(): the node factory threw Error: fac boom; it must build a fresh record of nodes',
    ],
    [
      'a negative seed (MUSIL_SEED could not replay it)',
      () => simulate(world, { seeds: [-5], snapshot: () => 0 }),
      'seed -5 is not a seed; seeds are non-negative safe integers',
    ],
    [
      "simulateSeed's seed, named as simulateSeed's",
      () => simulateSeed(world, { snapshot: () => 0 }, -1),
      'simulateSeed(): seed -1 is not a seed; seeds are non-negative safe integers',
    ],
    [
      'a loss above 1',
      () => new NetworkModel({ loss: 1.5 }),
      "'loss' is a probability in [0, 1], got 1.5",
    ],
    [
      'an inverted latency range',
      () => new NetworkModel({ minLatency: 5, maxLatency: 2 }),
      'maxLatency must be a finite number >= minLatency (5), got 2',
    ],
    [
      'a link to an unknown node',
      () =>
        simulate(world, {
          seeds: 1,
          snapshot: () => 0,
          network: new NetworkModel().link('a', 'c', { loss: 1 }),
        }),
      "names node 'c', which the factory does not build (nodes: a, b)",
    ],
    [
      'a crash of an unknown node',
      () => simulate(world, { seeds: 1, snapshot: () => 0, faults: [crash('c', { at: 1 })] }),
      "faults[0] (crash) names node 'c', which the factory does not build (nodes: a, b)",
    ],
    [
      'a restart before its crash',
      () =>
        simulate(world, {
          seeds: 1,
          snapshot: () => 0,
          faults: [crash('a', { at: 5, restartAt: 5 })],
        }),
      "'restartAt' (5) must be after 'at' (5)",
    ],
    [
      'partition groups that are not arrays of names',
      () =>
        simulate(world, {
          seeds: 1,
          snapshot: () => 0,
          faults: [partition('a,b' as never)],
        }),
      "partition(groups) takes an array of groups, each an array of node names, e.g. partition([['a'], ['b', 'c']]); got \"a,b\"",
    ],
    [
      'a partition with a node in two groups',
      () =>
        simulate(world, { seeds: 1, snapshot: () => 0, faults: [partition([['a'], ['a', 'b']])] }),
      "node 'a' is in two groups",
    ],
    [
      'a model without an abstraction',
      () =>
        simulate(world, {
          seeds: 1,
          snapshot: () => 0,
          model: defineModel({
            init: 0,
            actions: [
              action(
                'x',
                () => false,
                (s: number) => s,
              ),
            ],
          }),
        }),
      "refinement needs both 'model'",
    ],
    [
      'maxSteps of zero',
      () => simulate(world, { seeds: 1, snapshot: () => 0, maxSteps: 0 }),
      "'maxSteps' must be a positive integer",
    ],
    [
      'replay choices naming an unknown node',
      () =>
        simulateSeed(world, { snapshot: () => 0 }, 0, {
          faults: [],
          losses: [{ src: 'a', dst: 'zz', n: 0 }],
          duplicates: [],
          corruptions: [],
        }),
      'choices.losses: {src: "a", dst: "zz", n: 0} is not a message of this simulation',
    ],
  ]

  it.each(cases)('%s', (_what, run, message) => {
    let error: unknown
    try {
      run()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SimulationConfigError)
    expect(MusilError.is(error)).toBe(true)
    expect((error as Error).name).toBe('SimulationConfigError')
    expect((error as Error).message).toContain(message)
  })

  it('an adversarial node without behaviours', () => {
    expect(() => new AdversarialNode({} as never)).toThrow(
      'AdversarialNode expects { behaviors: [[when, act], ...] }',
    )
    expect(() => new AdversarialNode({ behaviors: [[() => true]] as never })).toThrow(
      'AdversarialNode: behaviors[0] must be a pair [when(src, payload, ctx), act(ctx, src, payload)]',
    )
  })

  it('a factory that builds different nodes for different seeds', () => {
    let calls = 0
    const fickle = (): Record<string, Quiet> =>
      calls++ === 0 ? { a: new Quiet() } : { b: new Quiet() }
    expect(() => simulate(fickle, { seeds: 2, snapshot: () => 0 })).toThrow(
      'the factory must build the same nodes every time; it built [b] after [a]',
    )
  })
})

describe('nondeterministic node code is caught when its failure does not replay', () => {
  it('throws naming the seed', () => {
    let runs = 0
    class Flaky extends BaseNode {
      override onStart(): void {
        // Fails the first time only: state shared across runs, the classic replay breaker.
        if (runs++ === 0) throw new Error('first time only')
      }
    }
    expect(() => simulate(() => ({ f: new Flaky() }), { seeds: 1, snapshot: () => 0 })).toThrow(
      /seed 0 is not deterministic: it failed with error 'f' after 1 trace events, but its replay ended with no failure/,
    )
  })
})
