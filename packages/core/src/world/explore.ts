/**
 * `explore` and `replay`: run an async scenario over many seeds, or one seed again.
 *
 * @module
 */

import { WorldUsageError } from '../errors.ts'
import {
  compileLinearizable,
  type HistoryCheck,
  type LinearizableOption,
  markCheckedSpec,
} from '../linearizability/run-check.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import { explainMissingMatchers } from '../matcher-placeholders.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { checkSeed, seedCountProblem } from '../random/seed.ts'
import { RandomStream } from '../random/stream.ts'
import {
  mergeRunChecks,
  NO_CHECKS,
  type RunChecks,
  type RunFailure,
  type RunReport,
  type TraceEvent,
} from '../report.ts'
import { traceDigest } from '../trace/digest.ts'
import { acquireGuards, releaseGuards } from './audit.ts'
import { Engine } from './engine.ts'
import { ScenarioWorld } from './scenario-world.ts'
import { PctStrategy, RandomStrategy, type Strategy, type StrategyName } from './strategy.ts'
import type { World } from './world.ts'

/** An async scenario: it sets up the world, spawns tasks, runs for a while, and returns. */
export type Scenario = (world: World) => Promise<void>

/** Options shared by `explore` and `replay`. */
export interface RunOptions {
  /**
   * Trip on wall-clock time, `Math.random` and `crypto` randomness (`EntropyLeakError`). Real I/O
   * (sockets, DNS, child processes, worker threads, file writes, real timers) trips in every mode.
   */
  readonly audit?: boolean
  /** Which ready wake-up runs next when several are ready at once. Default `random`. */
  readonly strategy?: StrategyName
  /** PCT: the bug depth `d` it targets (`d - 1` priority change points). Default 3. */
  readonly pctDepth?: number
  /**
   * PCT: how many scheduling decisions (steps where two or more wake-ups were ready) a run is
   * expected to make; change points are drawn among the first `pctSteps`. Default 100.
   */
  readonly pctSteps?: number
  /** Scheduling steps after which a run that has not finished fails (a livelock guard). Default 1,000,000. */
  readonly maxSteps?: number
  /**
   * Hold every run's history (what the scenario recorded with `world.history`) to a sequential
   * spec, or `{ spec, timeoutMs }`: checked when the run ends (the scenario returned, a
   * deadlock, the step limit). A history that is not linearizable fails the run (kind
   * `safety`); a check that runs out of `timeoutMs` fails it too (kind `error`).
   */
  readonly linearizable?: LinearizableOption
}

/** Options of `explore`. */
export interface ExploreOptions extends RunOptions {
  /** How many seeds (`0 .. seeds-1`), or exactly which ones. */
  readonly seeds: number | Iterable<number>
}

/** Options of `replay`. */
export interface ReplayOptions extends RunOptions {
  readonly seed: number
}

/** The keys {@link RunOptions} may have (the options of a scenario target, without seeds). */
export const RUN_OPTION_KEYS: readonly OptionKey<RunOptions>[] = keyList<RunOptions>()([
  'audit',
  'strategy',
  'pctDepth',
  'pctSteps',
  'maxSteps',
  'linearizable',
])

/** The keys {@link ExploreOptions} may have: anything else is a typo `explore` rejects. */
export const EXPLORE_OPTION_KEYS: readonly OptionKey<ExploreOptions>[] = keyList<ExploreOptions>()([
  ...RUN_OPTION_KEYS,
  'seeds',
])

/** The keys {@link ReplayOptions} may have: anything else is a typo `replay` rejects. */
export const REPLAY_OPTION_KEYS: readonly OptionKey<ReplayOptions>[] = keyList<ReplayOptions>()([
  ...RUN_OPTION_KEYS,
  'seed',
])

/** How one seed of an async scenario failed, with the timeline that led there. */
export interface WorldFailure extends RunFailure {
  /** Every event of the failing run, up to the failure (the same array as `trace`). */
  readonly timeline: readonly TraceEvent[]
  /** Virtual time (ms) of the failure. */
  readonly time: number
  /** Scheduling steps taken. */
  readonly steps: number
  /** For a linearizability failure: the run's history (virtual times, failed operations left out). */
  readonly history?: Operation<unknown, unknown>[]
  /** For a linearizability failure: the checker's verdict on `history`. */
  readonly linearizability?: LinearizabilityResult
}

