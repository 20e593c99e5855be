import {
  AdversarialNode,
  action,
  BaseNode,
  type Context,
  crash,
  defineModel,
  FaultSchedule,
  NetworkModel,
  partition,
  simulate,
  simulateSeed,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { simulateRouteDelivery } from '../../../../examples/reconciliation-under-loss/reconciliation-under-loss.ts'

/** Sends `count` numbered messages to `to` at start. */
class Sender extends BaseNode {
  readonly count: number
  readonly to: string
  constructor(count: number, to = 'sink') {
    super()
    this.count = count
    this.to = to
  }
  override onStart(ctx: Context): void {
    for (let i = 0; i < this.count; i++) ctx.send(this.to, i)
  }
}

/** Records what arrives, and when. */
class Sink extends BaseNode {
  got: unknown[] = []
  at: number[] = []
  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    this.got.push(payload)
    this.at.push(ctx.now())
  }
}

const sinkWorld = (count: number) => () => ({ src: new Sender(count), sink: new Sink() })
const got = (n: { sink: Sink }) => ({ got: [...n.sink.got], at: [...n.sink.at] })

describe('simulate: the route-delivery example of the musil guide', () => {
  it('finds fire-and-forget failing its goal on a seed, with the world that shows why', () => {
    const r = simulateRouteDelivery(false)
    expect(r.ok).toBe(false)
    const f = r.failure!
    expect(f).toMatchObject({
      kind: 'goal',
      name: 'applied==desired',
      world: { desired: 1, applied: 0 },
    })
    expect(r.runs).toBe(f.seed + 1)
    expect(f.detail).toContain("goal 'applied==desired' not reached: the run settled")
    expect(f.trace.some((e) => e.kind === 'drop' && e.src === 'cp' && e.dst === 'agent')).toBe(true)
  })

  it('verifies per-tick re-push on 300 seeds, refinement of the model included', () => {
    const r = simulateRouteDelivery(true)
    expect(r).toMatchObject({ ok: true, runs: 300, stats: { unsettled: 0 } })
    expect(r.stats.steps).toBeGreaterThan(300 * 4)
  })
})

