/**
 * `modelTest(name, model, opts?)`: one Vitest test that model-checks a model and fails with the
 * shortest counterexample as its diff.
 *
 * No verdict on nothing: a model with no invariants, `deadlock: false` and no liveness goal
 * would check nothing, so its test fails with a {@link NothingCheckedError} saying what to add.
 * With no invariants but deadlock checking on (the default), the test checks deadlock freedom
 * only: a real check, documented as such.
 *
 * @module
 */

import { join } from 'node:path'
import {
  type CheckOptions,
  check,
  checkLiveness,
  checkParallel,
  formatTrace,
  isModel,
  type Model,
  NothingCheckedError,
  replaySwarmTrace,
  type SwarmOptions,
  swarmShard,
  writeSwarmReport,
} from '@musil/core'
import {
  checkOptions as checkOptionKeys,
  checkSeed,
  keyList,
  OPTION_KEYS,
  type OptionKey,
} from '@musil/core/internal'
import { type ModelTarget, modelExport, targetModuleUrl } from '@musil/core/load'
import { expect, type TestContext, test } from 'vitest'
import './matchers/register.ts'
import { coverageLine } from './matchers/model-matchers.ts'
import type { ConvergeMatcherOptions } from './matchers/to-converge.ts'
import { requirePlugin } from './plugin-check.ts'
import { PROGRESS_INTERVAL_MS, progressPrinter } from './progress.ts'
import { replayCommand } from './replay.ts'
import { currentShard, setMusilMeta, testPlace } from './test-meta.ts'

/** Options of {@link modelTest}: those of `check`, liveness goals, and a test timeout. */
export interface ModelTestOptions<S = any> extends CheckOptions {
  /** Test timeout in milliseconds (Vitest's default otherwise). */
  timeout?: number
  /**
   * Liveness goals checked after safety passes, each as in `expect(model).toConverge(...)`:
   * the test fails with the lasso of the first goal that some fair behaviour misses.
   */
  liveness?: ConvergeMatcherOptions<S> | readonly ConvergeMatcherOptions<S>[]
  /**
   * Print progress of a search that runs over 2 s on stderr (default true; ignored when
   * `onProgress` is given): distinct, generated, queued, depth and states per second, on one
   * line redrawn every second on a terminal, or as a plain line every 5 s when stderr is not a
   * terminal or `CI` is set.
   */
  progress?: boolean
  /**
   * Worker threads for the safety check (`checkParallel`): a positive integer or `auto`. Only
   * with a `{ module, export }` target, since a model cannot be sent to a thread.
   */
  workers?: number | 'auto'
  /**
   * `false` accepts a search that is not exhaustive (`mode: 'random-walk'`, a bound that cuts
   * the search, or a `swarm` shard): the test then passes when no violation was found, and its
   * coverage is annotated on the test and listed by the musil reporter. By default such a test
   * fails, since a sample proves nothing.
   */
  exhaustive?: boolean
  /**
   * Run this test as one shard of a swarm instead of an exhaustive search: shard
   * `MUSIL_SHARD=i/n` (1/1 without it) searches with its own seed within the budget, writes its
   * JSON report to `reportDir` (default `MUSIL_SWARM_DIR`, else `.musil/swarm` under the
   * project root), and fails with a replayable trace if it finds a violation. Merge the shards'
   * reports with `npx musil swarm-merge <dir>`. Needs `exhaustive: false` to pass.
   */
  swarm?: SwarmTestOptions
}

/** `modelTest`'s `swarm` option: {@link SwarmOptions} but the shard (from `MUSIL_SHARD`), and where reports go. */
export interface SwarmTestOptions extends Omit<SwarmOptions, 'shard' | 'deadlock'> {
  /** The directory of the shard reports (default `MUSIL_SWARM_DIR`, else `.musil/swarm`). */
  reportDir?: string
}

/** The keys {@link SwarmTestOptions} may have. */
export const SWARM_TEST_OPTION_KEYS: readonly OptionKey<SwarmTestOptions>[] =
  keyList<SwarmTestOptions>()(['seed', 'maxStates', 'timeMs', 'depth', 'bitstateBits', 'reportDir'])

/** The keys {@link ModelTestOptions} may have: anything else is a typo `modelTest` rejects. */
export const MODEL_TEST_OPTION_KEYS: readonly OptionKey<ModelTestOptions>[] =
  keyList<ModelTestOptions>()([
    ...OPTION_KEYS.CheckOptions,
    'timeout',
    'liveness',
    'progress',
    'workers',
    'exhaustive',
    'swarm',
  ])

type Register = (
  name: string,
  fn: (context: TestContext) => void | Promise<void>,
  timeout?: number,
) => void

/** Imports the model a target names, in the test's own thread (for liveness and the diff). */
async function importTarget(target: ModelTarget): Promise<Model<unknown>> {
  const url = targetModuleUrl(target)
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>
  return modelExport(mod, target.export ?? 'default', url)
}

