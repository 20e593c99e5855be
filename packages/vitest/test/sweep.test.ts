// Seed sweeps over worker threads: thread-count independence, determinism across threads,
// sharding, dead workers and bad targets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { explore, replay, simulate, simulateSeed, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { SeedConfigError, SweepError } from '../src/index.ts'
import { projectModuleFormat } from '../src/sweep/esm-hooks.ts'
import { digestInWorker, sweep } from '../src/sweep/sweep.ts'
import { fireAndForget, lostUpdate, repush } from './targets/route-push.ts'

const module = new URL('./targets/route-push.ts', import.meta.url)
// Tests run from TypeScript sources: worker threads must resolve @musil/* to src as well.
const conditions = ['@musil/source']
const seedsOf = (r: { failingSeeds: readonly { seed: number }[] }): number[] =>
  r.failingSeeds.map((f) => f.seed)

/** The failing seeds of `fireAndForget` over 0..n-1, found in process with core's simulate. */
function failingInProcess(n: number): number[] {
  const out: number[] = []
  for (let s = 0; s < n; s++) {
    if (
      !simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [s], minimize: false }).ok
    )
      out.push(s)
  }
  return out
}

describe('sweep', () => {
  it('reports the same failing seeds on 1 thread and on 2 threads, whatever the chunk size', async () => {
    const one = await sweep({ module, export: 'fireAndForget', seeds: 300, threads: 1, conditions })
    const two = await sweep({
      module,
      export: 'fireAndForget',
      seeds: 300,
      threads: 2,
      chunkSize: 7,
      conditions,
    })
    expect(one.ok).toBe(false)
    expect(seedsOf(one).length).toBeGreaterThan(30)
    expect(seedsOf(two)).toEqual(seedsOf(one))
    expect(two.failingSeeds).toEqual(one.failingSeeds)
    // ... and they are exactly the seeds that fail in process.
    expect(seedsOf(one)).toEqual(failingInProcess(300))
    expect(one).toMatchObject({ runs: 300, total: 300, threads: 1 })
    expect(two).toMatchObject({ runs: 300, total: 300, threads: 2, chunks: Math.ceil(300 / 7) })
    // What the workers' runs checked, so the matchers can tell a pass from nothing checked.
    const checked = {
      invariants: ['noInvented'],
      goals: ['applied==desired'],
      refinement: false,
      linearizable: false,
    }
    expect([one.checked, two.checked]).toEqual([checked, checked])
  }, 60_000)

  it('reports the lowest failing seed in full, minimised, as soon as every lower seed has run', async () => {
    const announced: number[] = []
    const r = await sweep({
      module,
      export: 'fireAndForget',
      seeds: { from: 0, to: 200 },
      threads: 2,
      chunkSize: 10,
      conditions,
      onFirstFailure: (f) => announced.push(f.seed),
    })
    const lowest = seedsOf(r)[0]!
    expect(announced).toEqual([lowest])
    expect(r.failure).toMatchObject({
      kind: 'goal',
      seed: lowest,
      detail: expect.stringContaining('applied==desired'),
    })
    const inProcess = simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [lowest] })
    expect(r.failure).toEqual(inProcess.failure)
    expect(r.reported?.trace).toContain('drop')
    expect(r.reported?.mermaid.startsWith('sequenceDiagram')).toBe(true)
  }, 60_000)

  it('passes a target that converges on every seed', async () => {
    const r = await sweep({ module, export: 'repush', seeds: 100, threads: 2, conditions })
    expect(r).toMatchObject({ ok: true, runs: 100, failingSeeds: [] })
    expect(r.failure).toBeUndefined()
  }, 60_000)

  it('gives the same trace digest for a seed in a worker thread as in process (simulate and explore)', async () => {
    for (const seed of [0, 1, 17]) {
      const inProcess = traceDigest(
        simulateSeed(fireAndForget.factory, fireAndForget.options, seed).trace,
      )
      expect(await digestInWorker(module, 'fireAndForget', seed, conditions)).toBe(inProcess)
      const world = (await replay(lostUpdate.scenario, { seed })).digest
      expect(await digestInWorker(module, 'lostUpdate', seed, conditions)).toBe(world)
    }
    // Different seeds give different runs, so equal digests above mean something.
    const d0 = traceDigest(simulateSeed(fireAndForget.factory, fireAndForget.options, 0).trace)
    const seeds = [1, 2, 3, 4, 5].map((s) =>
      traceDigest(simulateSeed(repush.factory, repush.options, s).trace),
    )
    expect(new Set([d0, ...seeds]).size).toBeGreaterThan(1)
  }, 60_000)

  it('sweeps async scenarios (explore) the same way', async () => {
    const one = await sweep({ module, export: 'lostUpdate', seeds: 60, threads: 1, conditions })
    const two = await sweep({
      module,
      export: 'lostUpdate',
      seeds: 60,
      threads: 2,
      chunkSize: 4,
      conditions,
    })
    expect(seedsOf(one).length).toBeGreaterThan(0)
    expect(seedsOf(two)).toEqual(seedsOf(one))
    const first = await explore(lostUpdate.scenario, { seeds: 60 })
    expect(one.failure).toMatchObject({ kind: first.failure!.kind, seed: first.failure!.seed })
  }, 60_000)

  it('MUSIL_SHARD-style shards 1/2 and 2/2 together run exactly the unsharded seeds, none twice', async () => {
    const all = await sweep({ module, export: 'fireAndForget', seeds: 101, threads: 2, conditions })
    const s1 = await sweep({
      module,
      export: 'fireAndForget',
      seeds: 101,
      threads: 2,
      conditions,
      shard: { index: 1, count: 2 },
    })
    const s2 = await sweep({
      module,
      export: 'fireAndForget',
      seeds: 101,
      threads: 2,
      conditions,
      shard: { index: 2, count: 2 },
    })
    expect(s1.runs + s2.runs).toBe(all.runs)
    expect([s1.runs, s2.runs]).toEqual([51, 50])
    const union = [...seedsOf(s1), ...seedsOf(s2)].sort((a, b) => a - b)
    expect(union).toEqual(seedsOf(all))
    expect(new Set(union).size).toBe(union.length)
    expect(seedsOf(s1).every((s) => s % 2 === 0)).toBe(true)
    expect(seedsOf(s2).every((s) => s % 2 === 1)).toBe(true)
  }, 60_000)

  it('reports a worker thread that dies as a failing seed of kind error, and loses no other seed', async () => {
    const r = await sweep({
      module,
      export: 'diesSometimes',
      seeds: 40,
      threads: 2,
      chunkSize: 8,
      conditions,
    })
    expect(r.ok).toBe(false)
    expect(r.failingSeeds.length).toBeGreaterThan(0)
    for (const f of r.failingSeeds) {
      expect(f).toMatchObject({
        kind: 'error',
        detail: expect.stringContaining(`the worker thread running seed ${f.seed} died`),
      })
    }
    // The lowest failure is the death itself (its report cannot be fetched from a dead thread),
    // with no event recorded.
    expect(r.failure).toEqual({ ...r.failingSeeds[0], trace: [] })
    const again = await sweep({
      module,
      export: 'diesSometimes',
      seeds: 40,
      threads: 1,
      chunkSize: 40,
      conditions,
    })
    expect(seedsOf(again)).toEqual(seedsOf(r))
  }, 120_000)

  it('records a seed whose run throws (here: not deterministic) as a failure of kind error', async () => {
    const r = await sweep({ module, export: 'nondeterministic', seeds: 20, threads: 1, conditions })
    expect(r.ok).toBe(false)
    expect(r.runs).toBe(20)
    const thrown = r.failingSeeds.filter((f) => f.detail.includes('is not deterministic'))
    expect(thrown.length).toBeGreaterThan(0)
    for (const f of thrown) {
      expect(f).toMatchObject({
        kind: 'error',
        detail: expect.stringMatching(/^MusilError: seed \d+ is not deterministic/),
      })
      expect(f.detail).not.toContain('worker thread')
    }
  }, 60_000)

  it('runs remembered seeds first without changing the result', async () => {
    const plain = await sweep({
      module,
      export: 'fireAndForget',
      seeds: 50,
      threads: 1,
      conditions,
    })
    const first = await sweep({
      module,
      export: 'fireAndForget',
      seeds: 50,
      threads: 1,
      conditions,
      first: [49, 48],
    })
    expect(first.failingSeeds).toEqual(plain.failingSeeds)
  }, 60_000)

  it('names a missing export, a value that is not a target, and a missing module', async () => {
    await expect(
      sweep({ module, export: 'nope', seeds: 3, threads: 1, conditions }),
    ).rejects.toThrow(/has no export 'nope' \(its exports: .*fireAndForget/)
    await expect(
      sweep({ module, export: 'notATarget', seeds: 3, threads: 1, conditions }),
    ).rejects.toThrow(
      /export 'notATarget' of .* is not a simulation target: export defineSimulation/,
    )
    const missing = new URL('./targets/missing.ts', import.meta.url)
    const e = await sweep({ module: missing, seeds: 3, threads: 1, conditions }).catch(
      (x: unknown) => x,
    )
    expect(SweepError.is(e)).toBe(true)
    expect((e as SweepError).name).toBe('SweepError')
    expect((e as SweepError).seeds).toEqual([0, 1, 2])
    expect((e as Error).message).toMatch(
      /could not run 3 seed\(s\): sweep worker cannot import .*missing\.ts/,
    )
    // The message says it all: no inner error with an empty seed list under it.
    expect((e as Error).cause).toBeUndefined()
    // Over several threads and chunks, every seed of the range is listed, once, in order.
    const spread = await sweep({
      module: missing,
      seeds: { from: 10, to: 30 },
      threads: 2,
      chunkSize: 3,
      conditions,
    }).catch((x: unknown) => x)
    expect((spread as SweepError).seeds).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i))
    expect((spread as Error).message).toContain('could not run 20 seed(s)')
  }, 60_000)

  it('loads a TypeScript target of a "type": "commonjs" package (npm init -y) as an ES module', async () => {
    const commonjs = new URL('./fixtures/commonjs/route.ts', import.meta.url)
    const r = await sweep({
      module: commonjs,
      export: 'fireAndForget',
      seeds: 60,
      threads: 2,
      conditions,
    })
    // The same seeds as in process: the target ran with the worker's own @musil/core (a second,
    // CommonJS-compiled copy would reject the target's NetworkModel as a foreign class).
    const expected = failingInProcess(60)
    expect(expected.length).toBeGreaterThan(0)
    expect(seedsOf(r)).toEqual(expected)
    expect(r.failure).toMatchObject({ kind: 'goal', seed: expected[0] })
    const ok = await sweep({
      module: commonjs,
      export: 'repush',
      seeds: 30,
      threads: 1,
      conditions,
    })
    expect(ok).toMatchObject({ ok: true, runs: 30 })
  }, 60_000)

  it('says what to change when a .js file with import/export is loaded as CommonJS', async () => {
    // Written at run time: no linter or compiler would accept this file in the repository.
    const dir = mkdtempSync(join(tmpdir(), 'musil-commonjs-'))
    try {
      writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n')
      const file = join(dir, 'esm-syntax.js')
      writeFileSync(file, 'export default async function scenario() {}\n')
      const e = await sweep({
        module: file,
        seeds: { from: 5, to: 9 },
        threads: 1,
        conditions,
      }).catch((x: unknown) => x)
      expect(SweepError.is(e)).toBe(true)
      expect((e as SweepError).seeds).toEqual([5, 6, 7, 8])
      expect((e as Error).message).toContain(
        `could not run 4 seed(s): sweep worker cannot import ${pathToFileURL(file).href}: ${file} uses import/export but Node loads it as CommonJS: set "type": "module" in the package.json above it, or rename it to .mjs`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('stops its threads and rejects when aborted, losing no seed silently', async () => {
    const controller = new AbortController()
    const reason = new Error('test timed out')
    let firstFailing = -1
    const running = sweep({
      module,
      export: 'fireAndForget',
      seeds: 1_000_000,
      threads: 2,
      conditions,
      signal: controller.signal,
      onFirstFailure: (f) => {
        firstFailing = f.seed
        controller.abort(reason)
      },
    })
    const e = await running.catch((x: unknown) => x)
    expect(SweepError.is(e)).toBe(true)
    const count = Number(
      /could not run (\d+) seed\(s\): sweep aborted: test timed out/.exec(
        (e as Error).message,
      )?.[1],
    )
    // Every seed it did not run, each once, and none it did run (the first failure ran).
    const lost = (e as SweepError).seeds
    expect(lost.length).toBe(count)
    expect(count).toBeGreaterThan(0)
    expect(new Set(lost).size).toBe(count)
    expect(lost.every((s) => Number.isSafeInteger(s) && s >= 0 && s < 1_000_000)).toBe(true)
    expect(lost).not.toContain(firstFailing)
    expect(lost).toContain(999_999)
    // Its cause is what stopped it, not an inner error with an empty seed list.
    expect((e as Error).cause).toBe(reason)
    await expect(
      sweep({
        module,
        export: 'repush',
        seeds: 3,
        threads: 1,
        conditions,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toThrow()
  }, 60_000)

  it('rejects bad seeds, threads and chunk sizes with SeedConfigError', async () => {
    const bad = [
      [{ seeds: 0 }, /sweep seeds: a seed count must be a positive integer, got 0/],
      [{ seeds: [] }, /sweep seeds: the seed list is empty/],
      [
        { seeds: [1, -2] },
        /sweep seeds: seed -2 is not a seed; seeds are non-negative safe integers/,
      ],
      [{ seeds: { from: 5, to: 5 } }, /the range \{ from: 5, to: 5 \} is empty/],
      [{ seeds: 3, threads: 0 }, /sweep threads: must be a positive integer, got 0/],
      [{ seeds: 3, chunkSize: 1.5 }, /sweep chunkSize: must be a positive integer, got 1.5/],
      // Listed up front, so a huge count is refused before it is allocated.
      [{ seeds: 1e10 }, /sweep seeds: 10000000000 seeds is more than one sweep takes/],
      [{ seeds: { from: 0, to: 2e7 } }, /split it into ranges \(\{ from, to \}\) or shards/],
    ] as const
    for (const [opts, message] of bad) {
      const e = await sweep({ module, export: 'repush', threads: 1, ...opts } as never).catch(
        (x: unknown) => x,
      )
      expect(e).toBeInstanceOf(SeedConfigError)
      expect((e as Error).message).toMatch(message)
    }
  })
})

describe('the module format of a file in a sweep worker', () => {
  it('is ES module for project TypeScript that its package calls CommonJS, and unchanged otherwise', () => {
    const project = 'file:///work/app/route.ts'
    // tsx on Node 20 says `commonjs`, Node's own type stripping says `commonjs-typescript`.
    expect(projectModuleFormat(project, 'commonjs')).toBe('module')
    expect(projectModuleFormat(project, 'commonjs-typescript')).toBe('module-typescript')
    expect(projectModuleFormat('file:///work/app/view.tsx', 'commonjs')).toBe('module')
    expect(projectModuleFormat(project, 'module')).toBe('module')
    // CommonJS by name, JavaScript, installed packages and builtins keep their format.
    expect(projectModuleFormat('file:///work/app/legacy.cts', 'commonjs')).toBe('commonjs')
    expect(projectModuleFormat('file:///work/app/helper.js', 'commonjs')).toBe('commonjs')
    expect(projectModuleFormat('file:///work/app/node_modules/x/index.ts', 'commonjs')).toBe(
      'commonjs',
    )
    expect(projectModuleFormat('node:fs', 'builtin')).toBe('builtin')
  })
})
