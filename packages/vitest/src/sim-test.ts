/**
 * `simTest`: Vitest's `test` with simulation fixtures. The seed is chosen once per test (see
 * `chooseSeed`), recorded in `task.meta.musil` with the command that replays it, and annotated
 * so the default reporter prints it under a failure.
 *
 * @module
 */
import {
  type ExploreReport,
  explore as exploreSeeds,
  type NodeFactory,
  type Nodes,
  NothingCheckedError,
  type RunOptions,
  type RunReport,
  type Scenario,
  type SimReport,
  type SimulateOptions,
  simulate as simulateSeeds,
} from '@musil/core'
import {
  checkOptions,
  checkSeed,
  checksNothing,
  keyList,
  OPTION_KEYS,
  type OptionKey,
} from '@musil/core/internal'
import { expect, type TestAPI, type TestContext, type TestOptions, test } from 'vitest'
import type { FailingSeedMemory, ProvidedSeed } from './context.ts'
import './matchers/register.ts'
import { matcherFor } from './matchers/simulation-matchers.ts'
import { requirePlugin } from './plugin-check.ts'
import { replayCommand } from './replay.ts'
import { chooseSeed, replaySeed } from './seed-choice.ts'
import { expandSeeds } from './seeds.ts'
import { type SweepOptions, type SweepReport, sweep, targetRef } from './sweep/sweep.ts'
import {
  failureHeadline,
  runSeed,
  SIMULATION_TARGET_OPTION_KEYS,
  type SimTarget,
} from './target.ts'
import { currentShard, provided, setMusilMeta, testPlace } from './test-meta.ts'

/** The fixtures `simTest` adds to the test context. */
export interface SimFixtures {
  /** This test's seed (see the module docs for where it comes from). */
  seed: number
  /** `simulate` from `@musil/core`, run on this test's seed only. */
  simulate: <N extends Nodes, W, A = unknown>(
    factory: NodeFactory<N>,
    options: Omit<SimulateOptions<N, W, A>, 'seeds'>,
  ) => SimReport<W>
  /** `explore` from `@musil/core`, run on this test's seed only. */
  explore: (scenario: Scenario, options?: RunOptions) => Promise<ExploreReport>
  /** Runs a `defineSimulation`/`defineScenario` target on this test's seed. */
  run: (target: SimTarget) => Promise<RunReport>
}

/** Picks this test's seed, records it with its replay command, and annotates the test. */
async function seedFixture({ task, annotate }: TestContext): Promise<number> {
  requirePlugin(`simTest('${task.name}')`)
  const { file, fullName, root, key } = testPlace(task)
  const memory = (provided('musil:memory') as FailingSeedMemory | undefined) ?? {}
  const fromEach = task.meta.musil?.seedSource === 'each' ? task.meta.musil.seed : undefined
  const chosen = chooseSeed({
    each: fromEach,
    env: process.env.MUSIL_SEED,
    provided: provided('musil:seed') as ProvidedSeed | null | undefined,
    remembered: memory[key],
  })
  const replay = replayCommand({ file, fullName, root, seed: chosen.seed })
  setMusilMeta(task, {
    seed: chosen.seed,
    seedSource: chosen.source,
    replay,
    // `.each` tests always run their own seed: nothing to remember for them.
    ...(chosen.source !== 'each' && { memoryKey: key }),
  })
  // The default reporter prints annotations under failed tests only: the seed and its replay.
  await annotate(`seed ${chosen.seed} (${chosen.source}); replay: ${replay}`, 'musil:replay')
  return chosen.seed
}

// Vitest 4.1 builder fixtures. `seed` is automatic: every simTest records its seed and replay
// command, whether or not the body asks for it. The declared type is the plain fixture record:
// the builder's inferred type also carries Vitest's internal scope markers, which an exported
// declaration (isolatedDeclarations) cannot spell.
const base = test
  .extend('seed', { auto: true }, seedFixture)
  .extend('simulate', ({ seed }): SimFixtures['simulate'] => (factory, options) => {
    // `seeds` too: the fixture runs this test's seed, so any other would be silently ignored.
    checkOptions(options, 'simTest simulate()', SIMULATION_TARGET_OPTION_KEYS)
    return simulateSeeds(factory, { ...options, seeds: [seed] })
  })
  .extend('explore', ({ seed }): SimFixtures['explore'] => (scenario, options = {}) => {
    checkOptions(options, 'simTest explore()', OPTION_KEYS.RunOptions)
    return exploreSeeds(scenario, { ...options, seeds: [seed] })
  })
  .extend(
    'run',
    ({ seed }): SimFixtures['run'] =>
      (target) =>
        runSeed(target, seed),
  ) as unknown as TestAPI<SimFixtures>