function define(register: Register) {
  return <S>(
    name: string,
    modelOrTarget: Model<S> | ModelTarget,
    options: ModelTestOptions<S> = {},
  ): void => {
    const target = isModel(modelOrTarget as unknown) ? undefined : (modelOrTarget as ModelTarget)
    if (
      target !== undefined &&
      (typeof target !== 'object' || target === null || !('module' in target))
    ) {
      throw new TypeError(
        `modelTest('${name}', model): expected a model built with defineModel() from @musil/core, or a target { module, export? } naming one`,
      )
    }
    // At registration, not when the test runs: a typo fails the file before anything is checked.
    const where = `modelTest('${name}')`
    checkOptionKeys(options, where, MODEL_TEST_OPTION_KEYS)
    const {
      timeout,
      liveness,
      progress = true,
      workers,
      exhaustive,
      swarm,
      ...checkOptions
    } = options
    if (swarm !== undefined) checkOptionKeys(swarm, `${where} { swarm }`, SWARM_TEST_OPTION_KEYS)
    // Seeds are refused at registration, by the one seed rule, rather than when the test runs.
    if (swarm?.seed !== undefined) checkSeed(swarm.seed, `${where} swarm.seed`)
    if (checkOptions.seed !== undefined) checkSeed(checkOptions.seed, `${where} seed`)
    refuseIgnoredOptions(where, options)
    if (workers !== undefined && target === undefined) {
      throw new TypeError(
        `modelTest('${name}', model, { workers }): worker threads need the model as a target { module, export? } (a model cannot be sent to a thread): export it from a module and pass modelTest('${name}', { module: new URL('./model.ts', import.meta.url), export: 'model' }, { workers })`,
      )
    }
    const goals = liveness === undefined ? [] : Array.isArray(liveness) ? liveness : [liveness]
    goals.forEach((goal, i) => {
      if (goal !== null && typeof goal === 'object') {
        checkOptionKeys(goal, `${where} liveness[${i}]`, OPTION_KEYS.LivenessOptions)
      }
    })
    register(
      name,
      async ({ task, annotate }) => {
        requirePlugin(`modelTest('${name}')`)
        const model = (
          target === undefined ? modelOrTarget : await importTarget(target)
        ) as Model<S>
        const safety = Object.keys(model.invariants).length > 0 || checkOptions.deadlock !== false
        // The reporter lists a failing model check with the command that reruns it.
        const { file, fullName, root } = testPlace(task)
        setMusilMeta(task, { replay: replayCommand({ file, fullName, root }) })
        // Thrown in the test, not at registration: this test fails, the file's others still run.
        if (!safety && goals.length === 0) {
          throw new NothingCheckedError(
            `modelTest('${name}'): model ${model.name} has no invariants, deadlock checking is off (deadlock: false) and no liveness goal is given, so nothing would be checked; add invariants: { name: (s) => boolean } to defineModel(), drop deadlock: false, or give liveness: { goal, fair }`,
          )
        }
        if (swarm !== undefined) {
          const { reportDir, ...swarmOptions } = swarm
          const report = swarmShard(model, {
            ...swarmOptions,
            shard: currentShard() ?? { index: 1, count: 1 },
            ...(checkOptions.deadlock !== undefined && { deadlock: checkOptions.deadlock }),
          })
          const dir = reportDir ?? process.env.MUSIL_SWARM_DIR ?? join(root, '.musil', 'swarm')
          const path = writeSwarmReport(report, dir)
          const shard = `shard ${report.shard.index}/${report.shard.count} (seed ${report.seed})`
          const v = report.violation
          if (v !== undefined) {
            const trace = replaySwarmTrace(model, v)
            throw new Error(
              `modelTest('${name}'): swarm ${shard} found: ${v.message}; report ${path}; rerun this shard with MUSIL_SHARD=${report.shard.index}/${report.shard.count}\n\n${formatTrace(trace)}`,
            )
          }
          const coverage = `swarm ${shard}: no violation in ${report.statesCovered} states covered (${report.strategy}, stopped by ${report.stoppedBy}); exhaustive: no`
          if (exhaustive !== false) {
            throw new Error(
              `modelTest('${name}'): ${coverage}. A swarm shard samples the state space and never proves it safe: pass exhaustive: false to accept sampled coverage, and merge the shards' reports (npx musil swarm-merge ${dir}) for the swarm's verdict`,
            )
          }
          setMusilMeta(task, { coverage })
          await annotate(coverage, 'musil:coverage')
          return
        }
        const searchOptions =
          progress && checkOptions.onProgress === undefined
            ? {
                ...checkOptions,
                onProgress: progressPrinter(model.name),
                progressIntervalMs: checkOptions.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
              }
            : checkOptions
        const r = !safety
          ? undefined
          : // A random walk and a memory budget are check()'s alone: they run in this thread.
            target !== undefined &&
              checkOptions.mode !== 'random-walk' &&
              checkOptions.memory === undefined
            ? await checkParallel(target, { ...searchOptions, workers: workers ?? 'auto' })
            : check(model, searchOptions)
        // Reuse the matcher so a failure reads exactly like expect(model).toBeSafe(); it takes
        // the search options but not the progress callback.
        const { onProgress: _, ...safetyOptions } = checkOptions
        if (r?.ok === false && (r.violation !== undefined || exhaustive !== false))
          expect(model).toBeSafe({
            ...safetyOptions,
            deadlock: safetyOptions.deadlock ?? true,
            ...(exhaustive !== undefined && { exhaustive }),
          })
        else if (r !== undefined && !r.complete) {
          const coverage = coverageLine(r)
          setMusilMeta(task, { coverage })
          await annotate(coverage, 'musil:coverage')
        }
        for (const goal of goals as ConvergeMatcherOptions<S>[]) {
          if (!checkLiveness(model, goal).ok) expect(model).toConverge(goal)
        }
      },
      timeout,
    )
  }
}

