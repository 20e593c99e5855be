import {
  BaseNode,
  type Context,
  causalSlice,
  crash,
  formatSimTrace,
  NetworkModel,
  partition,
  simulate,
  simulateSeed,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { ddmin } from '../../src/sim/minimize.ts'

/**
 * Fire-and-forget route push (the bug: one lost push and the agent never catches up), next to
 * unrelated chatter between two gossiping nodes and unrelated faults. The failure depends only
 * on the lost push; everything else is noise the minimiser must strip.
 */
class ControlPlane extends BaseNode {
  override onStart(ctx: Context): void {
    ctx.send('agent', 1)
  }
}
class Agent extends BaseNode {
  applied = 0
  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    this.applied = payload as number
  }
}
class Gossip extends BaseNode {
  readonly peer: string
  constructor(peer: string) {
    super()
    this.peer = peer
  }
  rounds = 0
  override onStart(ctx: Context): void {
    ctx.setTimer('gossip', 1)
  }
  override onTimer(ctx: Context): void {
    if (++this.rounds <= 8) {
      ctx.send(this.peer, this.rounds)
      ctx.setTimer('gossip', 3)
    }
  }
  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (typeof payload === 'number') ctx.send(src, `ack ${payload}`)
  }
}

const world = () => ({
  cp: new ControlPlane(),
  agent: new Agent(),
  g1: new Gossip('g2'),
  g2: new Gossip('g1'),
})
const options = {
  snapshot: (n: ReturnType<typeof world>) => ({ applied: n.agent.applied }),
  network: new NetworkModel({ loss: 0.3, duplicate: 0.2, minLatency: 1, maxLatency: 4 }),
  faults: [
    crash('g2', { at: 9, restartAt: 14 }),
    partition([['g1'], ['g2']], { from: 16, until: 20 }),
  ],
  goal: (w: { applied: number }) => w.applied === 1,
  goalName: 'agent caught up',
}

describe('shortest failing trace', () => {
  const report = simulate(world, { ...options, seeds: 200 })
  const f = report.failure!

  it('reports the minimised trace next to the original length', () => {
    expect(f).toMatchObject({ kind: 'goal', name: 'agent caught up', focus: ['agent'] })
    expect(f.originalLength).toBe(f.trace.length)
    expect(f.originalLength).toBe(113) // quoted in docs/concepts/simulation.md
    expect(f.minimized).toHaveLength(4)
    expect(f.minimizeRuns).toBeGreaterThan(0)
  })

  it('keeps the cause and strips the noise: faults, deliveries, timers and nodes it does not need', () => {
    // The whole story: the one push was lost. The gossip pair, its faults and its timers are
    // outside the agent's causal past.
    expect(formatSimTrace(f.minimized)).toBe(
      [
        't=0  start  cp',
        't=0  send   cp -> agent  1  (msg #0)',
        't=0  drop   cp -> agent  1  (msg #0 lost in transit)',
        't=0  start  agent',
      ].join('\n'),
    )
    expect(f.choices).toEqual({
      faults: [],
      losses: [{ src: 'cp', dst: 'agent', n: 0 }],
      duplicates: [],
      corruptions: [],
    })
  })

  it('replays the minimised choice set: the same check fails again, with the same trace', () => {
    const replay = simulateSeed(world, options, f.seed, f.choices)
    expect(replay.ok).toBe(false)
    expect(replay.failure).toMatchObject({ kind: f.kind, name: f.name })
    // Only the push is lost now: the gossip pair talks undisturbed, outside the slice.
    expect(replay.trace.filter((e) => e.kind === 'drop')).toHaveLength(1)
    expect(traceDigest(causalSlice(replay.trace, f.focus))).toBe(traceDigest(f.minimized))
  })

  it('replays the original run from its seed alone, with all the faults the minimiser dropped', () => {
    const replay = simulateSeed(world, options, f.seed)
    expect(traceDigest(replay.trace)).toBe(traceDigest(f.trace))
    const original = replay.choices
    expect(original.faults).toEqual([0, 1])
    expect(original.losses.length).toBeGreaterThan(1)
    expect(original.duplicates.length).toBeGreaterThan(0)
  })

  it('never returns a trace longer than the original', () => {
    // A safety failure whose cause is a message that must arrive: losing it cannot help, and
    // there is nothing to strip but the chatter.
    const safety = simulate(world, {
      ...options,
      seeds: 200,
      goal: undefined,
      invariants: { neverApplied: (w) => w.applied === 0 },
    })
    const s = safety.failure!
    expect(s).toMatchObject({ kind: 'safety', name: 'neverApplied' })
    expect(s.minimized.length).toBeLessThanOrEqual(s.originalLength)
    expect(s.minimized).toContainEqual(
      expect.objectContaining({ kind: 'deliver', src: 'cp', dst: 'agent' }),
    )
    const replay = simulateSeed(
      world,
      { ...options, goal: undefined, invariants: { neverApplied: (w) => w.applied === 0 } },
      s.seed,
      s.choices,
    )
    expect(replay.failure).toMatchObject({ kind: 'safety', name: 'neverApplied' })
  })

  it('can be turned off', () => {
    const r = simulate(world, { ...options, seeds: [f.seed], minimize: false })
    expect(r.failure!.minimized).toEqual(causalSlice(r.failure!.trace, r.failure!.focus))
    expect(r.failure!.minimizeRuns).toBe(0)
  })
})

describe('ddmin', () => {
  const budget = () => true

  it('finds the one item to blame', () => {
    const items = Array.from({ length: 64 }, (_, i) => i)
    let tests = 0
    const found = ddmin(
      items,
      (xs) => {
        tests++
        return xs.includes(37)
      },
      budget,
    )
    expect(found).toEqual([37])
    expect(tests).toBeLessThan(20)
  })

  it('finds a 1-minimal pair', () => {
    const items = Array.from({ length: 20 }, (_, i) => i)
    expect(ddmin(items, (xs) => xs.includes(3) && xs.includes(17), budget)).toEqual([3, 17])
  })

  it('returns the empty set when nothing is needed', () => {
    expect(ddmin([1, 2, 3], () => true, budget)).toEqual([])
  })

  it('stops on its budget', () => {
    let tests = 0
    const found = ddmin(
      Array.from({ length: 100 }, (_, i) => i),
      (xs) => xs.includes(5) && xs.includes(95),
      () => tests++ < 3,
    )
    expect(found.length).toBeGreaterThan(2)
  })
})