/** A test body with the simulation fixtures. */
export type SimTestFunction = (context: SimFixtures & TestContext) => unknown

/** Registers a test per seed; see {@link SimTestAPI.each}. */
export type EachSeed = {
  (name: string, fn: SimTestFunction, timeout?: number): void
  (name: string, options: TestOptions, fn: SimTestFunction): void
}

/**
 * Options of {@link SimTestAPI.sweep}: what the test chooses of a {@link SweepOptions} (the
 * target, the seeds, the threads), plus the test's timeout and its verdict. The rest (shard,
 * remembered seeds, conditions, the abort signal) come from the plugin and the test itself.
 */
export interface SimSweepOptions
  extends Pick<SweepOptions, 'module' | 'export' | 'seeds' | 'threads' | 'chunkSize'> {
  /** Test timeout in ms (sweeps are long; default 10 minutes). */
  readonly timeout?: number
  /**
   * Checks the finished report instead of the default: no seed may fail, and the target must
   * have checked something (say `(r) => expect(r).toRunWithoutError()` if running is enough).
   */
  readonly check?: (report: SweepReport) => void | Promise<void>
}

/** The keys {@link SimSweepOptions} may have: anything else is a typo `simTest.sweep` rejects. */
export const SIM_SWEEP_OPTION_KEYS: readonly OptionKey<SimSweepOptions>[] =
  keyList<SimSweepOptions>()([
    'module',
    'export',
    'seeds',
    'threads',
    'chunkSize',
    'timeout',
    'check',
  ])

/**
 * The `simTest` API: Vitest's `test` with fixtures, plus `each` and `sweep`. The extras come
 * first: for an intersection, TypeScript tries the first member's `each` overloads first.
 */
export type SimTestAPI = SimTestExtras & TestAPI<SimFixtures>

/** What `simTest` adds to Vitest's `test`. */
export interface SimTestExtras {
  /**
   * One test per seed. The seed is fixed at collection time, so it is in the test's name (the
   * `%i`/`$seed` token, else appended as ` (seed N)`) and in `task.meta.musil.seed`; filters,
   * `.only` and reporters all see it.
   *
   * @example
   * simTest.each([1, 2, 3])('route delivery converges', ({ simulate }) => {
   *   expect(simulate(routeNodes, options)).toConverge()
   * })
   */
  each: (seeds: readonly number[]) => EachSeed
  /**
   * One test that sweeps a seed range over worker threads (see `sweep`). It fails when any seed
   * fails, with the lowest failing seed's minimised trace as the diff, and when no seed ran at
   * all (an empty shard: it checked nothing); every failing seed is in
   * `task.meta.musil.failingSeeds`. `MUSIL_SEED=N` replays just seed N; `MUSIL_SHARD=i/n` runs
   * this machine's share; seeds that failed last time run first.
   *
   * @example
   * simTest.sweep('election is safe on 10,000 seeds', {
   *   module: new URL('./raft.sim.ts', import.meta.url), export: 'election', seeds: 10_000,
   * })
   */
  sweep: (name: string, options: SimSweepOptions) => void
}

function seedName(name: string, seed: number): string {
  const s = String(seed)
  if (/%[isd]|\$seed/.test(name)) return name.replace(/%[isd]|\$seed/g, s)
  return `${name} (seed ${s})`
}

function each(seeds: readonly number[]): EachSeed {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new TypeError(
      'simTest.each(seeds): give a non-empty array of seeds, e.g. simTest.each([1, 2, 3])',
    )
  }
  const list = seeds.map((s) => checkSeed(s, 'simTest.each'))
  return ((name: string, a: SimTestFunction | TestOptions, b?: SimTestFunction | number) => {
    const [options, fn] =
      typeof a === 'function'
        ? [typeof b === 'number' ? { timeout: b } : {}, a]
        : [a, b as SimTestFunction]
    if (typeof fn !== 'function') {
      throw new TypeError(`simTest.each(...)('${name}'): the test body must be a function`)
    }
    for (const seed of list) {
      base(
        seedName(name, seed),
        { ...options, meta: { ...options.meta, musil: { seed, seedSource: 'each' } } },
        fn as Parameters<typeof base>[2] & {},
      )
    }
  }) as EachSeed
}