/**
 * `check`'s options that a swarm shard does not use (it searches within `swarm`'s budget), and
 * `workers`: all but `deadlock` and the progress options.
 */
const NOT_FOR_SWARM: readonly (keyof ModelTestOptions)[] = [
  ...OPTION_KEYS.CheckOptions.filter(
    (k) => k !== 'deadlock' && k !== 'onProgress' && k !== 'progressIntervalMs',
  ),
  'workers',
]

/**
 * Refuses, at registration, options that the search they are given to would ignore: a test
 * that silently skipped a liveness goal or a bound would pass for the wrong reason.
 */
function refuseIgnoredOptions(where: string, options: ModelTestOptions): void {
  const { exhaustive, swarm, liveness, mode, memory, workers } = options
  if (exhaustive !== undefined && typeof exhaustive !== 'boolean') {
    throw new TypeError(
      `${where}: exhaustive must be true or false (false accepts a search that is not exhaustive), got ${JSON.stringify(exhaustive)}`,
    )
  }
  const sampled =
    swarm !== undefined ? 'a swarm shard' : mode === 'random-walk' ? 'a random walk' : undefined
  if (sampled !== undefined && liveness !== undefined) {
    throw new TypeError(
      `${where}: liveness is not checked by ${sampled}, which samples paths and cannot show that a goal is always reached; check liveness in a modelTest of its own without ${swarm !== undefined ? 'swarm' : "mode: 'random-walk'"}`,
    )
  }
  if (swarm !== undefined) {
    const ignored = NOT_FOR_SWARM.filter((k) => options[k] !== undefined)
    if (ignored.length > 0) {
      throw new TypeError(
        `${where}: ${ignored.join(', ')} would be ignored: a swarm shard searches within swarm: { maxStates, timeMs, depth, seed }; move the bound into swarm, or drop swarm for an exhaustive search`,
      )
    }
  }
  if (workers !== undefined && (mode === 'random-walk' || memory !== undefined)) {
    throw new TypeError(
      `${where}: workers would be ignored: ${mode === 'random-walk' ? "mode: 'random-walk'" : 'memory'} runs in the test's thread (check()); drop workers`,
    )
  }
}

/** The signature of {@link modelTest}. */
export interface ModelTestAPI {
  /**
   * Registers a test that runs `check(model, opts)`: it passes when every reachable state
   * satisfies the invariants and (unless `deadlock: false`) no deadlock is reachable; otherwise
   * it fails with the shortest counterexample as the diff. A search cut by `maxStates` or
   * `maxDepth` fails (it proves nothing). A model with no invariants is checked for deadlock
   * freedom only; with `deadlock: false` too and no `liveness` goal the test fails, since it
   * would check nothing.
   *
   * Given a target `{ module, export? }` instead of a model, the safety check runs on worker
   * threads (`checkParallel`, `workers` of them, default `auto`) with the same counts and
   * shortest counterexample; a failure is then shown by re-checking the model in the test's
   * thread, exactly as `expect(model).toBeSafe()` shows it.
   *
   * @example
   * modelTest('two-phase commit is consistent', twoPhaseCommit(3))
   * modelTest('on two cores', { module: new URL('./two-phase.ts', import.meta.url), export: 'rm7' }, { workers: 2 })
   */
  <S>(name: string, model: Model<S> | ModelTarget, options?: ModelTestOptions<S>): void
  /** Like `modelTest`, skipped. */
  skip: <S>(name: string, model: Model<S> | ModelTarget, options?: ModelTestOptions<S>) => void
  /** Like `modelTest`, and only the `.only` tests of the file run. */
  only: <S>(name: string, model: Model<S> | ModelTarget, options?: ModelTestOptions<S>) => void
}

/** Registers a model-checking test; see {@link ModelTestAPI}. */
export const modelTest: ModelTestAPI = Object.assign(define(test), {
  skip: define(test.skip),
  only: define(test.only),
})
