import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  BaseNode,
  type Context,
  NetworkModel,
  simulate,
  simulateSeed,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  caughtUp,
  lossyLink,
  routeNodes,
  routeSnapshot,
  simulateRouteDelivery,
} from '../../../../examples/reconciliation-under-loss/reconciliation-under-loss.ts'

const options = { snapshot: routeSnapshot, network: lossyLink, goal: caughtUp }

describe('determinism: a run is a pure function of its seed', () => {
  it('gives the same trace digest when a seed is run twice in one process', () => {
    for (const seed of [0, 1, 7, 123456]) {
      const a = simulateSeed(routeNodes(true), options, seed)
      const b = simulateSeed(routeNodes(true), options, seed)
      expect(a.trace.length).toBeGreaterThan(3)
      expect(traceDigest(b.trace)).toBe(traceDigest(a.trace))
      expect(b.trace).toEqual(a.trace)
    }
  })

  it('gives the same trace digest in a second process', () => {
    const child = fileURLToPath(new URL('./fixtures/digest-child.ts', import.meta.url))
    for (const seed of [3, 7]) {
      const out = execFileSync(
        process.execPath,
        ['--conditions=@musil/source', '--import', 'tsx', child, String(seed)],
        // Generous: a child that loads tsx takes seconds on a loaded 2-core machine.
        { encoding: 'utf8', timeout: 60_000 },
      ).trim()
      const here = simulateSeed(routeNodes(true), options, seed)
      expect(out).toBe(`${traceDigest(here.trace)} ${here.trace.length}`)
    }
  }, 120_000)

  it('gives different seeds different runs', () => {
    const digests = new Set(
      [0, 1, 2, 3, 4, 5, 6, 7].map((s) =>
        traceDigest(simulateSeed(routeNodes(true), options, s).trace),
      ),
    )
    expect(digests.size).toBeGreaterThan(4)
  })

  it('replays the first failing seed of a sweep bit for bit with seeds: [seed]', () => {
    const sweep = simulateRouteDelivery(false)
    expect(sweep.ok).toBe(false)
    const seed = sweep.failure!.seed
    const replay = simulateRouteDelivery(false, [seed])
    expect(replay.runs).toBe(1)
    expect(replay.failure?.kind).toBe('goal')
    expect(traceDigest(replay.failure!.trace)).toBe(traceDigest(sweep.failure!.trace))
    expect(replay.failure!.world).toEqual(sweep.failure!.world)
  })

  it('keeps substreams independent: node randomness does not shift network latencies', () => {
    // Same world twice; in the second, the agent draws from ctx.random() on every message. The
    // network substream must not notice: every delivery happens at the same time.
    class Chatty extends BaseNode {
      override onStart(ctx: Context): void {
        for (let i = 0; i < 5; i++) ctx.send('peer', i)
      }
    }
    const peer = (draw: boolean) =>
      class Peer extends BaseNode {
        seen: number[] = []
        override onMessage(ctx: Context, _src: string, payload: unknown): void {
          if (draw) ctx.random()
          this.seen.push(payload as number)
        }
      }
    const net = new NetworkModel({ minLatency: 1, maxLatency: 20 })
    const deliveries = (draw: boolean) =>
      simulateSeed(
        () => ({ chatty: new Chatty(), peer: new (peer(draw))() }),
        { snapshot: (n) => n.peer.seen, network: net },
        42,
      ).trace.filter((e) => e.kind === 'deliver')
    expect(deliveries(true)).toEqual(deliveries(false))
  })

  it('draws exactly one latency per send, even for a lost message', () => {
    // With and without loss, the surviving messages arrive at the same times: a loss never
    // shifts the latency of a later message.
    class Burst extends BaseNode {
      override onStart(ctx: Context): void {
        for (let i = 0; i < 20; i++) ctx.send('sink', i)
      }
    }
    class Sink extends BaseNode {}
    const arrivals = (loss: number) =>
      simulateSeed(
        () => ({ burst: new Burst(), sink: new Sink() }),
        {
          snapshot: () => null,
          network: new NetworkModel({ loss, minLatency: 1, maxLatency: 50 }),
        },
        9,
      ).trace.filter((e) => e.kind === 'deliver')
    const lossy = arrivals(0.5)
    const reliable = new Map(arrivals(0).map((e) => [e.payload, e.t]))
    expect(lossy.length).toBeGreaterThan(0)
    expect(lossy.length).toBeLessThan(20)
    for (const e of lossy) expect(e.t).toBe(reliable.get(e.payload))
  })

  it('does not depend on what ran before in the same process', () => {
    const before = simulate(routeNodes(true), { ...options, seeds: [5] })
    simulate(routeNodes(false), { ...options, seeds: 50 })
    const after = simulate(routeNodes(true), { ...options, seeds: [5] })
    expect(after).toMatchObject({ ok: true, runs: 1, stats: { steps: before.stats.steps } })
  })
})
