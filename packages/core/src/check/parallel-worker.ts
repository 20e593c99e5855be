/**
 * A `checkParallel` worker thread: loads the model, holds its slice of the current BFS level,
 * expands it with the one search engine and sends back the successors' fingerprints. The
 * coordinating thread decides which are new (in `check`'s order), so counts and traces are
 * those of `check`.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { ParallelCheckError, UserCodeError } from '../errors.ts'
import { modelExport } from '../load/model-export.ts'
import { importFailure, loadTypeScript, TS_FILE } from '../load/module.ts'
import type { Model } from '../model/model.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { describeUserError, failingInvariant } from './check.ts'
import { BreadthFirstSearch, type FingerprintStore } from './engine.ts'
import type {
  Expansion,
  KeepResult,
  SliceStop,
  WorkerReply,
  WorkerRequest,
} from './parallel-protocol.ts'
import { rebuildTrace } from './trace.ts'

/**
 * Records the successors the coordinator must see. A fingerprint this worker already sent (in
 * this level or an earlier one) is a duplicate for certain: the coordinator stores, in `check`'s
 * order, every state it is sent before the search goes on, and an earlier successor of this
 * worker comes earlier in that order. So it is not sent again, nor its state kept.
 */
class SuccessorSink implements FingerprintStore {
  size = 0
  fps = new Int32Array(2048)
  parents = new Int32Array(1024)
  ordinals = new Int32Array(1024)
  /** Every fingerprint this worker has sent. */
  readonly sent = new VisitedStore()

  indexOf(hi: number, lo: number): number {
    return this.sent.indexOf(hi, lo)
  }

  add(hi: number, lo: number, parent: number): number {
    const n = this.size
    if (n === this.parents.length) {
      this.fps = grow(this.fps, n * 4)
      this.parents = grow(this.parents, n * 2)
      this.ordinals = grow(this.ordinals, n * 2)
    }
    this.sent.add(hi, lo, -1)
    this.fps[2 * n] = hi
    this.fps[2 * n + 1] = lo
    this.parents[n] = parent
    // The edge visitor counts this successor right after it is stored.
    this.ordinals[n] = counted + 1
    this.size = n + 1
    return n
  }

  reset(): void {
    this.size = 0
  }
}

function grow(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n)
  b.set(a)
  return b
}

let model: Model<unknown>
let deadlock = true
let names: string[] = []
let predicates: ((s: unknown) => boolean)[] = []
const sink = new SuccessorSink()
let search: BreadthFirstSearch<unknown>
/** Successors counted by the edge visitor in the current slice. */
let counted = 0
let stop: SliceStop | undefined
/** This worker's slice of the level being expanded, and the successors of the last expansion. */
let slice: unknown[] = []
let pending: unknown[] = []

async function load(module: string, exportName: string): Promise<Model<unknown>> {
  if (TS_FILE.test(new URL(module).pathname)) {
    await loadTypeScript(
      (e) =>
        new ParallelCheckError(
          `cannot load TypeScript in a checkParallel worker thread: this Node (${process.version}) has no type stripping and 'tsx' is not installed. Install it (npm i -D tsx) or point checkParallel at compiled JavaScript.`,
          undefined,
          [],
          { cause: e },
        ),
    )
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(module)) as Record<string, unknown>
  } catch (e) {
    throw new ParallelCheckError(
      `checkParallel worker cannot import ${module}: ${importFailure(module, e)}`,
    )
  }
  return modelExport(mod, exportName, module)
}

function start(m: Model<unknown>): void {
  model = m
  names = Object.keys(m.invariants)
  predicates = names.map((n) => m.invariants[n]!)
  search = new BreadthFirstSearch(
    m,
    {
      state(_s, i, initial) {
        if (initial) sink.ordinals[i] = search.generated - generatedBefore
      },
      edge() {
        counted++
      },
      expanded(si, count, s) {
        if (count > 0 || !deadlock) return false
        try {
          if (m.terminal?.(s)) return false
        } catch (e) {
          stop = {
            kind: 'error',
            at: si,
            error: describeUserError(new UserCodeError('terminal', m.name, e)),
          }
          return true
        }
        stop = { kind: 'deadlock', at: si }
        return true
      },
    },
    {},
    sink,
  )
}

let generatedBefore = 0

function expansion(): Expansion {
  const n = sink.size
  const failure = search.failure
  if (failure !== undefined && stop === undefined) {
    stop = { kind: 'error', at: failure.index, error: describeUserError(failure.error) }
  }
  const result: Expansion = {
    fps: sink.fps.slice(0, 2 * n),
    parents: sink.parents.slice(0, n),
    ordinals: sink.ordinals.slice(0, n),
    generated: search.generated - generatedBefore,
    ...(stop && { stop }),
  }
  // The engine is reused for the next slice: forget how this one ended.
  search.failure = undefined
  search.stopped = false
  return result
}

function prepare(): void {
  sink.reset()
  counted = 0
  stop = undefined
  generatedBefore = search.generated
}

function keep(flags: Uint8Array, invariants: boolean): KeepResult {
  const next: unknown[] = []
  for (let i = 0; i < pending.length; i++) if (flags[i] === 1) next.push(pending[i])
  pending = []
  slice = next
  if (invariants) {
    for (let i = 0; i < next.length; i++) {
      const failed = failingInvariant(names, predicates, next[i])
      if (failed !== undefined) {
        return {
          size: next.length,
          violation: {
            at: i,
            name: failed.name,
            ...(failed.error && { error: describeUserError(failed.error) }),
          },
        }
      }
    }
  }
  return { size: next.length }
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.op) {
    case 'load':
      deadlock = req.deadlock
      start(await load(req.module, req.export))
      return { loaded: { model: model.name } }
    case 'init':
      prepare()
      pending = search.initialLevel()
      return expansion()
    case 'expand':
      prepare()
      pending = search.expandSlice(slice, 0)
      slice = []
      return expansion()
    case 'keep':
      return keep(req.flags, req.invariants)
    case 'take': {
      const n = req.n
      const states = req.end === 'front' ? slice.splice(0, n) : slice.splice(slice.length - n, n)
      return { states, size: slice.length }
    }
    case 'put':
      slice = req.end === 'front' ? [...req.states, ...slice] : [...slice, ...req.states]
      return { size: slice.length }
    case 'trace': {
      const store = new VisitedStore(16)
      for (let k = 0; k < req.path.length; k += 2) {
        store.add(req.path[k]!, req.path[k + 1]!, k / 2 - 1)
      }
      return { trace: rebuildTrace(model, store, search.key, store.size - 1) }
    }
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (reply) => parentPort!.postMessage(reply),
    (e: unknown) => {
      const err = e as { name?: string; message?: string; trace?: unknown[] }
      const fatal = {
        name: typeof err?.name === 'string' ? err.name : 'Error',
        message: typeof err?.message === 'string' ? err.message : String(e),
        ...(Array.isArray(err?.trace) && err.trace.length > 0 && { trace: err.trace }),
      }
      try {
        parentPort!.postMessage({ fatal })
      } catch {
        // The trace could not be cloned: send the error alone.
        parentPort!.postMessage({ fatal: { name: fatal.name, message: fatal.message } })
      }
    },
  )
})
