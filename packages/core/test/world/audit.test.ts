import { execFileSync } from 'node:child_process'
import * as nodeCrypto from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as workerThreads from 'node:worker_threads'
import {
  BoundaryError,
  EntropyLeakError,
  explore,
  MusilError,
  replay,
  type World,
} from '@musil/core'
import { NO_CHECKS } from '@musil/core/internal'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const cjsCrypto = require('node:crypto') as typeof nodeCrypto
const cjsWorkerThreads = require('node:worker_threads') as typeof workerThreads

/** Every source audit mode guards: how to reach it, and the error it must raise. */
const sources: [string, () => unknown, 'EntropyLeakError' | 'BoundaryError'][] = [
  ['Date.now()', () => Date.now(), 'EntropyLeakError'],
  ['new Date()', () => new Date(), 'EntropyLeakError'],
  ['Date()', () => (Date as unknown as () => string)(), 'EntropyLeakError'],
  ['performance.now()', () => performance.now(), 'EntropyLeakError'],
  ['process.hrtime()', () => process.hrtime(), 'EntropyLeakError'],
  ['process.hrtime.bigint()', () => process.hrtime.bigint(), 'EntropyLeakError'],
  ['process.uptime()', () => process.uptime(), 'EntropyLeakError'],
  ['Math.random()', () => Math.random(), 'EntropyLeakError'],
  ['crypto.getRandomValues()', () => crypto.getRandomValues(new Uint8Array(4)), 'EntropyLeakError'],
  ['crypto.randomUUID()', () => crypto.randomUUID(), 'EntropyLeakError'],
  ['crypto.randomUUID()', () => nodeCrypto.randomUUID(), 'EntropyLeakError'],
  ['crypto.randomBytes()', () => nodeCrypto.randomBytes(8), 'EntropyLeakError'],
  ['crypto.randomInt()', () => nodeCrypto.randomInt(10), 'EntropyLeakError'],
  ['setTimeout()', () => setTimeout(() => {}, 1), 'BoundaryError'],
  ['setInterval()', () => setInterval(() => {}, 1), 'BoundaryError'],
  ['setImmediate()', () => setImmediate(() => {}), 'BoundaryError'],
  [
    'new Worker()',
    () => new workerThreads.Worker('process.exit(0)', { eval: true }),
    'BoundaryError',
  ],
  [
    'new Worker()',
    () => new cjsWorkerThreads.Worker('process.exit(0)', { eval: true }),
    'BoundaryError',
  ],
]

