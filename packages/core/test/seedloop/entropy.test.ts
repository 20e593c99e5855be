// seedloop tests/test_entropy.py: seeded substreams and seeded crypto randomness.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { RandomStream, replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { substreamSeed } from '../../src/random/stream.ts'
import { pingPong } from '../world/fixtures/ping-pong.ts'
import { recorded, seedloopTest } from './conformance.ts'

const require = createRequire(import.meta.url)
const nodeCrypto = require('node:crypto') as typeof import('node:crypto')

const draws = (stream: RandomStream, n = 5): number[] =>
  Array.from({ length: n }, () => stream.random())

/** Draws from both crypto faces inside a run, after a first step. */
const cryptoDraws: Scenario = async (world) => {
  await world.sleep(1)
  world.record([
    Array.from(nodeCrypto.randomBytes(16)),
    Array.from(crypto.getRandomValues(new Uint8Array(8))),
    crypto.randomUUID(),
    nodeCrypto.randomInt(1_000_000),
  ])
}

describe('seedloop tests/test_entropy.py', () => {
  seedloopTest('test_entropy::test_substream_is_deterministic', () => {
    expect(draws(new RandomStream(7, 'network'))).toEqual(draws(new RandomStream(7, 'network')))
    const a = new RandomStream(7, 'faults')
    const b = new RandomStream(7, 'faults')
    expect([a.int(1, 20), a.chance(0.5), a.pick(['x', 'y', 'z'])]).toEqual([
      b.int(1, 20),
      b.chance(0.5),
      b.pick(['x', 'y', 'z']),
    ])
  })

  seedloopTest('test_entropy::test_substreams_are_distinct', () => {
    expect(draws(new RandomStream(7, 'network'))).not.toEqual(draws(new RandomStream(7, 'faults')))
    expect(draws(new RandomStream(7, 'user'))).not.toEqual(draws(new RandomStream(7, 'csprng')))
  })

  seedloopTest('test_entropy::test_world_rng_is_the_user_substream_distinct_from_net', async () => {
    // world.rng must be the `user` substream, not the network's or the faults': mislabelling it
    // would correlate the user's draws with message latencies while every replay still passed.
    const report = await replay(
      async (world) => {
        world.record([world.rng.label, draws(world.rng)])
      },
      { seed: 7 },
    )
    const [[label, got]] = recorded(report.timeline) as [string, number[]][]
    expect(label).toBe('user')
    expect(got).toEqual(draws(new RandomStream(7, 'user')))
    expect(got).not.toEqual(draws(new RandomStream(7, 'network')))
    expect(got).not.toEqual(draws(new RandomStream(7, 'faults')))
  })

  seedloopTest('test_entropy::test_substreams_are_independent', () => {
    // Drawing from one concern's stream never shifts another's: each is derived on its own.
    const baseline = draws(new RandomStream(7, 'faults'))
    const network = new RandomStream(7, 'network')
    for (let i = 0; i < 100; i++) network.random()
    expect(draws(new RandomStream(7, 'faults'))).toEqual(baseline)
    // And inside a run: a scenario that sends more messages draws the same user values.
    const userDraws =
      (messages: number): Scenario =>
      async (world) => {
        const a = world.net.bind('a')
        world.net.bind('b')
        for (let i = 0; i < messages; i++) a.send('b', i)
        world.record(draws(world.rng, 3))
      }
    return Promise.all([
      replay(userDraws(0), { seed: 7 }),
      replay(userDraws(50), { seed: 7 }),
    ]).then(([quiet, busy]) => expect(recorded(busy.timeline)).toEqual(recorded(quiet.timeline)))
  })

  seedloopTest('test_entropy::test_substream_changes_with_seed', () => {
    expect(new RandomStream(1, 'network').random()).not.toBe(
      new RandomStream(2, 'network').random(),
    )
  })

  seedloopTest('test_entropy::test_substream_accepts_any_int_seed', () => {
    const safe = [-1, 0, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
    const firsts = safe.map((seed) => new RandomStream(seed, 'network').random())
    for (const x of firsts) expect(x >= 0 && x < 1).toBe(true)
    expect(new Set(firsts).size).toBe(safe.length)
    // 2^70 as a number is also 2^70 + 1: refused rather than aliased.
    for (const seed of [2 ** 70, -(2 ** 70), 1.5, Number.NaN])
      expect(() => new RandomStream(seed, 'network')).toThrow(RangeError)
  })

  seedloopTest('test_entropy::test_shim_controls_os_urandom', async () => {
    const a = await replay(cryptoDraws, { seed: 42 })
    const b = await replay(cryptoDraws, { seed: 42 })
    const [[bytes]] = recorded(a.timeline) as [number[]][]
    expect(bytes).toHaveLength(16)
    expect(recorded(b.timeline)).toEqual(recorded(a.timeline))
    expect(recorded((await replay(cryptoDraws, { seed: 43 })).timeline)).not.toEqual(
      recorded(a.timeline),
    )
  })

  seedloopTest('test_entropy::test_shim_controls_secrets_via_random_alias', async () => {
    // The second path to the same entropy (Web Crypto, as `secrets` is in Python) is seeded too.
    const uuids = async (seed: number) =>
      (recorded((await replay(cryptoDraws, { seed })).timeline)[0] as unknown[]).slice(1)
    expect(await uuids(99)).toEqual(await uuids(99))
    const [values, uuid] = (await uuids(99)) as [number[], string]
    expect(values).toHaveLength(8)
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  seedloopTest('test_entropy::test_shim_restores_originals_on_normal_exit', async () => {
    const before = [
      nodeCrypto.randomBytes,
      globalThis.crypto,
      Object.getOwnPropertyDescriptor(globalThis, 'crypto')?.get,
    ]
    expect((await replay(cryptoDraws, { seed: 1 })).ok).toBe(true)
    const after = [
      nodeCrypto.randomBytes,
      globalThis.crypto,
      Object.getOwnPropertyDescriptor(globalThis, 'crypto')?.get,
    ]
    for (let i = 0; i < before.length; i++) expect(after[i]).toBe(before[i])
    // Outside the run the bytes are real again, not the seed's.
    expect(crypto.randomUUID()).not.toBe(crypto.randomUUID())
  })

  seedloopTest('test_entropy::test_shim_restores_originals_even_on_error', async () => {
    const before = [nodeCrypto.randomBytes, globalThis.crypto]
    const report = await replay(
      async () => {
        nodeCrypto.randomBytes(4)
        throw new Error('boom')
      },
      { seed: 1 },
    )
    expect(report.failure?.detail).toBe('the scenario threw Error: boom')
    expect([nodeCrypto.randomBytes, globalThis.crypto]).toEqual(before)
    expect(nodeCrypto.randomBytes).toBe(before[0])
  })

  seedloopTest('test_entropy::test_shim_zero_length', async () => {
    const report = await replay(
      async (world) => {
        world.record([
          nodeCrypto.randomBytes(0).length,
          crypto.getRandomValues(new Uint8Array(0)).length,
        ])
      },
      { seed: 1 },
    )
    expect(recorded(report.timeline)).toEqual([[0, 0]])
  })

  seedloopTest('test_entropy::test_hash_seed_for_is_deterministic_and_in_range', () => {
    expect(substreamSeed(123, 'user')).toBe(substreamSeed(123, 'user'))
    expect(substreamSeed(123, 'user')).not.toBe(substreamSeed(124, 'user'))
    expect(substreamSeed(123, 'user')).not.toBe(substreamSeed(123, 'network'))
    const s = substreamSeed(123, 'user')
    expect(Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31).toBe(true)
  })

  seedloopTest('test_entropy::test_ensure_hash_seed_already_pinned_is_noop', () => {
    // Iteration order is insertion order, whatever the keys hash to: nothing to pin.
    const keys = ['zeta', 'alpha', 'mu', '10', 'beta', '2']
    expect([...new Set(keys)]).toEqual(keys)
    expect([...new Map(keys.map((k) => [k, 0])).keys()]).toEqual(keys)
  })

  seedloopTest(
    'test_entropy::test_launcher_pins_hash_order_deterministically',
    async () => {
      const seed = 20260706
      const here = await replay(pingPong, { seed })
      const inWorker = await new Promise<{ digest: string }>((resolve, reject) => {
        const worker = new Worker(
          fileURLToPath(new URL('../world/fixtures/worker-entry.mjs', import.meta.url)),
          { workerData: { seed }, execArgv: ['--conditions=@musil/source'] },
        )
        worker.once('message', resolve)
        worker.once('error', reject)
      })
      expect(inWorker.digest).toBe(here.digest)
    },
    120_000,
  )
})