describe('network', () => {
  it('is reliable and in order by default, with 1 ms latency', () => {
    const run = simulateSeed(sinkWorld(10), { snapshot: got }, 0)
    expect(run.world).toEqual({ got: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], at: Array(10).fill(1) })
    expect(run.end).toBe('settled')
  })

  it('reorders messages when latency has a spread', () => {
    const orders = [0, 1, 2, 3].map((s) =>
      simulateSeed(
        sinkWorld(10),
        { snapshot: got, network: new NetworkModel({ minLatency: 1, maxLatency: 30 }) },
        s,
      ),
    )
    for (const o of orders) {
      expect([...(o.world.got as number[])].sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ])
      for (const t of o.world.at) expect(t >= 1 && t <= 30 && Number.isInteger(t)).toBe(true)
    }
    expect(orders.some((o) => o.world.got.some((x, i) => x !== i))).toBe(true)
  })

  it('loses messages with probability loss, and records each drop', () => {
    const run = simulateSeed(
      sinkWorld(200),
      { snapshot: got, network: new NetworkModel({ loss: 0.25 }) },
      1,
    )
    const drops = run.trace.filter((e) => e.kind === 'drop')
    expect(drops.length + run.world.got.length).toBe(200)
    expect(drops.length).toBeGreaterThan(25)
    expect(drops.length).toBeLessThan(80)
    expect(drops[0]!.detail).toMatch(/^msg #\d+ lost in transit$/)
    expect(run.choices.losses).toHaveLength(drops.length)
  })

  it('duplicates messages with probability duplicate', () => {
    const run = simulateSeed(
      sinkWorld(100),
      { snapshot: got, network: new NetworkModel({ duplicate: 0.3 }) },
      2,
    )
    const dups = run.trace.filter((e) => e.kind === 'duplicate').length
    expect(dups).toBeGreaterThan(10)
    expect(run.world.got).toHaveLength(100 + dups)
  })

  it('corrupts payloads with mutate, recording a corrupt event', () => {
    const run = simulateSeed(
      sinkWorld(3),
      {
        snapshot: got,
        network: new NetworkModel({ mutate: (_s, _d, p) => (p === 1 ? 'garbage' : p) }),
      },
      0,
    )
    expect(run.world.got).toEqual([0, 'garbage', 2])
    expect(run.trace.filter((e) => e.kind === 'corrupt')).toEqual([
      expect.objectContaining({ src: 'src', dst: 'sink', payload: 'garbage' }),
    ])
  })

  it('keeps a link in order when only minLatency is raised', () => {
    const net = new NetworkModel({ minLatency: 5 })
    expect(net.defaults).toEqual({ loss: 0, duplicate: 0, minLatency: 5, maxLatency: 5 })
    const run = simulateSeed(sinkWorld(4), { snapshot: got, network: net }, 3)
    expect(run.world).toEqual({ got: [0, 1, 2, 3], at: [5, 5, 5, 5] })
  })

  it('draws float latencies when a bound is not an integer', () => {
    const run = simulateSeed(
      sinkWorld(20),
      { snapshot: got, network: new NetworkModel({ minLatency: 0.5, maxLatency: 2 }) },
      0,
    )
    for (const t of run.world.at) expect(t >= 0.5 && t < 2).toBe(true)
    expect(run.world.at.some((t) => !Number.isInteger(t))).toBe(true)
  })

  it('applies per-link overrides on one direction only', () => {
    class Echo extends BaseNode {
      got: unknown[] = []
      override onMessage(ctx: Context, src: string, payload: unknown): void {
        this.got.push(payload)
        if (src === 'a') ctx.send('a', payload)
      }
    }
    const net = new NetworkModel().link('b', 'a', { loss: 1 })
    const run = simulateSeed(
      () => ({ a: new Sender(5, 'b'), b: new Echo() }),
      { snapshot: (n) => n.b.got.length, network: net },
      0,
    )
    expect(run.world).toBe(5)
    expect(run.trace.filter((e) => e.kind === 'drop' && e.src === 'b')).toHaveLength(5)
  })
})

describe('timers', () => {
  class Ticker extends BaseNode {
    fired: [string, number][] = []
    override onStart(ctx: Context): void {
      ctx.setTimer('a', 10)
      ctx.setTimer('b', 5)
      ctx.setTimer('a', 3) // replaces the first 'a'
      ctx.setTimer('c', 1)
      ctx.cancelTimer('c')
    }
    override onTimer(ctx: Context, name: string): void {
      this.fired.push([name, ctx.now()])
    }
  }

  it('fire in time order; re-arming replaces a pending timer; cancel disarms it', () => {
    const run = simulateSeed(() => ({ t: new Ticker() }), { snapshot: (n) => n.t.fired }, 0)
    expect(run.world).toEqual([
      ['a', 3],
      ['b', 5],
    ])
    expect(run.time).toBe(5)
  })
})

