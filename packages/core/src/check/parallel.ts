/**
 * `checkParallel`: `check` on worker threads, with `check`'s exact counts and shortest trace.
 *
 * The search stays strictly level by level. Each worker holds a contiguous slice of the current
 * level (full states live only in workers) and expands it with the same engine as `check`,
 * inserting the successors' fingerprints straight into one table shared by all threads
 * (`parallel-table.ts`). States are numbered in `check`'s order, and a fingerprint keeps the
 * smallest parent that reached it, so once every worker is done the successors still holding
 * their parent are exactly the states `check` stores, with `check`'s parents: `distinct`,
 * `generated`, `depth` and the counterexample are those of `check`. This thread only settles
 * how each level ended (invariant, deadlock, error, bounds, in `check`'s order), keeps the
 * new states' fingerprints for traces, grows the table, and evens out the slices by moving
 * states between neighbouring workers, which preserves their order.
 *
 * @module
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { CheckpointError, describeError, ParallelCheckError } from '../errors.ts'
import { type ModelTarget, modelExport, targetModuleUrl } from '../load/model-export.ts'
import { workerEntry, workerExecArgv } from '../load/worker-entry.ts'
import type { Model } from '../model/model.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { keyList, type OptionKey } from '../options.ts'
import { validateOptions } from './check.ts'
import { Checkpointer, type LoadedCheckpoint } from './checkpoint.ts'
import { ProgressClock, type SearchCounts } from './outcome.ts'
import type {
  Expansion,
  Fatal,
  KeepResult,
  WorkerReply,
  WorkerRequest,
} from './parallel-protocol.ts'
import { PLAN_LOAD, SharedTable } from './parallel-table.ts'
import { rehydrateTrace } from './rehydrate.ts'
import {
  CHECK_OPTION_KEYS,
  type CheckOptions,
  type CheckResult,
  type Incompleteness,
  type SafetyViolation,
  type Step,
} from './types.ts'
import { deadlockViolation, errorViolation, invariantViolation } from './violations.ts'

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
  if (opts.mode === 'random-walk' || opts.memory !== undefined) {
    throw new RangeError(
      `checkParallel(): ${opts.mode === 'random-walk' ? "mode: 'random-walk'" : 'memory'} is check()'s: ${opts.mode === 'random-walk' ? 'a random walk runs on one thread' : "the level lives in the workers' memory"}; use check(model, opts) for it`,
    )
  }
  const count = workerCount(workers)
  const module = targetModuleUrl(target)
  const pool = new WorkerPool(count)
  const table = new SharedTable()
  try {
    await pool.all(() => ({
      op: 'load',
      module,
      export: target.export ?? 'default',
      deadlock: checkOpts.deadlock !== false,
      table: table.buffer,
      control: table.control.buffer,
    }))
    const name = (pool.lastLoaded as { loaded: { model: string } }).loaded.model
    const cp = checkOpts.checkpoint
    let checkpointer: Checkpointer | undefined
    if (cp !== undefined) {
      const { digest } = await pool.request<{ digest: string }>(0, {
        op: 'digest',
        ...(checkOpts.maxStates !== undefined && { maxStates: checkOpts.maxStates }),
        ...(checkOpts.maxDepth !== undefined && { maxDepth: checkOpts.maxDepth }),
        deadlock: checkOpts.deadlock !== false,
      })
      checkpointer = new Checkpointer(cp.dir, cp.everyMs, digest, name)
    }
    const search = new ParallelSearch<S>(pool, name, checkOpts, table, checkpointer)
    const result = (await search.run()) as CheckResult<S>
    return await withLocalStates(result, module, target.export ?? 'default')
  } finally {
    await pool.close()
  }
}

/**
 * `result` with its trace's states rebuilt in this thread: the workers' copies lost what
 * structured cloning drops (a channel's message renderers). Imports the module here only when
 * there is a trace, and plainly: this thread registers no TypeScript loader of its own, so where
 * it cannot import the module (TypeScript from compiled code without tsx), the workers' equal,
 * plainer states stay.
 */
