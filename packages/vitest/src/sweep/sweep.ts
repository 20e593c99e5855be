/**
 * Seed sweeps: a seed range split into chunks over a tinypool of worker threads. Each worker
 * imports the target module by URL and runs whole chunks; the sweep collects every failing seed,
 * so the result is the same for any thread count and chunk size, and reports the lowest failing
 * seed as soon as every seed below it has run. This module does not import Vitest.
 *
 * @module
 */
import { availableParallelism } from 'node:os'
import {
  checkOptions,
  explainMissingMatchers,
  keyList,
  mergeRunChecks,
  NO_CHECKS,
  type OptionKey,
  type RunChecks,
  type RunFailure,
  type RunReport,
} from '@musil/core'
import { moduleUrl, workerEntry } from '@musil/core/load'
import Tinypool from 'tinypool'
import type { ReportedFailure, Shard } from '../context.ts'
import { SeedConfigError, SweepError } from '../errors.ts'
import { expandSeeds, inShard, type SeedSet } from '../seeds.ts'
import type { SeedFailure } from '../target.ts'
import type { ChunkResult, FailureResult, LoadFailure, SweepTask, TargetRef } from './protocol.ts'

/** Options of {@link sweep}. */
export interface SweepOptions {
  /**
   * The module that exports the target: a `file:` URL or an absolute path, usually
   * `new URL('./gossip.sim.ts', import.meta.url)`. TypeScript is loaded through tsx (Node's type
   * stripping without it), as an ES module whatever the package's `"type"`.
   */
  readonly module: string | URL
  /** The export holding the target (`defineSimulation`/`defineScenario`). Default `default`. */
  readonly export?: string
  /** The seeds: a count `n` (0..n-1), `{ from, to }` (to exclusive) or a list. */
  readonly seeds: SeedSet
  /** Worker threads. Default: the available parallelism minus one, at least 1. */
  readonly threads?: number
  /** Seeds per task sent to a worker. Default: about 8 chunks per thread, at most 250 seeds. */
  readonly chunkSize?: number
  /** Run only this machine's share of the seeds (`seed % count === index - 1`). */
  readonly shard?: Shard | null
  /** Seeds to run before the others (remembered failures); ignored unless they are in the sweep. */
  readonly first?: readonly number[]
  /** Extra export conditions for the workers' module resolution, e.g. `@musil/source`. */
  readonly conditions?: readonly string[]
  /** Called once, as soon as the lowest failing seed is known (every lower seed has run). */
  readonly onFirstFailure?: (failure: SeedFailure) => void
  /** Stops the sweep: its threads are terminated and it rejects (e.g. Vitest's test `signal`). */
  readonly signal?: AbortSignal
}

/** The keys {@link SweepOptions} may have: anything else is a typo `sweep` rejects. */
export const SWEEP_OPTION_KEYS: readonly OptionKey<SweepOptions>[] = keyList<SweepOptions>()([
  'module',
  'export',
  'seeds',
  'threads',
  'chunkSize',
  'shard',
  'first',
  'conditions',
  'onFirstFailure',
  'signal',
])

/** The result of a sweep: a `RunReport` (so the simulation matchers apply) plus every failing seed. */
export interface SweepReport extends RunReport {
  /** The lowest failing seed's full failure, minimised: what the matchers show. */
  readonly failure?: RunFailure
  /** Every failing seed of the sweep, ascending. */
  readonly failingSeeds: readonly SeedFailure[]
  /** What the sweep's runs checked, over all of them (nothing, when no seed ran). */
  readonly checked: RunChecks
  /** The lowest failure, rendered for reports (trace text and Mermaid diagram). */
  readonly reported?: ReportedFailure
  /** The seeds this sweep was given before sharding. */
  readonly total: number
  readonly shard: Shard | null
  readonly threads: number
  readonly chunks: number
  readonly durationMs: number
}

