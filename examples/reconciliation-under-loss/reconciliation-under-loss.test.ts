import { readFileSync } from 'node:fs'
import { check, checkLiveness, formatSimTrace, simulateSeed, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  caughtUp,
  lossyLink,
  routeNodes,
  routeSnapshot,
  routesModel,
  simulateRouteDelivery,
} from './reconciliation-under-loss.ts'

describe('reconciliation under loss', () => {
  it('design: the model is safe (no stale or invented version, no deadlock)', () => {
    const r = check(routesModel())
    expect(r).toMatchObject({ ok: true, stats: { distinct: 2 } })
  })

  it('design: it converges when delivery is fair, and only then', () => {
    const goal = { goal: caughtUp, goalName: 'applied==desired', everywhere: true }
    expect(checkLiveness(routesModel(), { ...goal, fair: ['deliver'] }).ok).toBe(true)
    expect(checkLiveness(routesModel(), goal).ok).toBe(false)
  })

  it('model the error: fire-and-forget misses its goal on a seed that replays identically', () => {
    const r = simulateRouteDelivery(false)
    expect(r.ok).toBe(false)
    const f = r.failure!
    expect(f).toMatchObject({
      kind: 'goal',
      name: 'applied==desired',
      world: { desired: 1, applied: 0 },
    })
    const replay = simulateRouteDelivery(false, [f.seed])
    expect(traceDigest(replay.failure!.trace)).toBe(traceDigest(f.trace))
    // The shortest story: the one push was lost, and nothing ever re-sent it.
    expect(formatSimTrace(f.minimized)).toBe(
      [
        't=0  start  cp',
        't=0  send   cp -> agent  1  (msg #0)',
        't=0  drop   cp -> agent  1  (msg #0 lost in transit)',
        't=0  start  agent',
      ].join('\n'),
    )
    expect(f.choices.losses).toEqual([{ src: 'cp', dst: 'agent', n: 0 }])
  })

  it('prevent: per-tick re-push converges and refines the model on 300 seeds', () => {
    const r = simulateRouteDelivery(true)
    expect(r).toMatchObject({ ok: true, runs: 300 })
  })

  it('guard: a re-push run delivers, acks and stops re-pushing', () => {
    const run = simulateSeed(
      routeNodes(true),
      { snapshot: routeSnapshot, network: lossyLink, goal: caughtUp },
      0,
    )
    expect(run).toMatchObject({ ok: true, end: 'settled', world: { desired: 1, applied: 1 } })
    expect(
      run.trace.filter((e) => e.kind === 'deliver' && e.payload === 'ack').length,
    ).toBeGreaterThan(0)
  })
})

describe('the page', () => {
  it('quotes what musil prints', () => {
    const page = readFileSync(
      new URL('../../docs/examples/reconciliation-under-loss.md', import.meta.url),
      'utf8',
    )
    const f = simulateRouteDelivery(false).failure!
    expect(page).toContain(`${f.kind} on seed ${f.seed}: ${f.minimizedDetail}`)
    expect(page).toContain(`\`\`\`text\n${formatSimTrace(f.minimized)}\n\`\`\``)
    expect(page).toContain(
      `ok: true, runs: 300   (${simulateRouteDelivery(true).stats.steps.toLocaleString('en-US')} steps`,
    )
  })
})