describe('audit mode', () => {
  it.each(sources)(
    'trips on %s inside a run, even when the code catches the error',
    async (source, call, errorName) => {
      let caught: unknown
      const report = await explore(
        async (world) => {
          world.spawn('culprit', async () => {
            await world.sleep(3)
            try {
              call()
            } catch (e) {
              caught = e
            }
          })
          await world.sleep(10)
        },
        { seeds: 1, audit: true },
      )
      expect(MusilError.is(caught)).toBe(true)
      expect((caught as Error).name).toBe(errorName)
      expect((caught as BoundaryError).source).toBe(source)
      expect(caught).toBeInstanceOf(
        errorName === 'EntropyLeakError' ? EntropyLeakError : BoundaryError,
      )
      expect(report.ok).toBe(false)
      expect(report.failure?.kind).toBe('error')
      expect(report.failure?.detail).toMatch(
        new RegExp(`^task "culprit": ${errorName}: ${source.replace(/[().]/g, '\\$&')}`),
      )
      expect(report.failure?.time).toBe(3)
    },
  )

  it("allows new Date(x) and the world's own clock and randomness", async () => {
    const report = await explore(
      async (world) => {
        const d = new Date(world.now())
        world.record([d.getTime(), world.rng.int(1, 6)])
        await world.sleep(5)
        world.record(new Date(2020, 0, 1).getFullYear())
      },
      { seeds: 3, audit: true },
    )
    expect(report).toEqual({ ok: true, runs: 3, checked: NO_CHECKS })
  })

  it("trips in an invariant too: predicates run in the run's context", async () => {
    const report = await explore(
      async (world) => {
        world.always(() => Date.now() > 0, 'clockIsPositive')
        await world.sleep(1)
      },
      { seeds: 1, audit: true },
    )
    expect(report.failure?.detail).toMatch(
      /^invariant "clockIsPositive": EntropyLeakError: Date\.now\(\)/,
    )
  })

  it('does not trip code outside the run, while the run is active', async () => {
    const before = originals()
    let resume!: () => void
    const gate = new Promise<void>((r) => {
      resume = r
    })
    const running = explore(
      async (world) => {
        await world.sleep(1)
        await gate
      },
      { seeds: 1, audit: true },
    )
    // explore() has installed the guards and started the scenario; this code is Vitest's, not the run's.
    expect(Date.now).not.toBe(before.dateNow)
    expect(() => [
      Date.now(),
      new Date(),
      performance.now(),
      Math.random(),
      crypto.randomUUID(),
    ]).not.toThrow()
    const timer = setTimeout(() => {}, 1)
    clearTimeout(timer)
    await new Promise<void>((r) => setImmediate(r))
    resume()
    const report = await running
    expect(report.ok).toBe(true)
  })

  it('restores every global to the identical function afterwards, even when the run fails', async () => {
    const before = originals()
    const failing = async (world: World): Promise<void> => {
      await world.sleep(1)
      Math.random()
    }
    expect((await explore(failing, { seeds: 1, audit: true })).ok).toBe(false)
    for (const [key, value] of Object.entries(originals()))
      expect(value, key).toBe(before[key as keyof typeof before])
    // A scenario that throws something unrelated, and a run outside audit mode, restore too.
    await explore(
      async () => {
        throw new Error('unrelated')
      },
      { seeds: 1, audit: true },
    )
    await explore(async (world) => world.sleep(1), { seeds: 2 })
    for (const [key, value] of Object.entries(originals()))
      expect(value, key).toBe(before[key as keyof typeof before])
    // And the restored functions work outside any run.
    expect(typeof Date.now()).toBe('number')
    expect(crypto.randomUUID()).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('restores everything when the sweep itself throws half-way (a bad seed)', async () => {
    const before = originals()
    const err = await explore(async (world) => world.sleep(1), {
      seeds: [0, 1, 'two' as never],
      audit: true,
    }).catch((e: unknown) => e)
    expect((err as Error).message).toBe(
      "explore(): seed 'two' is not a seed; seeds are non-negative safe integers",
    )
    for (const [key, value] of Object.entries(originals()))
      expect(value, key).toBe(before[key as keyof typeof before])
  })

  it('keeps restoring correctly when runs overlap', async () => {
    const before = originals()
    const run = (seed: number) => replay(async (world) => world.sleep(seed), { seed, audit: true })
    const reports = await Promise.all([run(1), run(2), run(3)])
    expect(reports.map((r) => r.ok)).toEqual([true, true, true])
    for (const [key, value] of Object.entries(originals()))
      expect(value, key).toBe(before[key as keyof typeof before])
  })
})

describe('the boundary guards and Node', () => {
  it("let Node's own setImmediate through when a task's nextTick callback throws and a listener handles it", () => {
    // Vitest listens for uncaught exceptions; Node then queues setImmediate(noop) in the
    // throwing task's async context. A guard that trips on it kills the process with a
    // BoundaryError about a timer instead of the user's error.
    const child = fileURLToPath(new URL('./fixtures/uncaught-in-task.ts', import.meta.url))
    const out = execFileSync(
      process.execPath,
      ['--conditions=@musil/source', '--import', 'tsx', child],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    expect(JSON.parse(out.trim())).toEqual({
      caught: ['thrown in a nextTick callback'],
      finished: 10,
    })
  }, 120_000)
})

describe('crypto randomness outside audit mode', () => {
  const draw = async (seed: number): Promise<unknown> => {
    const r = await replay(
      async (world) => {
        await world.sleep(1)
        world.record([
          Array.from(crypto.getRandomValues(new Uint8Array(6))),
          crypto.randomUUID(),
          nodeCrypto.randomUUID(),
          Array.from(nodeCrypto.randomBytes(4)),
          nodeCrypto.randomInt(5, 1000),
        ])
      },
      { seed },
    )
    expect(r.ok).toBe(true)
    return r.timeline.find((e) => e.kind === 'user')?.payload
  }

  it('is seeded from the run: same seed, same bytes; other seed, other bytes', async () => {
    const a = await draw(7)
    expect(await draw(7)).toEqual(a)
    expect(await draw(8)).not.toEqual(a)
    const [, uuid] = a as [number[], string]
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('leaves crypto random outside runs', () => {
    expect(crypto.randomUUID()).not.toBe(crypto.randomUUID())
  })
})

/** Every guarded global, as the code under test would reach it. */
function originals() {
  return {
    Date: globalThis.Date,
    dateNow: Date.now,
    performanceNow: performance.now,
    hrtime: process.hrtime,
    hrtimeBigint: process.hrtime.bigint,
    uptime: process.uptime,
    mathRandom: Math.random,
    crypto: globalThis.crypto,
    getRandomValues: globalThis.crypto.getRandomValues,
    randomUUID: globalThis.crypto.randomUUID,
    cryptoDescriptorGet: Object.getOwnPropertyDescriptor(globalThis, 'crypto')?.get,
    nodeRandomUUID: cjsCrypto.randomUUID,
    nodeRandomBytes: cjsCrypto.randomBytes,
    nodeRandomInt: cjsCrypto.randomInt,
    esmRandomUUID: nodeCrypto.randomUUID,
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    setImmediate: globalThis.setImmediate,
    Worker: cjsWorkerThreads.Worker,
    esmWorker: workerThreads.Worker,
  }
}