describe('faults', () => {
  class Pusher extends BaseNode {
    readonly to: string
    constructor(to = 'sink') {
      super()
      this.to = to
    }
    override onStart(ctx: Context): void {
      ctx.setTimer('tick', 10)
    }
    override onTimer(ctx: Context): void {
      if (ctx.now() <= 100) {
        ctx.send(this.to, ctx.now())
        ctx.setTimer('tick', 10)
      }
    }
  }

  it('drops messages across a partition, evaluated at delivery time, until it heals', () => {
    const run = simulateSeed(
      () => ({ src: new Pusher(), sink: new Sink() }),
      { snapshot: got, faults: [partition([['src'], ['sink']], { from: 25, until: 61 })] },
      0,
    )
    // Sent at 10..100, arriving 1 ms later. Arrivals at 31, 41 and 51 fall in the partition; the
    // one sent at 20 arrives before it, and the one arriving at 61 ties with the heal, which was
    // scheduled first and so runs first.
    expect(run.world.got).toEqual([10, 20, 60, 70, 80, 90, 100])
    const drops = run.trace.filter((e) => e.kind === 'drop')
    expect(drops).toHaveLength(3)
    expect(drops[0]!.detail).toBe('msg #2 src and sink are partitioned')
    expect(
      run.trace
        .filter((e) => e.kind === 'partition' || e.kind === 'heal')
        .map((e) => [e.kind, e.t]),
    ).toEqual([
      ['partition', 25],
      ['heal', 61],
    ])
  })

  it('puts nodes named in no group into one more group together', () => {
    const run = simulateSeed(
      () => ({ a: new Sender(1, 'b'), b: new Sender(1, 'c'), c: new Sink() }),
      { snapshot: (n) => n.c.got, faults: new FaultSchedule().partition([['a']]) },
      0,
    )
    expect(run.world).toEqual([0])
    expect(run.trace.filter((e) => e.kind === 'drop')).toEqual([
      expect.objectContaining({ src: 'a', dst: 'b' }),
    ])
  })

  it('crashes a node: its timers stop, messages to it are dropped, its fields are lost on restart', () => {
    class Counter extends BaseNode {
      volatile = 0
      durable = 0
      override onStart(ctx: Context): void {
        this.durable = (ctx.storage.get('durable') as number | undefined) ?? 0
        ctx.setTimer('own', 1)
      }
      override onMessage(ctx: Context): void {
        this.volatile++
        this.durable++
        if (this.durable % 2 === 0) ctx.storage.set('durable', this.durable)
      }
      override onTimer(): void {}
    }
    const run = simulateSeed(
      () => ({ src: new Pusher('store'), store: new Counter() }),
      {
        snapshot: (n) => ({ volatile: n.store.volatile, durable: n.store.durable }),
        faults: [crash('store', { at: 35, restartAt: 55 })],
      },
      0,
    )
    // Arrivals at 11, 21, 31 before the crash (the second is persisted), drops at 41 and 51, then
    // five arrivals at 61..101 on the rebuilt node, counting on from the persisted 2.
    const kinds = run.trace.map((e) => e.kind)
    expect(kinds).toContain('crash')
    expect(kinds).toContain('restart')
    expect(run.trace.filter((e) => e.kind === 'drop').map((e) => e.t)).toEqual([41, 51])
    expect(run.world).toEqual({ volatile: 5, durable: 7 })
  })

  it("discards a crashed node's pending timers; the rebuilt node starts afresh", () => {
    class Alarm extends BaseNode {
      rang: number[] = []
      override onStart(ctx: Context): void {
        ctx.setTimer('alarm', 10)
      }
      override onTimer(ctx: Context): void {
        this.rang.push(ctx.now())
      }
    }
    const run = simulateSeed(
      () => ({ alarm: new Alarm() }),
      { snapshot: (n) => n.alarm.rang, faults: [crash('alarm', { at: 5, restartAt: 7 })] },
      0,
    )
    // The first incarnation's alarm (due at 10) never rings; the second one's rings at 17.
    expect(run.world).toEqual([17])
    expect(run.trace.map((e) => `${e.kind}@${e.t}`)).toEqual([
      'start@0',
      'crash@5',
      'restart@7',
      'timer@17',
    ])
  })

  it('treats crash without restart as crash-stop', () => {
    const run = simulateSeed(
      () => ({ src: new Pusher(), sink: new Sink() }),
      { snapshot: got, faults: [crash('sink', { at: 45 })] },
      0,
    )
    expect(run.world.got).toEqual([10, 20, 30, 40])
  })
})

describe('adversarial nodes', () => {
  it('answer with the first matching behaviour, and fall back to the honest node', () => {
    class Honest extends BaseNode {
      override onMessage(ctx: Context, src: string, payload: unknown): void {
        ctx.send(src, `honest:${String(payload)}`)
      }
    }
    class Asker extends BaseNode {
      got: unknown[] = []
      override onStart(ctx: Context): void {
        ctx.send('svc', 'q1')
        ctx.send('svc', 'q2')
      }
      override onMessage(_ctx: Context, _src: string, payload: unknown): void {
        this.got.push(payload)
      }
    }
    const liar = () =>
      new AdversarialNode({
        behaviors: [[(_src, p) => p === 'q1', (ctx, src) => ctx.send(src, -1)]],
        honest: new Honest(),
      })
    const run = simulateSeed(
      () => ({ asker: new Asker(), svc: liar() }),
      { snapshot: (n) => n.asker.got },
      0,
    )
    expect(run.world).toEqual([-1, 'honest:q2'])
  })
})

