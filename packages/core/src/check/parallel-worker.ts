/**
 * A `checkParallel` worker thread: loads the model, holds its slice of the current BFS level
 * and expands it with the one search engine, inserting the successors' fingerprints into the
 * shared table; then keeps the successors that won their fingerprint (the new states, in
 * `check`'s order) and checks invariants on them.
 *
 * @module
 */
import { deserialize, serialize } from 'node:v8'
import { parentPort } from 'node:worker_threads'
import { ParallelCheckError, UserCodeError } from '../errors.ts'
import { loadModel } from '../load/load-model.ts'
import type { Model } from '../model/model.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { modelDigest } from './checkpoint.ts'
import { BreadthFirstSearch, type FingerprintStore } from './engine.ts'
import type {
  Expansion,
  KeepResult,
  SliceStop,
  WorkerReply,
  WorkerRequest,
} from './parallel-protocol.ts'
import { BUSY, COUNT_BATCH, SLOT, slotOf } from './parallel-table.ts'
import { rebuildTrace } from './trace.ts'
import { describeUserError, failingInvariant } from './violations.ts'

/**
 * The engine's fingerprint store in a worker: the shared table. A successor whose fingerprint
 * is in an earlier level, or was reached in this level from a parent no later than the state
 * being expanded, is a duplicate for certain. Any other is recorded as a candidate, and its
 * key lowered to its parent; after the level, the candidates that still hold their key are
 * the new states, in `check`'s order.
 */
class SharedSink implements FingerprintStore {
  size = 0
  words = new Int32Array(new SharedArrayBuffer(SLOT * 4 * 16))
  mask = 15
  control = new Int32Array(new SharedArrayBuffer(64))
  /** The number of the state being expanded (-1: the initial states). */
  current = -1
  /** Per candidate: its slot, its key (parent + 2) and `counted` when it was produced. */
  slots = new Int32Array(1024)
  keys = new Int32Array(1024)
  ordinals = new Int32Array(1024)
  /** Inserts not yet added to the shared count, and the level's limit on that count. */
  unsaid = 0
  limit = 0
  overflow = false
  /** Where indexOf stopped, for the add that follows it. */
  #hi = 0
  #lo = 0
  #slot = -1

  setTable(buffer: SharedArrayBuffer): void {
    this.words = new Int32Array(buffer)
    this.mask = this.words.length / SLOT - 1
  }

  indexOf(hi: number, lo: number): number {
    const words = this.words
    const mask = this.mask
    const key = this.current + 2
    let s = slotOf(hi, lo) & mask
    for (;;) {
      const b = s * SLOT
      let k = Atomics.load(words, b)
      if (k === 0) break
      while (k === BUSY) k = Atomics.load(words, b)
      if (words[b + 1] === hi && words[b + 2] === lo) {
        if (k <= key) return k
        break
      }
      s = (s + 1) & mask
    }
    this.#hi = hi
    this.#lo = lo
    this.#slot = s
    return -1
  }

  add(hi: number, lo: number, parent: number): number {
    const words = this.words
    const mask = this.mask
    const key = parent + 2
    let s =
      this.#slot >= 0 && this.#hi === hi && this.#lo === lo ? this.#slot : slotOf(hi, lo) & mask
    this.#slot = -1
    for (;;) {
      const b = s * SLOT
      let k = Atomics.load(words, b)
      if (k === 0) {
        if (Atomics.compareExchange(words, b, 0, BUSY) !== 0) continue
        words[b + 1] = hi
        words[b + 2] = lo
        Atomics.store(words, b, key)
        if (++this.unsaid === COUNT_BATCH) this.#tell()
        break
      }
      while (k === BUSY) k = Atomics.load(words, b)
      if (words[b + 1] === hi && words[b + 2] === lo) {
        // Only the initial states are stored without asking indexOf first (one worker).
        if (k <= key && parent < 0) return -1
        while (k > key) {
          const was = Atomics.compareExchange(words, b, k, key)
          if (was === k) break
          k = was
        }
        break
      }
      s = (s + 1) & mask
    }
    const n = this.size
    if (n === this.slots.length) {
      this.slots = grow(this.slots, n * 2)
      this.keys = grow(this.keys, n * 2)
      this.ordinals = grow(this.ordinals, n * 2)
    }
    this.slots[n] = s
    this.keys[n] = key
    // The edge visitor counts this successor right after it is stored.
    this.ordinals[n] = counted + 1
    this.size = n + 1
    return n
  }

