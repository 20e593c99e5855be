import { readFileSync } from 'node:fs'
import { formatSimTrace, NetworkModel, simulate, simulateSeed, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  Client,
  clientInvariants,
  EXPECTED,
  HonestService,
  lyingService,
  simulateGarbledReplies,
  simulateLyingService,
} from './byzantine-service.ts'

describe('the Byzantine service: wrong answers', () => {
  it('a client that trusts every answer accepts a lie (safety)', () => {
    const r = simulateLyingService(false)
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'onlyCorrectAnswers', world: { accepted: -1 } })
    expect(formatSimTrace(f.minimized).split('\n').at(-1)).toBe(
      't=2  deliver  service -> client  {value: -1, check: 974745562}  (msg #1)',
    )
    expect(traceDigest(simulateLyingService(false, [f.seed]).failure!.trace)).toBe(
      traceDigest(f.trace),
    )
  })

  it('a client that validates and asks again gets the right answer on every seed', () => {
    const r = simulateLyingService(true)
    expect(r).toMatchObject({ ok: true, runs: 200 })
  })

  it('the liar really lies: validating clients had to reject answers on many seeds', () => {
    const rejected = Array.from(
      { length: 50 },
      (_, seed) =>
        simulateSeed(
          () => ({ client: new Client({ validate: true }), service: lyingService(0.3) }),
          { snapshot: (n) => n.client.rejected },
          seed,
        ).world,
    )
    expect(rejected.filter((r) => r > 0).length).toBeGreaterThan(5)
  })
})

describe('the Byzantine service: wire corruption', () => {
  it('an honest service on a clean network is fine even for the trusting client', () => {
    const r = simulate(
      () => ({ client: new Client({ validate: false }), service: new HonestService() }),
      {
        seeds: 50,
        snapshot: (n) => ({
          accepted: n.client.accepted,
          rejected: n.client.rejected,
          broken: n.client.broken,
        }),
        network: new NetworkModel({ minLatency: 1, maxLatency: 4 }),
        invariants: clientInvariants,
        goal: (w) => w.accepted === EXPECTED,
      },
    )
    expect(r.ok).toBe(true)
  })

  it('garbled replies break the trusting client, and the corruption is in the minimised trace', () => {
    const r = simulateGarbledReplies(false)
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'neverBroken', world: { broken: true } })
    expect(f.minimized).toContainEqual(
      expect.objectContaining({ kind: 'corrupt', src: 'service', dst: 'client' }),
    )
    expect(f.choices.corruptions).toEqual([{ src: 'service', dst: 'client', n: 0 }])
  })

  it('the validating client rejects garbled replies and converges on every seed', () => {
    const r = simulateGarbledReplies(true)
    expect(r).toMatchObject({ ok: true, runs: 200 })
  })
})

describe('the page', () => {
  it('quotes what musil prints', () => {
    const page = readFileSync(
      new URL('../../docs/examples/byzantine-service.md', import.meta.url),
      'utf8',
    )
    const lie = simulateLyingService(false).failure!
    expect(page).toContain(
      `${lie.kind} on seed ${lie.seed}: ${lie.minimizedDetail}\n\n${formatSimTrace(lie.minimized)}\n`,
    )
    const garbled = simulateGarbledReplies(false).failure!
    expect(page).toContain(
      `${garbled.kind} on seed ${garbled.seed}: ${garbled.minimizedDetail.split('; world')[0]}; ...`,
    )
    expect(page).toContain(formatSimTrace(garbled.minimized).split('\n').slice(-3).join('\n'))
  })
})
