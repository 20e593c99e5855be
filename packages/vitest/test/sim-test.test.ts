// simTest in process: names and meta of .each tests, fixtures bound to the seed, bad input.
import { explore, replay, simulate, traceDigest } from '@musil/core'
import { describe, expect } from 'vitest'
import { SeedConfigError, simTest } from '../src/index.ts'
import { fireAndForget, lostUpdate } from './targets/route-push.ts'

describe('simTest.each', () => {
  simTest.each([4, 5])('puts seed %i in the name', ({ seed, task }) => {
    expect(task.name).toBe(`puts seed ${seed} in the name`)
    expect(task.meta.musil).toMatchObject({ seed, seedSource: 'each' })
    expect(task.meta.musil?.replay).toBe(
      `MUSIL_SEED=${seed} npx vitest run packages/vitest/test/sim-test.test.ts -t '^simTest\\.each puts seed ${seed} in the name$'`,
    )
    // `.each` tests always run their own seed: there is nothing to remember for them.
    expect(task.meta.musil?.memoryKey).toBeUndefined()
  })

  simTest.each([6])('appends the seed when the name has no token', ({ seed, task }) => {
    expect(seed).toBe(6)
    expect(task.name).toBe('appends the seed when the name has no token (seed 6)')
  })

  simTest.each([7])('takes Vitest test options', { retry: 0, timeout: 5_000 }, ({ seed, task }) => {
    expect(seed).toBe(7)
    expect(task.timeout).toBe(5_000)
  })
})

describe('simTest fixtures', () => {
  simTest.each([0, 1, 2, 3])(
    'simulate, explore and run use the test seed (%i)',
    async ({ seed, simulate: sim, explore: exp, run }) => {
      const here = sim(fireAndForget.factory, fireAndForget.options)
      const core = simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [seed] })
      expect(here.runs).toBe(1)
      expect(here.ok).toBe(core.ok)
      expect(here.failure && traceDigest(here.failure.trace)).toBe(
        core.failure && traceDigest(core.failure.trace),
      )
      const world = await exp(lostUpdate.scenario)
      const again = await replay(lostUpdate.scenario, { seed })
      expect(world.ok).toBe(again.ok)
      expect(world.failure?.seed ?? seed).toBe(seed)
      expect((await run(lostUpdate)).ok).toBe(again.ok)
      expect((await run(fireAndForget)).failure?.seed ?? seed).toBe(seed)
    },
  )

  simTest('records the seed without .each, with a command that replays it', ({ seed, task }) => {
    expect(task.meta.musil?.seed).toBe(seed)
    expect(['MUSIL_SEED', '--seed', '--sequence.seed', 'config', 'memory', 'random']).toContain(
      task.meta.musil?.seedSource,
    )
    expect(task.meta.musil?.replay).toBe(
      `MUSIL_SEED=${seed} npx vitest run packages/vitest/test/sim-test.test.ts -t '^simTest fixtures records the seed without \\.each, with a command that replays it$'`,
    )
    expect(task.meta.musil?.memoryKey).toBe(
      'packages/vitest/test/sim-test.test.ts > simTest fixtures records the seed without .each, with a command that replays it',
    )
  })

  simTest('a matcher on an un-awaited explore() fails loudly instead of passing', async () => {
    const pending = explore(lostUpdate.scenario, { seeds: 3 })
    const message =
      'received object (a Promise: await explore() before expect), expected a model built with defineModel() from @musil/core, or a simulation report'
    expect(() => expect(pending).toConverge()).toThrow(`expect(received).toConverge(): ${message}`)
    expect(() => expect(pending).toBeSafe()).toThrow(`expect(received).toBeSafe(): ${message}`)
    await pending
  })
})

const lostSeed = simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: 100 }).failure!
  .seed
describe('failures for the report', () => {
  simTest.each([lostSeed])(
    'a failing matcher records the failure in the test meta',
    ({ seed, simulate: sim, task }) => {
      const report = sim(fireAndForget.factory, fireAndForget.options)
      expect(() => expect(report).toConverge()).toThrow('expect(report).toConverge()')
      expect(task.meta.musil?.failure).toMatchObject({
        kind: 'goal',
        seed,
        detail: report.failure!.detail,
        trace: expect.stringContaining('(msg #0 lost in transit)'),
        mermaid: expect.stringMatching(/^sequenceDiagram\n/),
      })
    },
  )

  simTest.each([lostSeed])('a passing matcher records nothing', ({ simulate: sim, task }) => {
    expect(sim(fireAndForget.factory, fireAndForget.options)).not.toConverge()
    expect(task.meta.musil?.failure).toBeUndefined()
  })
})

describe('simTest bad input', () => {
  simTest('rejects empty and malformed seed lists when the test is declared', () => {
    expect(() => simTest.each([])).toThrow(
      'simTest.each(seeds): give a non-empty array of seeds, e.g. simTest.each([1, 2, 3])',
    )
    expect(() => simTest.each([1, -1])).toThrow(SeedConfigError)
    expect(() => simTest.each([1, -1])).toThrow(
      'simTest.each: seed -1 is not a seed; seeds are non-negative safe integers',
    )
    expect(() => simTest.each([1])('no body', 42 as never)).toThrow(
      "simTest.each(...)('no body'): the test body must be a function",
    )
    expect(() => simTest.sweep('no seeds', { module: import.meta.url, seeds: 0 })).toThrow(
      "simTest.sweep('no seeds') seeds: a seed count must be a positive integer, got 0",
    )
    expect(() =>
      simTest.sweep('bad module', { module: 'https://example.com/x.ts', seeds: 3 }),
    ).toThrow('sweep module must be a file: URL or a path, got https://example.com/x.ts')
  })
})