async function withLocalStates<S>(
  result: CheckResult<S>,
  module: string,
  exportName: string,
): Promise<CheckResult<S>> {
  const v = result.violation
  if (v === undefined || v.trace.length === 0) return result
  let model: Model<S>
  try {
    const mod = (await import(module)) as Record<string, unknown>
    model = modelExport(mod, exportName, module) as Model<S>
  } catch {
    return result
  }
  return { ...result, violation: { ...v, trace: rehydrateTrace(model, v.trace) } }
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
    const conditions = workerExecArgv(import.meta.url)
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
            `checkParallel: worker thread ${i} failed: ${describeError(e, 'message')}`,
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
      this.#workers[i]!.postMessage(req, req.op === 'put' ? [req.states.buffer] : [])
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
  readonly table: SharedTable
  readonly maxStates: number
  readonly maxDepth: number
  readonly clock: ProgressClock
  /** Fingerprints of the states, hi and lo, by state number (for traces). */
  fps = new Int32Array(1 << 12)
  distinct = 0
  generated = 0
  depth = 0
  /** States each worker holds of the level to expand next. */
  sizes: number[]
  /**
   * New fingerprints per expanded state so far (about: workers count inserts in batches), to
   * size the table before a level; a level that does not fit is redone in a larger table.
   */
  branching = 4
  inserted = 0
  expanded = 0
  violation: SafetyViolation<S> | undefined
  incomplete: Incompleteness | undefined
  readonly checkpoint: Checkpointer | undefined
  resumed = false

  constructor(
    pool: WorkerPool,
    model: string,
    opts: CheckOptions,
    table: SharedTable,
    checkpoint?: Checkpointer,
  ) {
    this.checkpoint = checkpoint
    this.pool = pool
    this.model = model
    this.opts = opts
    this.table = table
    this.maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY
    this.maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY
    this.sizes = new Array<number>(pool.size).fill(0)
    this.clock = new ProgressClock(opts)
  }

  async run(): Promise<CheckResult<S>> {
    let levelStart = 0
    let level: number
    const saved = this.checkpoint?.load()
    if (saved !== undefined) {
      ;({ levelStart, levelSize: level } = saved.meta)
      await this.restore(saved)
    } else {
      // The initial states are the successors of a virtual level with no states.
      level = await this.absorb(await this.expand(-1, 0), -1, false)
      if (level > 0) this.depth = 1
    }
    // The boundary a search resumed from is the checkpoint already on disk.
    let skip = saved !== undefined
    while (level > 0 && !this.ended) {
      if (this.checkpoint?.due && !skip) await this.save(levelStart, level)
      skip = false
      await this.rebalance(level)
      const probe = this.depth >= this.maxDepth
      const expansions = await this.expand(levelStart, level)
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
   * Has the workers expand their slices of the level starting at state `levelStart` (-1: the
   * initial states, on worker 0), growing the table first if the level may not fit, and
   * again (forgetting the level) if it did not.
   */
  async expand(levelStart: number, level: number): Promise<Expansion[]> {
    const { table } = this
    const entries = this.distinct
    const expected = level === 0 ? 1 << 12 : level * this.branching * 1.25
    let capacity = table.capacity
    while (entries + expected > capacity * PLAN_LOAD) capacity *= 2
    for (;;) {
      if (capacity !== table.capacity) {
        table.rebuild(capacity, levelStart + 2)
        await this.pool.all(() => ({ op: 'table', table: table.buffer }))
      }
      Atomics.store(table.control, 0, 0)
      const limit = table.limit(entries)
      let expansions: Expansion[]
      if (levelStart < 0) {
        expansions = [await this.pool.request<Expansion>(0, { op: 'init', limit })]
        for (let w = 1; w < this.pool.size; w++) expansions.push(empty)
      } else {
        let base = levelStart
        const bases = this.sizes.map((n) => {
          base += n
          return base - n
        })
        expansions = await this.pool.all<Expansion>((w) => ({
          op: 'expand',
          base: bases[w]!,
          limit,
        }))
      }
      if (!expansions.some((e) => e.overflow)) {
        if (level > 0) {
          this.inserted += Atomics.load(table.control, 0)
          this.expanded += level
          this.branching = Math.max(1, this.inserted / this.expanded)
        }
        return expansions
      }
      capacity *= 2
    }
  }

  /**
   * Settles a level the workers expanded: has them keep their new states (checking invariants
   * on them) and decides, in `check`'s order, how the level ended. Returns the number of new
   * states.
   */
  async absorb(expansions: Expansion[], levelStart: number, probe: boolean): Promise<number> {
    // A stop in a slice ends the level there: later slices are as if never expanded.
    let last = expansions.findIndex((e) => e.stop !== undefined)
    if (last < 0) last = expansions.length - 1
    const stop = expansions[last]!.stop
    let stopAt = levelStart
    for (let w = 0; w < last; w++) stopAt += this.sizes[w]!
    if (stop !== undefined) stopAt += stop.at
    const base = this.distinct
    let added = 0
    if (probe) {
      if (expansions.slice(0, last + 1).some((e) => e.fresh)) {
        this.incomplete = {
          reason: 'maxDepth',
          limit: this.maxDepth,
          message: `search cut at depth ${this.maxDepth}: states beyond it were not explored; raise maxDepth or bound the model with a constraint`,
        }
      }
    } else {
      const results = await this.pool.all<KeepResult>((w) => ({
        op: 'keep',
        discard: w > last,
        invariants: true,
      }))
      this.sizes = results.map((r) => r.size)
      for (const r of results) this.#record(r.fps)
      added = this.distinct - base
      // `generated` before each worker's slice.
      let generated = this.generated
      let newBefore = 0
      const room = this.maxStates - base
      for (let w = 0; w <= last; w++) {
        const r = results[w]!
        // The first new state that breaks an invariant comes before anything else that ended
        // the level, `check` meets it while storing it, unless it is past maxStates.
        const v = r.violation
        if (v !== undefined && newBefore + v.at < room) {
          const i = base + newBefore + v.at
          const trace = await this.traceTo(i)
          this.violation =
            v.error === undefined
              ? invariantViolation(v.name, trace)
              : errorViolation(v.error, trace)
          this.distinct = i + 1
          this.generated = generated + r.ordinals[v.at]!
          return i + 1 - base
        }
        if (newBefore + r.size > room) {
          this.generated = generated + r.ordinals[room - newBefore]!
          this.distinct = this.maxStates
          this.incomplete = {
            reason: 'maxStates',
            limit: this.maxStates,
            message: `search stopped after ${this.maxStates} distinct states (maxStates): the model was not fully explored; raise maxStates or bound the model with a constraint`,
          }
          return this.distinct - base
        }
        newBefore += r.size
        generated += expansions[w]!.generated
      }
      this.generated = generated
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

  #record(fps: Int32Array): void {
    const need = 2 * this.distinct + fps.length
    if (need > this.fps.length) {
      let n = this.fps.length
      while (n < need) n *= 2
      const grown = new Int32Array(n)
      grown.set(this.fps.subarray(0, 2 * this.distinct))
      this.fps = grown
    }
    this.fps.set(fps, 2 * this.distinct)
    this.distinct += fps.length / 2
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
        const r = await this.pool.request<{ states: Uint8Array<ArrayBuffer>; size: number }>(w, {
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
          const r = await this.pool.request<{ states: Uint8Array<ArrayBuffer>; size: number }>(k, {
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

  /** Writes a checkpoint before the level of `level` states numbered from `levelStart`. */
  async save(levelStart: number, level: number): Promise<void> {
    const { fps, table } = this
    const fingerprints = fps.slice(0, 2 * this.distinct)
    const parents = new Int32Array(this.distinct)
    for (let k = 0; k < this.distinct; k++) parents[k] = table.keyOf(fps[2 * k]!, fps[2 * k + 1]!)
    // Each worker's slice, in order: taken and put back, a copy kept (the put moves the bytes).
    const chunks: Uint8Array[] = []
    for (let w = 0; w < this.pool.size; w++) {
      if (this.sizes[w] === 0) continue
      const r = await this.pool.request<{ states: Uint8Array<ArrayBuffer>; size: number }>(w, {
        op: 'take',
        end: 'front',
        n: this.sizes[w]!,
      })
      chunks.push(r.states.slice())
      await this.pool.request(w, { op: 'put', end: 'front', states: r.states })
    }
    this.checkpoint!.write({
      generated: this.generated,
      depth: this.depth,
      levelStart,
      levelSize: level,
      fingerprints,
      parents,
      chunks,
    })
  }

  /** Starts from a checkpoint: the table, the counters, and the level on worker 0. */
  async restore(saved: LoadedCheckpoint): Promise<void> {
    const { meta, fingerprints } = saved
    const parents = saved.parents
    if (parents === undefined) {
      throw new CheckpointError(
        this.checkpoint!.dir,
        `checkpoint in ${this.checkpoint!.dir} was written by check(), which keeps no parents for checkParallel's traces; resume it with check(), or give checkParallel another checkpoint.dir`,
      )
    }
    const { table } = this
    let capacity = table.capacity
    while (meta.distinct > capacity * PLAN_LOAD) capacity *= 2
    table.rebuild(capacity, 0)
    for (let k = 0; k < meta.distinct; k++) {
      table.insert(fingerprints[2 * k]!, fingerprints[2 * k + 1]!, parents[k]!)
    }
    await this.pool.all(() => ({ op: 'table', table: table.buffer }))
    this.#record(fingerprints)
    this.generated = meta.generated
    this.depth = meta.depth
    for (const states of saved.chunks()) {
      const r = await this.pool.request<{ size: number }>(0, { op: 'put', end: 'back', states })
      this.sizes[0] = r.size
    }
    saved.checkLevel(this.sizes[0]!)
    this.resumed = true
  }

  async traceTo(i: number): Promise<Step<S>[]> {
    const { fps, table } = this
    const path: number[] = []
    for (let k = i; k >= 0; k = table.keyOf(fps[2 * k]!, fps[2 * k + 1]!) - 2) path.push(k)
    path.reverse()
    const trail = new Int32Array(path.length * 2)
    for (let k = 0; k < path.length; k++) {
      trail[2 * k] = fps[2 * path[k]!]!
      trail[2 * k + 1] = fps[2 * path[k]! + 1]!
    }
    const r = await this.pool.request<{ trace: Step<S>[] }>(0, { op: 'trace', path: trail })
    return r.trace
  }

  counts(): SearchCounts {
    return { distinct: this.distinct, generated: this.generated, depth: this.depth }
  }

  result(): CheckResult<S> {
    const counts = this.counts()
    return this.clock.result(
      this.model,
      counts,
      // What `check`'s store holds for as many states (the shared table is reported elsewhere).
      new VisitedStore().bytesInUseAt(counts.distinct),
      this.violation,
      this.incomplete,
      {
        mode: 'bfs',
        spilledStates: 0,
        ...(this.checkpoint !== undefined && { resumed: this.resumed }),
      },
    )
  }
}

const empty: Expansion = { generated: 0, fresh: false, overflow: false }