/**
 * The report of `explore`: the shape every simulation report has. `checked` names every
 * `world.always` invariant and `world.runUntil` goal registered in any of the runs.
 */
export type ExploreReport = RunReport<WorldFailure> & { readonly checked: RunChecks }

/** The report of `replay`: the same, plus the run's timeline and its digest even when it passed. */
export interface ReplayReport extends RunReport<WorldFailure> {
  readonly checked: RunChecks
  readonly seed: number
  /** Every event of the run. */
  readonly trace: readonly TraceEvent[]
  /** The same array as `trace`, by the async runtime's name for it. */
  readonly timeline: readonly TraceEvent[]
  /** `traceDigest` of the timeline (the one digest of both runtimes): equal digests, equal runs. */
  readonly digest: string
  /** What the scenario recorded with `world.history` (virtual times, failed operations left out). */
  readonly history: Operation<unknown, unknown>[]
  readonly time: number
  readonly steps: number
}

interface Settings {
  readonly audit: boolean
  readonly strategy: (seed: number) => Strategy
  readonly maxSteps: number
  readonly linearizable: HistoryCheck | undefined
}

function settingsOf(
  fn: string,
  scenario: unknown,
  o: RunOptions,
  keys: readonly string[],
): Settings {
  if (typeof o !== 'object' || o === null) {
    throw new WorldUsageError(
      `${fn}() needs an options object as its second argument, got ${String(o)}`,
    )
  }
  checkOptions(o, `${fn}()`, keys)
  if (typeof scenario !== 'function') {
    throw new WorldUsageError(
      `${fn}() needs an async scenario function (world) => Promise<void>, got ${typeof scenario}`,
    )
  }
  const strategy = o.strategy ?? 'random'
  if (strategy !== 'random' && strategy !== 'pct') {
    throw new WorldUsageError(
      `${fn}(): strategy must be 'random' or 'pct', got ${String(strategy)}`,
    )
  }
  const positive = (name: string, v: number | undefined, fallback: number): number => {
    if (v === undefined) return fallback
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new WorldUsageError(`${fn}(): ${name} must be a positive integer, got ${String(v)}`)
    }
    return v
  }
  const depth = positive('pctDepth', o.pctDepth, 3)
  const steps = positive('pctSteps', o.pctSteps, 100)
  const maxSteps = positive('maxSteps', o.maxSteps, 1_000_000)
  return {
    audit: o.audit === true,
    maxSteps,
    linearizable: compileLinearizable(o.linearizable, `${fn}()`, (m) => new WorldUsageError(m)),
    strategy:
      strategy === 'pct'
        ? (seed) => new PctStrategy(new RandomStream(seed, 'pct'), depth, steps)
        : (seed) => new RandomStrategy(new RandomStream(seed, 'scheduler')),
  }
}

function checkRunSeed(fn: string, seed: unknown): number {
  return checkSeed(seed, `${fn}()`, (where, problem) => new WorldUsageError(`${where}: ${problem}`))
}

/**
 * Runs one seed: an engine, and the world the scenario sees over it. The caller holds the global
 * guards (installed once per sweep, not per seed).
 */
async function runOne(scenario: Scenario, seed: number, settings: Settings): Promise<Engine> {
  const engine = new Engine({ seed, ...settings })
  const world = new ScenarioWorld(engine)
  await engine.run(() => scenario(world))
  return engine
}

function failureOf(engine: Engine): WorldFailure | undefined {
  const cause = engine.failure
  if (cause === undefined) return undefined
  return {
    kind: cause.kind,
    seed: engine.seed,
    detail: cause.detail,
    trace: engine.events,
    timeline: engine.events,
    time: engine.now(),
    steps: engine.steps,
    ...(cause.linearizability !== undefined && {
      history: cause.history!,
      linearizability: cause.linearizability,
    }),
  }
}