/** A task's worth of seeds. */
export interface Chunk {
  readonly seeds: readonly number[]
  readonly min: number
  done: boolean
}

/** Resolves the module reference a worker imports. */
export function targetRef(module: string | URL, exportName = 'default'): TargetRef {
  const url = moduleUrl(module)
  if (!url.startsWith('file:')) {
    throw new SweepError(`sweep module must be a file: URL or a path, got ${url}`)
  }
  return { module: url, export: exportName }
}

/** Default thread count: leave one core to Vitest's own worker. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1)
}

/** The file tinypool loads in each thread (a tsx bootstrap when running from sources). */
function workerFile(): URL {
  return workerEntry(import.meta.url, 'worker', 'tinypool')
}

/**
 * Splits the seeds into chunks of `size`, remembered failures (`first`) in their own leading
 * chunks. Which chunk a seed is in never changes its outcome, only when it is known.
 */
export function planChunks(
  seeds: readonly number[],
  size: number,
  first: ReadonlySet<number>,
): Chunk[] {
  const chunks: Chunk[] = []
  const push = (list: number[]): void => {
    for (let i = 0; i < list.length; i += size) {
      const part = list.slice(i, i + size)
      chunks.push({ seeds: part, min: Math.min(...part), done: false })
    }
  }
  // Remembered failures go first, so a regression shows up in the first seconds of a long sweep.
  push(seeds.filter((s) => first.has(s)))
  push(seeds.filter((s) => !first.has(s)))
  return chunks
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** The worker could not load the target: no seed can run, so the sweep stops with this error. */
class TargetLoadError extends SweepError {}

/** The pool as a whole stopped (a thread failed outside any task, or the sweep was aborted). */
class PoolStopped extends SweepError {}

/** Errors that end the sweep, as opposed to a thread dying under one of its seeds. */
function isFatal(e: unknown): boolean {
  return e instanceof TargetLoadError || e instanceof PoolStopped
}

/**
 * The sweep's error for a fatal error `e`: it names the seeds that did not run, and its cause is
 * what went wrong underneath (a thread's error, the abort reason), not the internal error that
 * carried it, whose message it already repeats.
 */
function sweepFailure(
  ref: TargetRef,
  lost: readonly number[],
  e: unknown,
  what: string,
): SweepError {
  const cause = e instanceof PoolStopped ? e.cause : e instanceof TargetLoadError ? undefined : e
  return new SweepError(
    `sweep of ${ref.module}#${ref.export} ${what}: ${describe(e)}`,
    lost,
    cause === undefined ? undefined : { cause },
  )
}

/**
 * Runs a target over a seed range in worker threads and collects every failing seed. The lowest
 * failing seed is then run once more to get its full, minimised failure.
 *
 * A worker thread that dies is replaced; the seeds of its chunk are rerun one per task, and a
 * seed that kills a worker on its own is reported as a failure of kind `error`. So no failing
 * seed is lost and nothing waits forever on a dead thread.
 *
 * @example
 * const report = await sweep({ module: new URL('./gossip.sim.ts', import.meta.url), export: 'gossip', seeds: 10_000 })
 * report.failingSeeds.map((f) => f.seed)
 *
 * @throws {OptionsError} when the options, or a `{ from, to }` seed range, have an unknown key.
 */
export async function sweep(options: SweepOptions): Promise<SweepReport> {
  const started = performance.now()
  checkOptions(options, 'sweep()', SWEEP_OPTION_KEYS)
  // Its report goes to musil's matchers: without them, say what is missing, not Chai's riddle.
  explainMissingMatchers()
  const ref = targetRef(options.module, options.export ?? 'default')
  const all = expandSeeds(options.seeds, 'sweep seeds')
  const shard = options.shard ?? null
  const seeds = all.filter((s) => inShard(s, shard))
  const threads = options.threads ?? defaultThreads()
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new SeedConfigError('sweep threads', `must be a positive integer, got ${String(threads)}`)
  }
  const size =
    options.chunkSize ?? Math.max(1, Math.min(250, Math.ceil(seeds.length / (threads * 8))))
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new SeedConfigError('sweep chunkSize', `must be a positive integer, got ${String(size)}`)
  }
  const chunks = planChunks(seeds, size, new Set(options.first ?? []))
  const base = { total: all.length, shard, threads, chunks: chunks.length }
  if (seeds.length === 0) {
    return {
      ok: true,
      runs: 0,
      failingSeeds: [],
      checked: NO_CHECKS,
      ...base,
      durationMs: performance.now() - started,
    }
  }

  options.signal?.throwIfAborted()
  const pool = createPool(threads, options.conditions ?? [], options.signal)
  const failures: SeedFailure[] = []
  // Seeds whose outcome is known: what a fatal error leaves out of this set was not run.
  const ran = new Set<number>()
  let checked = NO_CHECKS
  const collect = (r: ChunkResult, seeds: readonly number[]): void => {
    failures.push(...r.failures)
    checked = mergeRunChecks(checked, r.checked)
    for (const seed of seeds) ran.add(seed)
  }
  // Seeds that kill their thread: rerunning one for its report would only kill another.
  const deaths = new Set<number>()
  let announced = false
  const announce = (): void => {
    if (announced || failures.length === 0 || options.onFirstFailure === undefined) return
    const lowest = failures.reduce((a, b) => (b.seed < a.seed ? b : a))
    if (chunks.every((c) => c.done || c.min > lowest.seed)) {
      announced = true
      options.onFirstFailure(lowest)
    }
  }
  const run = <R>(task: SweepTask): Promise<R> => pool.run<R>(task)

  const runChunk = async (chunk: Chunk): Promise<void> => {
    try {
      collect(await run<ChunkResult>({ ...ref, op: 'chunk', seeds: chunk.seeds }), chunk.seeds)
    } catch (e) {
      if (isFatal(e)) throw e
      // The thread died (or crashed) somewhere in this chunk: find which seeds kill a worker
      // by running each seed alone. Results are kept per seed, so nothing else changes.
      for (const seed of chunk.seeds) {
        try {
          collect(await run<ChunkResult>({ ...ref, op: 'chunk', seeds: [seed] }), [seed])
        } catch (inner) {
          if (isFatal(inner)) throw inner
          deaths.add(seed)
          ran.add(seed)
          failures.push({
            seed,
            kind: 'error',
            detail: `the worker thread running seed ${seed} died: ${describe(inner)}`,
          })
        }
      }
    }
    chunk.done = true
    announce()
  }

  try {
    const outcomes = await Promise.allSettled(chunks.map(runChunk))
    const broken = outcomes.find((o) => o.status === 'rejected')
    if (broken !== undefined) {
      const lost = seeds.filter((s) => !ran.has(s))
      throw sweepFailure(ref, lost, broken.reason, `could not run ${lost.length} seed(s)`)
    }
    failures.sort((a, b) => a.seed - b.seed)
    const durationMs = (): number => performance.now() - started
    if (failures.length === 0) {
      return {
        ok: true,
        runs: seeds.length,
        failingSeeds: [],
        checked,
        ...base,
        durationMs: durationMs(),
      }
    }
    const lowest = failures[0]!
    // A seed that kills its thread has no report to fetch: its failure is the death itself.
    const death: FailureResult = {
      report: { ok: false, runs: 1, failure: { ...lowest, trace: [] } },
    }
    const full = deaths.has(lowest.seed)
      ? death
      : await run<FailureResult>({ ...ref, op: 'failure', seed: lowest.seed }).catch(
          (e: unknown): FailureResult => {
            if (!isFatal(e)) return death
            const what = `ran every seed but lost the full report of failing seed ${lowest.seed}`
            throw sweepFailure(ref, [lowest.seed], e, what)
          },
        )
    const failure: RunFailure = full.report.failure ?? {
      // The seed failed in its chunk but passes alone: the target is not a function of its seed.
      kind: 'error',
      seed: lowest.seed,
      detail: `seed ${lowest.seed} failed in the sweep (${lowest.kind}: ${lowest.detail}) but passed when run alone: the target reads state shared between runs or another source of nondeterminism`,
      trace: [],
    }
    return {
      ok: false,
      runs: seeds.length,
      failure,
      failingSeeds: failures,
      checked,
      ...(full.reported && { reported: full.reported }),
      ...base,
      durationMs: durationMs(),
    }
  } finally {
    await pool.destroy()
  }
}

