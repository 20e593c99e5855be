/**
 * Seed sweeps: a seed range split into chunks over a tinypool of worker threads. Each worker
 * imports the target module by URL and runs whole chunks; the sweep collects every failing seed,
 * so the result is the same for any thread count and chunk size, and reports the lowest failing
 * seed as soon as every seed below it has run. This module does not import Vitest.
 *
 * @module
 */
import { availableParallelism, loadavg } from 'node:os'
import type { RunChecks, RunFailure, RunReport } from '@musil/core'
import {
  checkOptions,
  describeError,
  explainMissingMatchers,
  keyList,
  mergeRunChecks,
  NO_CHECKS,
  type OptionKey,
} from '@musil/core/internal'
import { moduleUrl, workerEntry } from '@musil/core/load'
import Tinypool from 'tinypool'
import type { ReportedFailure, Shard } from '../context.ts'
import { SeedConfigError, SweepError } from '../errors.ts'
import { expandSeeds, inShard, type SeedSet } from '../seeds.ts'
import type { SeedFailure } from '../target.ts'
import type { ChunkResult, FailureResult, LoadFailure, SweepTask, TargetRef } from './protocol.ts'
import runTask from './worker.ts'

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
  /**
   * Where the seeds run. `'auto'` (default): in this process while that is cheaper than starting
   * threads (see {@link chooseMode}), `'threads'`: always worker threads (a seed that crashes or
   * exits its thread cannot take this process down), `'in-process'`: never a thread.
   */
  readonly mode?: SweepMode
}

/** Where a sweep runs its seeds (option `mode`); a report says which one it used. */
export type SweepMode = 'auto' | 'in-process' | 'threads'

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
  'mode',
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
  /** Where the seeds ran: `threads` when any seed ran in a worker thread. */
  readonly mode: 'in-process' | 'threads'
  readonly durationMs: number
}

/**
 * What starting the threads costs before they run a seed: a thread, tsx, the target's module
 * graph (measured 0.3 s on an idle 2-core machine, more under load).
 */
export const THREAD_START_MS = 400

/** In-process time `auto` measures before it trusts its cost per seed. */
const PROBE_MS = 50

/** About the most work one in-process task takes, so that aborts and first failures are seen. */
const BATCH_MS = 100

/**
 * The auto rule, applied before each chunk while the sweep is still in process: stay in process
 * while the seeds left, at the cost per seed measured so far in process, would take no longer
 * there than `THREAD_START_MS` plus their share on `threads` threads. With one thread that is
 * always (a single thread does the same work on one core, after its start-up). A pure function
 * of its arguments, so tests can assert the choice without timing anything.
 */
export function chooseMode(
  threads: number,
  seedsLeft: number,
  msPerSeed: number,
): 'in-process' | 'threads' {
  const inProcess = seedsLeft * msPerSeed
  return inProcess <= THREAD_START_MS + inProcess / threads ? 'in-process' : 'threads'
}

/**
 * The threads that would run in parallel: no more than the cores other work leaves free (the
 * 1-minute load average counts this process too). On a machine already loaded past its cores,
 * threads only share the same CPU, so `auto` stays in process. `loadavg` is 0 on Windows.
 */
export function usableThreads(
  threads: number,
  cores: number = availableParallelism(),
  load: number = loadavg()[0]!,
): number {
  return Math.max(1, Math.min(threads, cores, cores + 1 - Math.floor(load)))
}

/**
 * Whether `auto` may run seeds in this process at all. Not under Vitest: Vitest imports through
 * Vite, which loads what Node in a worker rejects (a `.js` ES module in a CommonJS package), and
 * a test process must outlive a seed that crashes its thread. Not when `conditions` are missing
 * here: the target would resolve another copy of a package than a worker does.
 */
export function autoInProcess(conditions: readonly string[]): boolean {
  return process.env.VITEST === undefined && conditionsActive(conditions)
}

/**
 * Whether a module imported here resolves as it would in a worker started with `conditions`:
 * each of them is active in this process (`--conditions`/`-C` in its flags or NODE_OPTIONS).
 */