/**
 * Runs `scenario` once per seed, each in a fresh {@link World}, and stops at the first failing
 * seed. A failure carries the seed and the timeline; `replay(scenario, { seed })` reruns it bit
 * for bit.
 *
 * @example
 * const report = await explore(async (world) => {
 *   let value = 0
 *   const get = world.scheduled('get', async () => value)
 *   const set = world.scheduled('set', async (v: number) => { value = v })
 *   const inc = async () => set((await get()) + 1)
 *   await Promise.all([world.spawn('a', inc).finished, world.spawn('b', inc).finished])
 *   if (value !== 2) throw new Error(`lost update: ${value}`)
 * }, { seeds: 100 })
 * report.failure?.seed // the first seed that lost an update
 *
 * @throws {WorldUsageError} when the scenario, the seeds or an option is malformed.
 * @throws {OptionsError} when the options have a key `explore` does not know.
 */
export async function explore(scenario: Scenario, options: ExploreOptions): Promise<ExploreReport> {
  explainMissingMatchers()
  const settings = settingsOf('explore', scenario, options, EXPLORE_OPTION_KEYS)
  const seeds = options.seeds
  let iterable: Iterable<number>
  if (typeof seeds === 'number') {
    const problem = seedCountProblem(seeds)
    if (problem !== undefined) {
      throw new WorldUsageError(`explore(): 'seeds': ${problem}; or give an iterable of seeds`)
    }
    iterable = countUp(seeds)
  } else if (seeds !== null && typeof seeds === 'object' && Symbol.iterator in seeds) {
    iterable = seeds
  } else {
    throw new WorldUsageError(
      `explore(): seeds must be a count >= 1 or an iterable of seeds, got ${String(seeds)}`,
    )
  }
  let runs = 0
  let checked = NO_CHECKS
  acquireGuards()
  try {
    for (const raw of iterable) {
      const seed = checkRunSeed('explore', raw)
      runs++
      const engine = await runOne(scenario, seed, settings)
      checked = mergeRunChecks(checked, engine.checks())
      const failure = failureOf(engine)
      if (failure !== undefined) return withSpec({ ok: false, runs, failure, checked }, settings)
    }
  } finally {
    releaseGuards()
  }
  if (runs === 0) {
    // A sweep of no seeds proves nothing: never report it as a pass.
    throw new WorldUsageError(
      'explore(): seeds is empty, so nothing ran; give a count (seeds: 100) or a list of seeds',
    )
  }
  return withSpec({ ok: true, runs, checked }, settings)
}

/** The report, marked with the spec its histories were checked against (see `CHECKED_SPEC`). */
function withSpec<R extends object>(report: R, settings: Settings): R {
  markCheckedSpec(report, settings.linearizable)
  return report
}

function* countUp(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i
}

/**
 * Runs one seed of `scenario` again, exactly as `explore` ran it (pass the same `strategy` and
 * `audit`). The report adds the full timeline and its digest, pass or fail.
 *
 * @throws {WorldUsageError} when the scenario, the seed or an option is malformed.
 * @throws {OptionsError} when the options have a key `replay` does not know.
 */
export async function replay(scenario: Scenario, options: ReplayOptions): Promise<ReplayReport> {
  // Its report goes to the same matchers as explore's: a missing plugin must explain itself here too.
  explainMissingMatchers()
  const settings = settingsOf('replay', scenario, options, REPLAY_OPTION_KEYS)
  const seed = checkRunSeed('replay', options.seed)
  acquireGuards()
  let engine: Engine
  try {
    engine = await runOne(scenario, seed, settings)
  } finally {
    releaseGuards()
  }
  const failure = failureOf(engine)
  const base = {
    seed,
    trace: engine.events,
    timeline: engine.events,
    digest: traceDigest(engine.events),
    history: engine.recordedHistory(),
    time: engine.now(),
    steps: engine.steps,
    runs: 1,
    checked: engine.checks(),
  }
  return withSpec(
    failure === undefined ? { ok: true, ...base } : { ok: false, ...base, failure },
    settings,
  )
}