describe('checks', () => {
  class Agent extends BaseNode {
    applied = 0
    readonly jump: number
    constructor(jump: number) {
      super()
      this.jump = jump
    }
    override onMessage(): void {
      this.applied += this.jump
    }
  }
  const model = defineModel<{ applied: number }>({
    name: 'one-step',
    init: { applied: 0 },
    actions: [
      action(
        'apply',
        (s) => s.applied === 0,
        () => ({ applied: 1 }),
      ),
    ],
  })
  const world = (jump: number) => () => ({ cp: new Sender(1, 'agent'), agent: new Agent(jump) })

  it('checks invariants after every step and names the step that broke one', () => {
    const r = simulate(world(5), {
      seeds: 3,
      snapshot: (n) => ({ applied: n.agent.applied }),
      invariants: { small: (w) => w.applied < 5 },
    })
    expect(r.runs).toBe(1)
    expect(r.failure).toMatchObject({ kind: 'safety', name: 'small', seed: 0, time: 1 })
    expect(r.failure!.detail).toBe(
      "invariant 'small' violated at t=1 after msg #0 cp -> agent 0; world {applied: 5}",
    )
  })

  it('checks refinement: a step that is not a step of the model fails', () => {
    const r = simulate(world(2), {
      seeds: 1,
      snapshot: (n) => ({ applied: n.agent.applied }),
      model,
      abstraction: (w) => w,
    })
    expect(r.failure).toMatchObject({ kind: 'refinement', name: 'one-step' })
    expect(r.failure!.detail).toContain('moved from {applied: 0} to {applied: 2}')
    expect(r.failure!.detail).toContain('apply -> {applied: 1}')
  })

  it('accepts refinement steps and stutters', () => {
    const r = simulate(world(1), {
      seeds: 5,
      snapshot: (n) => ({ applied: n.agent.applied }),
      model,
      abstraction: (w) => w,
    })
    expect(r.ok).toBe(true)
  })

  it('checks that the first world maps to an initial state of the model', () => {
    const r = simulate(world(1), {
      seeds: 1,
      snapshot: () => ({ applied: 7 }),
      model,
      abstraction: (w) => w,
    })
    expect(r.failure).toMatchObject({ kind: 'refinement', seed: 0 })
    expect(r.failure!.detail).toContain(
      'the first world maps to {applied: 7}, which is not an initial state',
    )
    expect(r.failure!.trace).toEqual([])
  })

  it('checks the goal at the horizon when the run does not settle', () => {
    class Heartbeat extends BaseNode {
      beats = 0
      override onStart(ctx: Context): void {
        ctx.setTimer('beat', 10)
      }
      override onTimer(ctx: Context): void {
        this.beats++
        ctx.setTimer('beat', 10)
      }
    }
    const ok = simulate(() => ({ hb: new Heartbeat() }), {
      seeds: 2,
      snapshot: (n) => n.hb.beats,
      goal: (b) => b >= 5,
      maxTime: 100,
    })
    expect(ok).toMatchObject({ ok: true, runs: 2, stats: { unsettled: 2, steps: 2 * 11 } })
    const bad = simulate(() => ({ hb: new Heartbeat() }), {
      seeds: 1,
      snapshot: (n) => n.hb.beats,
      goal: (b) => b >= 50,
      goalName: 'fifty beats',
      maxTime: 100,
    })
    expect(bad.failure).toMatchObject({ kind: 'goal', name: 'fifty beats', world: 10 })
    expect(bad.failure!.detail).toContain('the run reached maxTime (100 ms) after 11 steps')
  })

  it('stops a sweep at the first failing seed', () => {
    const r = simulateRouteDelivery(
      false,
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
    )
    expect(r.ok).toBe(false)
    expect(r.runs).toBe(r.failure!.seed - 9)
    expect(traceDigest(r.failure!.trace)).toBe(
      traceDigest(simulateRouteDelivery(false, [r.failure!.seed]).failure!.trace),
    )
  })
})