  /** Adds this worker's recent inserts to the shared count; past the limit, the level is given up. */
  #tell(): void {
    const total = Atomics.add(this.control, 0, this.unsaid) + this.unsaid
    this.unsaid = 0
    if (total > this.limit) this.overflow = true
  }

  /** Whether candidate `j` is the new state (no other parent reached its fingerprint first). */
  isNew(j: number): boolean {
    return Atomics.load(this.words, this.slots[j]! * SLOT) === this.keys[j]
  }

  reset(limit: number): void {
    this.size = 0
    this.unsaid = 0
    this.limit = limit
    this.overflow = false
    this.#slot = -1
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
const sink = new SharedSink()
let search: BreadthFirstSearch<unknown>
/** Successors counted by the edge visitor in the current slice. */
let counted = 0
let stop: SliceStop | undefined
/** This worker's slice of the level being expanded, and the successors of the last expansion. */
let slice: unknown[] = []
let pending: unknown[] = []

function load(module: string, exportName: string): Promise<Model<unknown>> {
  return loadModel(
    module,
    exportName,
    'a checkParallel worker thread',
    (message, cause) => new ParallelCheckError(message, undefined, [], { cause }),
  )
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
        return sink.overflow
      },
      edge() {
        counted++
        return sink.overflow
      },
      expanded(si, count, s) {
        sink.current = si + 1
        if (count > 0 || !deadlock) return false
        try {
          if (m.terminal?.(s)) return false
        } catch (e) {
          stop = {
            kind: 'error',
            at: si - base,
            error: describeUserError(new UserCodeError('terminal', m.name, e)),
          }
          return true
        }
        stop = { kind: 'deadlock', at: si - base }
        return true
      },
    },
    {},
    sink,
  )
}

let generatedBefore = 0
/** The number of the first state of this worker's slice. */
let base = 0

function expansion(): Expansion {
  const failure = search.failure
  if (failure !== undefined && stop === undefined) {
    stop = { kind: 'error', at: failure.index - base, error: describeUserError(failure.error) }
  }
  // For the maxDepth probe: successors of a state that then threw do not count.
  const thrower = stop?.kind === 'error' ? base + stop.at + 2 : 0
  let fresh = false
  for (let j = 0; j < sink.size && !fresh; j++) fresh = sink.keys[j] !== thrower
  const result: Expansion = {
    generated: search.generated - generatedBefore,
    fresh,
    overflow: sink.overflow,
    ...(stop && { stop }),
  }
  // The engine is reused for the next slice: forget how this one ended.
  search.failure = undefined
  search.stopped = false
  return result
}

function prepare(limit: number, first: number): void {
  sink.reset(limit)
  sink.current = first
  base = first
  counted = 0
  stop = undefined
  generatedBefore = search.generated
}

function keep(discard: boolean, invariants: boolean): KeepResult {
  const next: unknown[] = []
  const n = discard ? 0 : sink.size
  const fps = new Int32Array(2 * n)
  const ordinals = new Int32Array(n)
  const words = sink.words
  for (let j = 0; j < n; j++) {
    if (!sink.isNew(j)) continue
    const b = sink.slots[j]! * SLOT
    fps[2 * next.length] = words[b + 1]!
    fps[2 * next.length + 1] = words[b + 2]!
    ordinals[next.length] = sink.ordinals[j]!
    next.push(pending[j])
  }
  pending = []
  slice = next
  const size = next.length
  const result = { size, fps: fps.slice(0, 2 * size), ordinals: ordinals.slice(0, size) }
  if (invariants) {
    for (let i = 0; i < size; i++) {
      const failed = failingInvariant(names, predicates, next[i])
      if (failed !== undefined) {
        return {
          ...result,
          violation: {
            at: i,
            name: failed.name,
            ...(failed.error && { error: describeUserError(failed.error) }),
          },
        }
      }
    }
  }
  return result
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.op) {
    case 'load':
      deadlock = req.deadlock
      sink.setTable(req.table)
      sink.control = new Int32Array(req.control)
      start(await load(req.module, req.export))
      return { loaded: { model: model.name } }
    case 'table':
      sink.setTable(req.table)
      return { size: slice.length }
    case 'init':
      prepare(req.limit, -1)
      pending = search.initialLevel()
      return expansion()
    case 'expand':
      // The slice is kept until `keep`: a level given up (table full) is expanded again.
      prepare(req.limit, req.base)
      pending = search.expandSlice(slice, req.base)
      return expansion()
    case 'keep':
      return keep(req.discard, req.invariants)
    case 'take': {
      const n = req.n
      const states = req.end === 'front' ? slice.splice(0, n) : slice.splice(slice.length - n, n)
      // Serialized here and deserialized by the receiving worker only: the coordinating thread
      // just passes the bytes on. A copy, so that the buffer is the array's alone to transfer.
      return { states: new Uint8Array(serialize(states)), size: slice.length }
    }
    case 'put': {
      const states = deserialize(req.states) as unknown[]
      slice = req.end === 'front' ? [...states, ...slice] : [...slice, ...states]
      return { size: slice.length }
    }
    case 'digest':
      return {
        digest: modelDigest(model, {
          ...(req.maxStates !== undefined && { maxStates: req.maxStates }),
          ...(req.maxDepth !== undefined && { maxDepth: req.maxDepth }),
          deadlock: req.deadlock,
        }),
      }
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
    (reply) =>
      parentPort!.postMessage(
        reply,
        'states' in reply && reply.states instanceof Uint8Array ? [reply.states.buffer] : [],
      ),
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
