import { readFileSync } from 'node:fs'
import { formatSimTrace, simulate, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  caughtUp,
  routeNodes,
  routeSnapshot,
} from '../reconciliation-under-loss/reconciliation-under-loss.ts'
import { simulateColdRestart, simulatePartitionedPush, splitFor } from './partition-and-heal.ts'

describe('partition and heal: a sustained partition', () => {
  it('wedges fire-and-forget: the only push dies in the partition and nothing re-sends it', () => {
    const r = simulatePartitionedPush(false)
    expect(r).toMatchObject({
      ok: false,
      runs: 1,
      failure: { kind: 'goal', seed: 0, world: { applied: 0 } },
    })
    expect(r.failure!.detail).toContain('the run settled (no events left) at t=50')
    expect(r.failure!.minimized.map((e) => e.kind)).toEqual([
      'start',
      'send',
      'start',
      'partition',
      'drop',
      'heal',
    ])
    expect(r.failure!.minimized[4]!.detail).toBe('msg #0 cp and agent are partitioned')
  })

  it('is what the partition alone does: without it, fire-and-forget converges on a reliable network', () => {
    const r = simulate(routeNodes(false), { seeds: 50, snapshot: routeSnapshot, goal: caughtUp })
    expect(r.ok).toBe(true)
  })

  it('re-push converges once the partition heals, refining the model on every seed', () => {
    const r = simulatePartitionedPush(true)
    expect(r).toMatchObject({ ok: true, runs: 100 })
  })

  it('re-push converges whatever the partition length', () => {
    for (const ms of [1, 10, 500, 5000]) {
      const r = simulate(routeNodes(true), {
        seeds: 20,
        snapshot: routeSnapshot,
        faults: splitFor(ms),
        goal: caughtUp,
      })
      expect(r.ok).toBe(true)
    }
  })
})

describe('partition and heal: a cold restart', () => {
  it('a store that acks before persisting loses acked writes (safety)', () => {
    const r = simulateColdRestart({ durable: false, retry: true })
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'ackedWritesSurvive', time: 20 })
    expect(f.world).toMatchObject({ acked: ['a', 'b'], stored: [] })
    expect(f.minimized.at(-1)).toMatchObject({ kind: 'restart', node: 'store' })
  })

  it('a durable store still misses a write sent while it was down, when nobody re-sends it', () => {
    const r = simulateColdRestart({ durable: true, retry: false })
    const f = r.failure!
    expect(f).toMatchObject({
      kind: 'goal',
      name: 'every write stored',
      world: { stored: ['a', 'b'] },
    })
    expect(formatSimTrace(f.minimized)).toContain(
      'drop     writer -> store  {put: "c"}  (msg #4 store is crashed)',
    )
    expect(
      traceDigest(simulateColdRestart({ durable: true, retry: false }, [f.seed]).failure!.trace),
    ).toBe(traceDigest(f.trace))
  })

  it('a durable store and a client that retries un-acked writes lose nothing', () => {
    const r = simulateColdRestart({ durable: true, retry: true })
    expect(r).toMatchObject({ ok: true, runs: 200, stats: { unsettled: 0 } })
  })
})

describe('the page', () => {
  it('quotes what musil prints', () => {
    const page = readFileSync(
      new URL('../../docs/examples/partition-and-heal.md', import.meta.url),
      'utf8',
    )
    const headline = (f: { kind: string; seed: number; minimizedDetail: string }) =>
      `${f.kind} on seed ${f.seed}: ${f.minimizedDetail}`
    const wedged = simulatePartitionedPush(false).failure!
    expect(page).toContain(`${headline(wedged)}\n\n${formatSimTrace(wedged.minimized)}\n`)
    expect(page).toContain(headline(simulateColdRestart({ durable: false, retry: false }).failure!))
    const unretried = simulateColdRestart({ durable: true, retry: false }).failure!
    expect(page).toContain(headline(unretried))
    expect(page).toContain(formatSimTrace(unretried.minimized).split('\n').slice(-5).join('\n'))
  })
})
