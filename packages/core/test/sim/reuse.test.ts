/**
 * A sweep reuses one world from seed to seed: its queue and event records, its timer slots, its
 * per-link counters, its contexts. None of it may carry over: every seed of a sweep must end in
 * exactly the world the same seed reaches alone (`simulateSeed` builds a fresh world).
 */
import {
  BaseNode,
  type Context,
  crash,
  NetworkModel,
  type SimulateOptions,
  simulate,
  simulateSeed,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

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