function sweepTest(name: string, options: SimSweepOptions): void {
  // Malformed options fail when the file is collected, not minutes into a run.
  checkOptions(options, `simTest.sweep('${name}')`, SIM_SWEEP_OPTION_KEYS)
  targetRef(options.module, options.export ?? 'default')
  expandSeeds(options.seeds, `simTest.sweep('${name}') seeds`)
  test(name, { timeout: options.timeout ?? 600_000 }, async ({ task, annotate, signal }) => {
    requirePlugin(`simTest.sweep('${name}')`)
    const { file, fullName, root, key } = testPlace(task)
    const replay = replaySeed({
      env: process.env.MUSIL_SEED,
      provided: provided('musil:seed') as ProvidedSeed | null | undefined,
    })
    const memory = (provided('musil:memory') as FailingSeedMemory | undefined) ?? {}
    const command = (seed: number): string => replayCommand({ file, fullName, root, seed })
    const pending: Promise<void>[] = []
    // A replay of one seed says nothing about the rest of the range: leave the memory alone.
    if (!replay) setMusilMeta(task, { memoryKey: key })
    const report = await sweep({
      module: options.module,
      export: options.export ?? 'default',
      // A replay runs exactly the asked seed, whatever the range and the shard.
      seeds: replay ? [replay.seed] : options.seeds,
      threads: replay ? 1 : options.threads,
      chunkSize: options.chunkSize,
      shard: replay ? null : currentShard(),
      first: memory[key] ?? [],
      conditions: (provided('musil:conditions') as string[] | undefined) ?? [],
      // A timed-out or cancelled test stops its threads at once.
      signal,
      onFirstFailure: (f) => {
        // Known before the sweep ends: say it now, the rest of the range may take minutes.
        const line = `${failureHeadline(f)}; replay: ${command(f.seed)}`
        console.error(`[musil] ${fullName}: ${line}`)
        pending.push(annotate(line, 'musil:first-failure').then(() => undefined))
      },
    })
    await Promise.all(pending)
    const shardNote = report.shard
      ? ` (MUSIL_SHARD=${report.shard.index}/${report.shard.count})`
      : ''
    console.log(
      `[musil] ${fullName}: ${report.runs} of ${report.total} seeds run${shardNote} on ${report.threads} thread(s) in ${Math.round(report.durationMs)} ms, ${report.failingSeeds.length} failing`,
    )
    const lowest = report.failingSeeds[0]
    setMusilMeta(task, {
      seedsRun: report.runs,
      failingSeeds: report.failingSeeds.slice(0, 100).map((f) => f.seed),
      failingSeedsTotal: report.failingSeeds.length,
      ...(lowest && {
        seed: lowest.seed,
        seedSource: replay?.source ?? 'sweep',
        replay: command(lowest.seed),
      }),
      ...(report.reported && { failure: report.reported }),
    })
    if (options.check) await options.check(report)
    else if (report.failure) expect(report)[matcherFor(report.failure)]()
    else {
      // No failing seed: a pass only if some seed ran (an empty shard checked nothing) and the
      // target held its runs to something. A target with no invariant, goal or model can only
      // fail by throwing; saying that is the user's call, not the default.
      expect(report).toRunWithoutError()
      if (checksNothing(report.checked)) {
        throw new NothingCheckedError(
          `simTest.sweep('${name}'): its target checked nothing (no invariant, goal, model or linearizable spec), so its ${report.runs} seed(s) prove only that no run threw; give the target invariants, a goal, a model or linearizable: spec, or pass check: (r) => expect(r).toRunWithoutError() if that is what you mean`,
        )
      }
    }
  })
}

/**
 * Vitest's `test` with simulation fixtures: `seed`, and `simulate`, `explore` and `run` bound to
 * it. Without `.each`, the seed comes from `MUSIL_SEED`, the plugin (`-- --seed=N`,
 * `--sequence.seed`), a seed that failed last time, or a fresh random seed; every failure
 * prints the command that replays it.
 *
 * @example
 * simTest('route delivery converges', ({ simulate }) => {
 *   expect(simulate(routeNodes(true), { snapshot, network, goal })).toConverge()
 * })
 */
export const simTest: SimTestAPI = Object.assign(base, { each, sweep: sweepTest })
