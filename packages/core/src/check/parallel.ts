/**
 * `checkParallel`: `check` on worker threads, with `check`'s exact counts and shortest trace.
 *
 * The search stays strictly level by level. Each worker holds a contiguous slice of the current
 * level (full states live only in workers), expands it with the same engine as `check` and
 * sends back its successors' fingerprints. This thread owns the visited-state store and
 * deduplicates the slices in worker order, which is exactly the order in which `check` meets
 * the successors: so state numbers, parents, `distinct`, `generated` and `depth` are those of
 * `check`, and the counterexample is the same shortest trace. Workers then keep their new
 * states (checking invariants on them) and the slices are rebalanced by moving states between
 * neighbours, which preserves their order.
 *
 * @module
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { ParallelCheckError } from '../errors.ts'
import { type ModelTarget, targetModuleUrl } from '../load/model-export.ts'
import { workerEntry } from '../load/worker-entry.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { keyList, type OptionKey } from '../options.ts'
import { deadlockViolation, errorViolation, invariantViolation, validateOptions } from './check.ts'
import { ProgressClock, type SearchCounts } from './outcome.ts'
import type {
  Expansion,
  Fatal,
  KeepResult,
  WorkerReply,
  WorkerRequest,
} from './parallel-protocol.ts'
import {
  CHECK_OPTION_KEYS,
  type CheckOptions,
  type CheckResult,
  type Incompleteness,
  type SafetyViolation,
  type Step,
} from './types.ts'

export type { ModelTarget }

/** Options of {@link checkParallel}: those of `check`, plus the number of workers. */
export interface ParallelCheckOptions extends CheckOptions {
  /** Worker threads: a positive integer, or `auto` for the available parallelism. Default `auto`. */
  workers?: number | 'auto'
}

/** The keys {@link ParallelCheckOptions} may have: anything else is a typo `checkParallel` rejects. */
export const PARALLEL_CHECK_OPTION_KEYS: readonly OptionKey<ParallelCheckOptions>[] =
  keyList<ParallelCheckOptions>()([...CHECK_OPTION_KEYS, 'workers'])

/**
 * Model-checks the model exported by `target` like {@link check}, on worker threads: the same
 * `distinct`, `generated` and `depth`, and the same shortest counterexample. Each worker
 * imports the module itself, so the model must be exported from a module (a Model cannot be
 * sent to a thread).
 *
 * @example
 * const r = await checkParallel(
 *   { module: new URL('./two-phase.model.ts', import.meta.url), export: 'twoPhase' },
 *   { workers: 2 },
 * )
 *
 * @throws {OptionsError} when `opts` has a key `checkParallel` does not know.
 * @throws {ParallelCheckError} (as a rejection) when the module or export cannot be loaded, a
 *   worker thread dies, or the model throws what `check` would throw.
 */
export async function checkParallel<S = unknown>(
  target: ModelTarget,
  opts: ParallelCheckOptions = {},
): Promise<CheckResult<S>> {
  const { workers = 'auto', ...checkOpts } = opts
  validateOptions(opts, 'checkParallel()', PARALLEL_CHECK_OPTION_KEYS)
  const count = workerCount(workers)
  const module = targetModuleUrl(target)
  const pool = new WorkerPool(count)
  try {
    await pool.all(() => ({
      op: 'load',
      module,
      export: target.export ?? 'default',
      deadlock: checkOpts.deadlock !== false,
    }))
    const name = (pool.lastLoaded as { loaded: { model: string } }).loaded.model
    return (await new ParallelSearch<S>(pool, name, checkOpts).run()) as CheckResult<S>
  } finally {
    await pool.close()
  }
}

function workerCount(workers: number | 'auto'): number {
  if (workers === 'auto') return Math.max(1, availableParallelism())
  if (!(Number.isInteger(workers) && workers > 0)) {
    throw new RangeError(
      `checkParallel(): workers must be a positive integer or 'auto', got ${String(workers)}`,
    )
  }
  return workers
}

/** The `--conditions` flags among Node's own arguments, each as one `--conditions=x`. */
function exportConditions(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--conditions=')) out.push(a)
    else if ((a === '--conditions' || a === '-C') && i + 1 < argv.length) {
      out.push(`--conditions=${argv[++i]}`)
    }
  }
  return out
}

/** Worker threads answering one request at a time each; a dead thread fails the check. */
class WorkerPool {
  readonly size: number
  readonly #workers: Worker[] = []
  readonly #waiting: (((r: WorkerReply) => void) | undefined)[] = []
  #failed: ((e: Error) => void)[] = []
  #error: Error | undefined
  #closing = false
  lastLoaded: WorkerReply | undefined

