/**
 * A sweep reuses one world from seed to seed: its queue and event records, its timer slots, its
 * per-link counters, its contexts. None of it may carry over: every seed of a sweep must end in
 * exactly the world the same seed reaches alone (`simulateSeed` builds a fresh world).
 */
import {
  action,
  BaseNode,
  type Context,
  crash,
  defineModel,
  NetworkModel,
  partition,
  type SimulateOptions,
  simulate,
  simulateSeed,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { compileChoices, compileSimulation } from '../../src/sim/compile.ts'
import { SimWorld } from '../../src/sim/world.ts'

/** A node that leans on timers: re-arms, cancels, names made up at run time, some left pending. */
class Busy extends BaseNode {
  readonly peer: string
  id = -1
  fires: string[] = []
  got = 0

  constructor(peer: string) {
    super()
    this.peer = peer
  }

  override onStart(ctx: Context): void {
    // The node's own substream: a fingerprint of the seed that the snapshot carries.
    this.id = ctx.random()
    ctx.setTimer('a', 1 + Math.floor(ctx.random() * 5))
    ctx.setTimer('b', 3)
    // Past maxTime: still queued when the run stops at the horizon.
    ctx.setTimer('late', 80)
  }

  override onTimer(ctx: Context, name: string): void {
    this.fires.push(`${name}@${ctx.now()}`)
    if (name === 'a' && this.fires.length < 6) {
      ctx.setTimer('a', 2)
      if (ctx.random() < 0.5) ctx.cancelTimer('b')
      ctx.send(this.peer, this.fires.length)
    }
    if (name === 'b') ctx.setTimer('b', 7)
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    this.got++
    // More names than a node's short list holds, so the per-node index is exercised too.
    ctx.setTimer(`m${(payload as number) % 11}`, 1 + (this.got % 3))
    if (ctx.random() < 0.3) ctx.cancelTimer(`m${this.got % 11}`)
  }
}

type Nodes = { readonly n1: Busy; readonly n2: Busy }

const factory = (): Nodes => ({ n1: new Busy('n2'), n2: new Busy('n1') })

const world = (n: Nodes) => ({
  ids: [n.n1.id, n.n2.id],
  fires: [n.n1.fires.join(' '), n.n2.fires.join(' ')],
  got: [n.n1.got, n.n2.got],
})

type World = ReturnType<typeof world>

const base: Omit<SimulateOptions<Nodes, World>, 'seeds'> = {
  snapshot: world,
  network: new NetworkModel({ loss: 0.2, duplicate: 0.1, minLatency: 1, maxLatency: 4 }),
  faults: [crash('n2', { at: 12, restartAt: 20 })],
  maxTime: 50,
}

describe('a sweep reuses its world from seed to seed', () => {
  it('ends every seed in the world the seed reaches alone', () => {
    const seeds = Array.from({ length: 60 }, (_, i) => i)
    const alone = new Map<number, World>()
    for (const seed of seeds) {
      const run = simulateSeed(factory, base, seed)
      expect(run.ok).toBe(true)
      alone.set(run.world.ids[0]!, run.world)
    }
    // Some seeds must end with timers still queued and some with a crash mid-flight, or the
    // test would not reach what it is about.
    const worlds = [...alone.values()]
    expect(worlds.some((w) => w.fires.some((f) => f.includes('m')))).toBe(true)
    expect(new Set(worlds.map((w) => w.fires.join('|'))).size).toBeGreaterThan(10)

    let compared = 0
    const report = simulate(factory, {
      ...base,
      seeds,
      goal: (w) => {
        compared++
        const expected = alone.get(w.ids[0]!)
        return expected !== undefined && JSON.stringify(w) === JSON.stringify(expected)
      },
    })
    expect(report.failure?.detail).toBeUndefined()
    expect(report.ok).toBe(true)
    expect(compared).toBe(seeds.length)
  })
})

describe('a world reused after failures, replays and minimiser runs', () => {
  // n1's received count may rise one at a time up to 6: a seed whose n1 gets more breaks
  // refinement, so the seeds below mix passing and failing runs.
  const model = defineModel<{ got: number }>({
    name: 'few',
    init: { got: 0 },
    actions: [
      action(
        'inc',
        (s) => s.got < 6,
        (s) => ({ got: s.got + 1 }),
      ),
    ],
  })
  const sim = compileSimulation(factory, {
    ...base,
    seeds: [0],
    faults: [
      crash('n2', { at: 12, restartAt: 20 }),
      partition([['n1'], ['n2']], { from: 8, until: 25 }),
      // No restart: a seed that gets here ends with n1 down, which the next must not inherit.
      crash('n1', { at: 35 }),
    ],
    network: new NetworkModel({
      loss: 0.2,
      duplicate: 0.15,
      minLatency: 1,
      maxLatency: 4,
      mutate: (_src, _dst, payload, random) => (random() < 0.1 ? 99 : payload),
    }),
    model,
    abstraction: (w: World) => ({ got: w.got[0]! }),
  } as SimulateOptions<Nodes, World, { got: number }>)
  /** Everything a run shows: how it ended, its failure, its world, its trace and its choices. */
  const shown = (
    w: SimWorld<Nodes, World, { got: number }>,
    script?: ReturnType<typeof compileChoices>,
    seed = 0,
  ) => {
    const out = w.run(seed, script, true)
    return JSON.stringify([out.end, out.failure, out.steps, out.world, w.trace(), w.choices()])
  }
  const alone = (seed: number, script?: ReturnType<typeof compileChoices>) =>
    shown(new SimWorld(sim), script, seed)

  it('runs every seed, plain or scripted, as a fresh world runs it', () => {
    const reused = new SimWorld(sim)
    const kinds = new Set<string>()
    for (let seed = 0; seed < 40; seed++) {
      // What a sweep does (count only), then a failing seed's recorded replay, then a
      // minimiser's run: half the choices, cut at a horizon.
      reused.play(seed)
      kinds.add(reused.failure?.kind ?? 'ok')
      expect(shown(reused, undefined, seed)).toBe(alone(seed))
      const c = reused.choices()
      const script = compileChoices(
        {
          ...c,
          faults: c.faults.filter((f) => f !== 0),
          losses: c.losses.filter((_, i) => i % 2 === 0),
          until: 20 + (seed % 20),
        },
        sim.names,
        sim.faults.length,
      )
      expect(shown(reused, script, seed)).toBe(alone(seed, script))
    }
    // Passing and failing seeds both, or the test would not reach what it is about.
    expect([...kinds].sort()).toEqual(['ok', 'refinement'])
  })
})