export function conditionsActive(conditions: readonly string[]): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  const active = new Set<string>()
  flags.forEach((f, i) => {
    const m = /^(?:--conditions|-C)(?:=(.+))?$/.exec(f)
    const value = m === null ? undefined : (m[1] ?? flags[i + 1])
    if (value !== undefined) active.add(value)
  })
  return conditions.every((c) => active.has(c))
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
    `sweep of ${ref.module}#${ref.export} ${what}: ${describeError(e, 'message')}`,
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
      mode: 'in-process',
      durationMs: performance.now() - started,
    }
  }

  options.signal?.throwIfAborted()
  const conditions = options.conditions ?? []
  const mode = options.mode ?? 'auto'
  // The worker threads, started only when a chunk is sent to them.
  let threaded: SweepPool | undefined
  const pool = (): SweepPool => {
    threaded ??= createPool(threads, conditions, options.signal)
    return threaded
  }
  const local = mode === 'in-process' || (mode === 'auto' && autoInProcess(conditions))
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
  const run = <R>(task: SweepTask): Promise<R> => pool().run<R>(task)

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
            detail: `the worker thread running seed ${seed} died: ${describeError(inner)}`,
          })
        }
      }
    }
    chunk.done = true
    announce()
  }

  try {
    if (local) {
      await runInProcess(
        ref,
        chunks,
        threads,
        mode === 'auto',
        options.signal,
        collect,
        announce,
      ).catch((e: unknown) => {
        const lost = seeds.filter((s) => !ran.has(s))
        throw sweepFailure(ref, lost, e, `could not run ${lost.length} seed(s)`)
      })
    }
    const outcomes = await Promise.allSettled(chunks.filter((c) => !c.done).map(runChunk))
    const broken = outcomes.find((o) => o.status === 'rejected')
    if (broken !== undefined) {
      const lost = seeds.filter((s) => !ran.has(s))
      throw sweepFailure(ref, lost, broken.reason, `could not run ${lost.length} seed(s)`)
    }
    failures.sort((a, b) => a.seed - b.seed)
    const durationMs = (): number => performance.now() - started
    const ranIn = threaded === undefined ? 'in-process' : 'threads'
    if (failures.length === 0) {
      return {
        ok: true,
        runs: seeds.length,
        failingSeeds: [],
        checked,
        ...base,
        mode: ranIn,
        durationMs: durationMs(),
      }
    }
    const lowest = failures[0]!
    // A seed that kills its thread has no report to fetch: its failure is the death itself.
    const death: FailureResult = {
      report: { ok: false, runs: 1, failure: { ...lowest, trace: [] } },
    }
    const failureTask: SweepTask = { ...ref, op: 'failure', seed: lowest.seed }
    const full = deaths.has(lowest.seed)
      ? death
      : threaded === undefined
        ? await inProcess<FailureResult>(failureTask)
        : await run<FailureResult>(failureTask).catch((e: unknown): FailureResult => {
            if (!isFatal(e)) return death
            const what = `ran every seed but lost the full report of failing seed ${lowest.seed}`
            throw sweepFailure(ref, [lowest.seed], e, what)
          })
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
      mode: ranIn,
      durationMs: durationMs(),
    }
  } finally {
    await threaded?.destroy()
  }
}

/** A seed called `process.exit` while running in process: its chunk goes to a thread instead. */
class ExitInProcess extends Error {}

/**
 * Runs one task in this process, with the worker's own code. The result is structured-cloned,
 * as a thread's is, so a report is the same value byte for byte wherever its seeds ran. While it
 * runs, `process.exit` throws instead: a target that exits its thread must not end this process.
 */
async function inProcess<R>(task: SweepTask): Promise<R> {
  const exit = process.exit
  // The target may catch the throw (a node's error is a failed run): the flag still tells.
  let exited: ExitInProcess | undefined
  process.exit = ((code?: number) => {
    exited = new ExitInProcess(`process.exit(${String(code)}) while running in process`)
    throw exited
  }) as typeof process.exit
  try {
    const r = await runTask(task)
    if (exited !== undefined) throw exited
    if (r !== null && typeof r === 'object' && 'loadError' in r) {
      throw new TargetLoadError(r.loadError)
    }
    return structuredClone(r) as R
  } finally {
    process.exit = exit
  }
}

/**
 * The in-process part of a sweep: chunks in order, each marked done, until none is left or (auto)
 * {@link chooseMode} says the rest is cheaper on threads, or a seed calls `process.exit` (its
 * chunk then runs in a thread, where it dies and is reported as threads report it).
 */
async function runInProcess(
  ref: TargetRef,
  chunks: readonly Chunk[],
  threads: number,
  auto: boolean,
  signal: AbortSignal | undefined,
  collect: (r: ChunkResult, seeds: readonly number[]) => void,
  announce: () => void,
): Promise<void> {
  // Load the target first, so that the cost per seed does not include its import.
  await inProcess<ChunkResult>({ ...ref, op: 'chunk', seeds: [] })
  const started = performance.now()
  let ran = 0
  let left = chunks.reduce((n, c) => n + c.seeds.length, 0)
  // Each in-process task is one `simulate`/`explore` call, with its own set-up: the batches grow
  // (twice the seeds each time, up to about BATCH_MS of work) so a cheap sweep makes a few calls,
  // not one per chunk. Whole chunks only, so the threads can take over at any chunk boundary.
  let want = 0
  for (let next = 0; next < chunks.length; ) {
    if (signal?.aborted) {
      throw new PoolStopped(`sweep aborted: ${describeError(signal.reason, 'message')}`, [], {
        cause: signal.reason,
      })
    }
    // Decide on at least PROBE_MS of seeds: one chunk's time is mostly warm-up (JIT, first GC).
    const elapsed = performance.now() - started
    if (
      auto &&
      elapsed >= PROBE_MS &&
      chooseMode(usableThreads(threads), left, elapsed / ran) === 'threads'
    ) {
      return
    }
    const batch: Chunk[] = []
    const seeds: number[] = []
    while (next < chunks.length && (batch.length === 0 || seeds.length < want)) {
      const chunk = chunks[next++]!
      batch.push(chunk)
      seeds.push(...chunk.seeds)
    }
    let r: ChunkResult
    try {
      r = await inProcess<ChunkResult>({ ...ref, op: 'chunk', seeds })
    } catch (e) {
      if (e instanceof ExitInProcess) return
      throw e
    }
    collect(r, seeds)
    for (const chunk of batch) chunk.done = true
    announce()
    ran += seeds.length
    left -= seeds.length
    const perSeed = (performance.now() - started) / ran
    want = perSeed * 2 * seeds.length <= BATCH_MS ? 2 * seeds.length : seeds.length
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
    failed(
      new PoolStopped(`a sweep worker thread failed: ${describeError(e, 'message')}`, [], {
        cause: e,
      }),
    ),
  )
  // An abort (a test timeout, a cancelled run) stops every thread now, not when it is done.
  const onAbort = (): void => {
    failed(
      new PoolStopped(`sweep aborted: ${describeError(signal?.reason, 'message')}`, [], {
        cause: signal?.reason,
      }),
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