  constructor(size: number) {
    this.size = size
    // From musil's sources, the user's module must see musil's sources too (one copy of core).
    const fromSource = /\.ts$/.test(new URL(import.meta.url).pathname)
    const conditions = exportConditions(process.execArgv)
    if (fromSource && !conditions.some((c) => c.includes('@musil/source'))) {
      conditions.push('--conditions=@musil/source')
    }
    const entry = workerEntry(import.meta.url, 'parallel-worker', 'thread')
    for (let i = 0; i < size; i++) {
      const w = new Worker(entry, { execArgv: conditions })
      w.on('message', (r: WorkerReply) => {
        const resolve = this.#waiting[i]
        this.#waiting[i] = undefined
        resolve?.(r)
      })
      w.on('error', (e) =>
        this.#fail(
          new ParallelCheckError(
            `checkParallel: worker thread ${i} failed: ${e instanceof Error ? e.message : String(e)}`,
            undefined,
            [],
            { cause: e },
          ),
        ),
      )
      w.on('exit', (code) => {
        if (!this.#closing) {
          this.#fail(
            new ParallelCheckError(`checkParallel: worker thread ${i} exited with code ${code}`),
          )
        }
      })
      this.#workers.push(w)
    }
  }

  #fail(e: Error): void {
    if (this.#error !== undefined) return
    this.#error = e
    for (const f of this.#failed) f(e)
    this.#failed = []
  }

  /** Sends a request to worker `i` and waits for its reply; a fatal reply rejects. */
  request<R extends WorkerReply>(i: number, req: WorkerRequest): Promise<R> {
    if (this.#error !== undefined) return Promise.reject(this.#error)
    return new Promise<R>((resolve, reject) => {
      this.#failed.push(reject)
      this.#waiting[i] = (r) => {
        this.#failed = this.#failed.filter((f) => f !== reject)
        if ('fatal' in r) {
          const f = (r as Fatal).fatal
          reject(
            new ParallelCheckError(
              f.name === 'ParallelCheckError' ? f.message : `${f.name}: ${f.message}`,
              f.name,
              f.trace ?? [],
            ),
          )
        } else resolve(r as R)
      }
      this.#workers[i]!.postMessage(req)
    })
  }

  /** The same kind of request to every worker, in parallel; replies in worker order. */
  async all<R extends WorkerReply>(req: (i: number) => WorkerRequest): Promise<R[]> {
    const replies = await Promise.all(this.#workers.map((_, i) => this.request<R>(i, req(i))))
    this.lastLoaded = replies[0]
    return replies
  }

  async close(): Promise<void> {
    this.#closing = true
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }
}

/** The coordinating side of one parallel search. */
class ParallelSearch<S> {
  readonly pool: WorkerPool
  readonly model: string
  readonly opts: CheckOptions
  readonly store = new VisitedStore()
  readonly maxStates: number
  readonly maxDepth: number
  readonly clock: ProgressClock
  generated = 0
  depth = 0
  /** States each worker holds of the level to expand next. */
  sizes: number[]
  violation: SafetyViolation<S> | undefined
  incomplete: Incompleteness | undefined
  /** `distinct` at a violation found in the middle of a level (the store holds the whole level). */
  distinctAtStop: number | undefined

  constructor(pool: WorkerPool, model: string, opts: CheckOptions) {
    this.pool = pool
    this.model = model
    this.opts = opts
    this.maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY
    this.maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY
    this.sizes = new Array<number>(pool.size).fill(0)
    this.clock = new ProgressClock(opts)
  }

  async run(): Promise<CheckResult<S>> {
    const init = await this.pool.request<Expansion>(0, { op: 'init' })
    const slices: Expansion[] = [init]
    for (let w = 1; w < this.pool.size; w++) slices.push(empty)
    let levelStart = 0
    // The initial states are the successors of a virtual level with no states.
    let level = await this.absorb(slices, -1, false)
    if (level > 0) this.depth = 1
    while (level > 0 && !this.ended) {
      await this.rebalance(level)
      const probe = this.depth >= this.maxDepth
      const expansions = await this.pool.all<Expansion>(() => ({ op: 'expand' }))
      const next = await this.absorb(expansions, levelStart, probe)
      if (probe) break
      levelStart += level
      level = next
      if (level > 0 && this.violation === undefined) this.depth++
      this.clock.tick(() => this.counts(), level)
    }
    return this.result()
  }

  get ended(): boolean {
    return this.violation !== undefined || this.incomplete !== undefined
  }

  /**
   * Deduplicates the workers' slices in order (`check`'s order), has the workers keep their new
   * states and check invariants on them, and settles how the level ended. Returns the number
   * of new states.
   */
  async absorb(expansions: Expansion[], levelStart: number, probe: boolean): Promise<number> {
    const { store } = this
    const base = store.size
    const flags = expansions.map((e) => new Uint8Array(e.parents.length))
    /** `generated` after each new state, to report the count at a violation. */
    const generatedAt: number[] = []
    let offset = levelStart
    let cut = false
    let unseen = false
    let stopAt = -1
    let stop: Expansion['stop']
    let generated = this.generated
    for (let w = 0; w < expansions.length && !cut; w++) {
      const e = expansions[w]!
      const { fps, parents, ordinals } = e
      for (let j = 0; j < parents.length; j++) {
        const hi = fps[2 * j]!
        const lo = fps[2 * j + 1]!
        const parent = parents[j]! < 0 ? -1 : offset + parents[j]!
        if (probe) {
          // Successors of a state that then threw do not count (`check` had not finished it).
          if (e.stop?.kind === 'error' && parents[j] === e.stop.at) continue
          if (store.indexOf(hi, lo) < 0) unseen = true
          continue
        }
        if (store.indexOf(hi, lo) >= 0) continue
        if (store.size >= this.maxStates) {
          generated += ordinals[j]!
          cut = true
          break
        }
        store.add(hi, lo, parent)
        flags[w]![j] = 1
        generatedAt.push(generated + ordinals[j]!)
      }
      if (cut) break
      if (!probe) generated += e.generated
      if (e.stop !== undefined) {
        stop = e.stop
        stopAt = offset + e.stop.at
        break
      }
      offset += this.sizes[w]!
    }
    this.generated = generated
    const results = await this.pool.all<KeepResult>((w) => ({
      op: 'keep',
      flags: flags[w]!,
      invariants: !probe,
    }))
    this.sizes = results.map((r) => r.size)
    const added = store.size - base
    // The first new state that breaks an invariant comes before anything else that ended the
    // level: `check` meets it while storing it.
    let newBefore = 0
    for (const r of results) {
      if (r.violation !== undefined) {
        const i = base + newBefore + r.violation.at
        const trace = await this.traceTo(i)
        this.violation =
          r.violation.error === undefined
            ? invariantViolation(r.violation.name, trace)
            : errorViolation(r.violation.error, trace)
        this.distinctAtStop = i + 1
        this.generated = generatedAt[i - base]!
        return i + 1 - base
      }
      newBefore += r.size
    }
    if (cut) {
      this.incomplete = {
        reason: 'maxStates',
        limit: this.maxStates,
        message: `search stopped after ${this.maxStates} distinct states (maxStates): the model was not fully explored; raise maxStates or bound the model with a constraint`,
      }
      return added
    }
    if (probe && unseen) {
      this.incomplete = {
        reason: 'maxDepth',
        limit: this.maxDepth,
        message: `search cut at depth ${this.maxDepth}: states beyond it were not explored; raise maxDepth or bound the model with a constraint`,
      }
    }
    if (stop !== undefined) {
      const trace = await this.traceTo(stopAt)
      this.violation =
        stop.kind === 'deadlock'
          ? deadlockViolation(this.model, trace)
          : errorViolation(stop.error!, trace)
    }
    return added
  }

  /** Moves states between neighbouring workers so that each holds about as many. */
  async rebalance(total: number): Promise<void> {
    const n = this.pool.size
    if (n === 1) return
    const target = (w: number): number => Math.floor((total * w) / n)
    const sizes = this.sizes
    for (let w = 0; w < n - 1; w++) {
      // Workers 0..w must end exactly at target(w + 1).
      let end = 0
      for (let k = 0; k <= w; k++) end += sizes[k]!
      const want = target(w + 1)
      if (end > want) {
        const r = await this.pool.request<{ states: unknown[]; size: number }>(w, {
          op: 'take',
          end: 'back',
          n: end - want,
        })
        sizes[w] = r.size
        const p = await this.pool.request<{ size: number }>(w + 1, {
          op: 'put',
          end: 'front',
          states: r.states,
        })
        sizes[w + 1] = p.size
      } else {
        let need = want - end
        for (let k = w + 1; k < n && need > 0; k++) {
          const take = Math.min(need, sizes[k]!)
          if (take === 0) continue
          const r = await this.pool.request<{ states: unknown[]; size: number }>(k, {
            op: 'take',
            end: 'front',
            n: take,
          })
          sizes[k] = r.size
          const p = await this.pool.request<{ size: number }>(w, {
            op: 'put',
            end: 'back',
            states: r.states,
          })
          sizes[w] = p.size
          need -= take
        }
      }
    }
  }

  async traceTo(i: number): Promise<Step<S>[]> {
    const path = this.store.pathTo(i)
    const fps = new Int32Array(path.length * 2)
    for (let k = 0; k < path.length; k++) {
      fps[2 * k] = this.store.hi(path[k]!)
      fps[2 * k + 1] = this.store.lo(path[k]!)
    }
    const r = await this.pool.request<{ trace: Step<S>[] }>(0, { op: 'trace', path: fps })
    return r.trace
  }

  counts(): SearchCounts {
    return {
      distinct: this.distinctAtStop ?? this.store.size,
      generated: this.generated,
      depth: this.depth,
    }
  }

  result(): CheckResult<S> {
    const counts = this.counts()
    return this.clock.result(
      this.model,
      counts,
      this.store.bytesInUseAt(counts.distinct),
      this.violation,
      this.incomplete,
    )
  }
}

/** A worker with nothing to expand. */
const empty: Expansion = {
  fps: new Int32Array(0),
  parents: new Int32Array(0),
  ordinals: new Int32Array(0),
  generated: 0,
}