/** A pool whose `run` rejects, instead of waiting forever, when a worker dies or cannot start. */
interface SweepPool {
  run<R>(task: SweepTask): Promise<R>
  destroy(): Promise<void>
}

/** The part of tinypool's thread wrapper the death watch uses. */
interface PoolThread {
  once(event: 'exit', listener: (code: number) => void): void
  emit(event: 'error', error: Error): boolean
}

function createPool(
  threads: number,
  conditions: readonly string[],
  signal?: AbortSignal,
): SweepPool {
  const pool = new Tinypool({
    // A URL object: tinypool imports non-file URLs (the data: bootstrap) as they are.
    filename: workerFile() as unknown as string,
    minThreads: threads,
    maxThreads: threads,
    isolateWorkers: false,
    execArgv: conditions.map((c) => `--conditions=${c}`),
  })
  // tinypool reports a worker that fails outside any task (e.g. while loading) as a pool 'error'
  // and leaves queued tasks waiting: turn it into a rejection of every task.
  let destroying = false
  let failed: (e: unknown) => void = () => {}
  const failure = new Promise<never>((_, reject) => {
    failed = reject
  })
  failure.catch(() => {})
  pool.on('error', (e: unknown) =>
    failed(new PoolStopped(`a sweep worker thread failed: ${describe(e)}`, [], { cause: e })),
  )
  // An abort (a test timeout, a cancelled run) stops every thread now, not when it is done.
  const onAbort = (): void => {
    failed(
      new PoolStopped(`sweep aborted: ${describe(signal?.reason)}`, [], { cause: signal?.reason }),
    )
    destroying = true
    void pool.destroy()
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  // tinypool's thread runtime does not notice a thread that exits (process.exit() in user code):
  // its tasks would wait forever. Turn the exit into the thread 'error' tinypool does handle: it
  // rejects exactly that thread's tasks and starts a replacement (watched in turn).
  const watched = new WeakSet<object>()
  const watch = (): void => {
    for (const t of pool.threads as unknown as PoolThread[]) {
      if (watched.has(t)) continue
      watched.add(t)
      t.once('exit', (code) => {
        if (destroying) return
        t.emit('error', new Error(`worker thread exited with code ${code}`))
        watch()
      })
    }
  }
  watch()
  return {
    run: async <R>(task: SweepTask): Promise<R> => {
      watch()
      const r = await Promise.race([pool.run(task) as Promise<R | LoadFailure>, failure])
      if (r !== null && typeof r === 'object' && 'loadError' in r) {
        throw new TargetLoadError(r.loadError)
      }
      return r as R
    },
    destroy: async () => {
      signal?.removeEventListener('abort', onAbort)
      if (destroying) return
      destroying = true
      await pool.destroy()
    },
  }
}

/** Runs one seed of a target in a worker thread and returns its trace digest (determinism proofs). */
export async function digestInWorker(
  module: string | URL,
  exportName: string,
  seed: number,
  conditions: readonly string[] = [],
): Promise<string> {
  const pool = createPool(1, conditions)
  try {
    return await pool.run<string>({ ...targetRef(module, exportName), op: 'digest', seed })
  } finally {
    await pool.destroy()
  }
}
