/**
 * Checkpoints of `check`'s breadth-first search (TLC's `-checkpoint`/`-recover`), written at a
 * level boundary, where the search's whole state is small to describe: the fingerprints stored,
 * the level about to be expanded, and three counters.
 *
 * A checkpoint is three or four files in `checkpoint.dir`: `fingerprints-N.bin` (the
 * fingerprints stored, as int32 pairs), `parents-N.bin` (`checkParallel` only: the parent of each
 * state, by state number, for its traces), `frontier-N.bin` (the level, as length-prefixed
 * chunks of states encoded by `node:v8`), and `checkpoint.json`, which names N. Each file is written under a temporary
 * name, flushed to the disk and renamed, and `checkpoint.json` last: a process killed at any
 * moment leaves either the previous checkpoint or the new one, never a mix, and loses at most
 * the work since the last one.
 *
 * A checkpoint carries a digest of the model and the options that decide the counts
 * ({@link modelDigest}); a search of another model, or the same model with other bounds,
 * refuses it with a {@link CheckpointError} instead of resuming into a wrong answer.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { deserialize } from 'node:v8'
import { CheckpointError } from '../errors.ts'
import type { Action } from '../model/action.ts'
import { FingerprintSet } from '../model/fingerprint-set.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { BreadthFirstSearch } from './engine.ts'
import { type FrontierSpill, Level } from './frontier.ts'
import type { CheckOptions } from './types.ts'

const META = 'checkpoint.json'
const FORMAT = 'musil-checkpoint'
const VERSION = 1
/** TLC's default interval: 30 minutes. */
const DEFAULT_EVERY_MS = 30 * 60 * 1000

/** What `checkpoint.json` holds. */
export interface CheckpointMeta {
  readonly format: typeof FORMAT
  readonly version: number
  /** The digest of the model and options ({@link modelDigest}). */
  readonly digest: string
  readonly model: string
  /** The number of the fingerprint and frontier files. */
  readonly seq: number
  /** Whether `parents-N.bin` was written (by `checkParallel`; fingerprints are then in state order). */
  readonly parents: boolean
  readonly distinct: number
  readonly generated: number
  /** The level about to be expanded (initial states: 1). */
  readonly depth: number
  /** The number of the level's first state. */
  readonly levelStart: number
  readonly levelSize: number
}

/** States of the model's own search that its digest covers. */
const DIGEST_STATES = 2000

/**
 * A digest of what decides a search's counts and verdict: the model's name, the names of its
 * actions and invariants, whether it has a constraint, terminal, symmetry or view, the options
 * `maxStates`, `maxDepth` and `deadlock`, and its behaviour on the first 2,000 states of its
 * breadth-first search (their fingerprints in order, each invariant's verdict on them, the
 * successors of each state expanded and the `terminal` verdict on it). Behaviour rather than source text: the same model loaded by
 * Vitest, tsx or a worker thread is transpiled differently but behaves the same. A change that
 * shows only beyond the first 2,000 states goes unseen: after editing a model, start afresh.
 */
export function modelDigest<S>(model: Model<S>, opts: CheckOptions): string {
  const key = keyFingerprinter(model)
  const names = Object.keys(model.invariants)
  const behaviour: (number | string)[] = []
  const search = new BreadthFirstSearch(
    model,
    {
      state: (s) => {
        key(s)
        behaviour.push(key.fp.hi, key.fp.lo)
        for (const n of names) {
          let verdict: string
          try {
            verdict = model.invariants[n]!(s) ? 't' : 'f'
          } catch {
            verdict = 'x'
          }
          behaviour.push(verdict)
        }
        return false
      },
      // Successors per state, and whether `terminal` lets a state stop: the deadlock verdict.
      expanded: (_i, count, s) => {
        behaviour.push(count)
        if (model.terminal !== undefined) {
          let verdict: string
          try {
            verdict = model.terminal(s) ? 't' : 'f'
          } catch {
            verdict = 'x'
          }
          behaviour.push(verdict)
        }
        return false
      },
    },
    { maxStates: DIGEST_STATES },
  ).run()
  const definition = {
    version: VERSION,
    name: model.name,
    actions: model.actions.map((a: Action<S>) => [a.name, a.kind]),
    invariants: names,
    optional: [model.terminal, model.constraint, model.symmetry, model.view].map(
      (f) => typeof f === 'function',
    ),
    behaviour,
    generated: search.generated,
    failure: search.failure?.error.message ?? null,
    options: {
      maxStates: opts.maxStates ?? null,
      maxDepth: opts.maxDepth ?? null,
      deadlock: opts.deadlock !== false,
    },
  }
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex')
}

/** A checkpoint read back: the search's state at a level boundary. */
export interface LoadedCheckpoint {
  readonly meta: CheckpointMeta
  /** Fingerprints as (hi, lo) pairs: in state order when `parents` is present. */
  readonly fingerprints: Int32Array
  /** Per state, its parent's number plus 2 (1 for an initial state), when saved. */
  readonly parents?: Int32Array
  /**
   * The level, as chunks of states each encoded by `node:v8` `serialize`, read from the file
   * one at a time as they are iterated (a level larger than memory is never held whole).
   */
  readonly chunks: () => Generator<Uint8Array<ArrayBuffer>>
  /**
   * Refuses the level once read: `size` is the number of states its chunks held, which must be
   * the `levelSize` recorded.
   *
   * @throws {CheckpointError} when they differ.
   */
  readonly checkLevel: (size: number) => void
}

/** What a search saves at a level boundary. */
export interface CheckpointSnapshot {
  readonly generated: number
  readonly depth: number
  readonly levelStart: number
  readonly levelSize: number
  readonly fingerprints: Int32Array
  readonly parents?: Int32Array
  /** The level about to be expanded, as `node:v8`-encoded arrays of states, in order. */
  readonly chunks: Iterable<Uint8Array>
}

/** The fingerprint set a checkpoint's fingerprints make, for `check`. */
export function fingerprintSetOf(pairs: Int32Array): FingerprintSet {
  const set = new FingerprintSet()
  for (let k = 0; k < pairs.length; k += 2) set.add(pairs[k]!, pairs[k + 1]!)
  return set
}

/**
 * The level a checkpoint's chunks make: in memory, or, when it is over `spill`'s budget, in
 * the spill's files chunk by chunk, as the search would have kept it.
 */
export function levelOf<S>(
  chunks: Iterable<Uint8Array>,
  size: number,
  spill: FrontierSpill,
): Level<S> {
  const level = new Level<S>()
  let toDisk: boolean | undefined
  for (const bytes of chunks) {
    const states = deserialize(bytes) as S[]
    if (toDisk === undefined) {
      spill.resize(states)
      toDisk = spill.over(size)
    }
    if (toDisk) level.addFile(spill.write(states), states.length)
    else for (const s of states) level.tail.push(s)
  }
  return level
}

/** Writes and reads the checkpoints of one search in one directory. */
export class Checkpointer {
  readonly dir: string
  readonly everyMs: number
  readonly digest: string
  readonly model: string
  /** Checkpoints written by this search. */
  written = 0
  #seq = 0
  #last: number

  /** `dir` and `everyMs` as `validateOptions` checked them. */
  constructor(dir: string, everyMs: number | undefined, digest: string, model: string) {
    this.dir = dir
    this.everyMs = everyMs ?? DEFAULT_EVERY_MS
    this.digest = digest
    this.model = model
    this.#last = performance.now()
  }

  /**
   * The checkpoint in the directory, or undefined when there is none.
   *
   * @throws {CheckpointError} when it is another model's or unreadable.
   */
  load(): LoadedCheckpoint | undefined {
    const metaPath = join(this.dir, META)
    if (!existsSync(metaPath)) return undefined
    let meta: CheckpointMeta
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta
    } catch (e) {
      throw new CheckpointError(
        this.dir,
        `checkpoint ${metaPath} is not readable JSON; delete ${this.dir} to start afresh`,
        { cause: e },
      )
    }
    if (meta.format !== FORMAT || meta.version !== VERSION) {
      throw new CheckpointError(
        this.dir,
        `${metaPath} is not a musil checkpoint of version ${VERSION}; delete ${this.dir} or choose another checkpoint.dir`,
      )
    }
    if (meta.digest !== this.digest) {
      throw new CheckpointError(
        this.dir,
        `checkpoint in ${this.dir} belongs to model ${meta.model} with other definitions or options (maxStates, maxDepth, deadlock) than this search of ${this.model}; resuming it would give wrong counts. Choose another checkpoint.dir, or delete ${this.dir} to start afresh`,
      )
    }
    this.#validate(meta, metaPath)
    this.#seq = meta.seq
    this.#prune(meta.seq)
    const fingerprints = new Int32Array(this.#read(this.path('fingerprints', meta.seq)))
    const parents = meta.parents
      ? new Int32Array(this.#read(this.path('parents', meta.seq)))
      : undefined
    for (const [what, got, want] of [
      ['fingerprints', fingerprints.length / 2, meta.distinct],
      ['parents', parents?.length ?? meta.distinct, meta.distinct],
    ] as const) {
      if (got !== want) {
        throw new CheckpointError(
          this.dir,
          `checkpoint in ${this.dir} holds ${got} ${what} where ${want} states were recorded; delete ${this.dir} to start afresh`,
        )
      }
    }
    const frontier = this.path('frontier', meta.seq)
    if (!existsSync(frontier)) this.#read(frontier)
    const { dir } = this
    return {
      meta,
      fingerprints,
      ...(parents && { parents }),
      chunks: () => readFrontier(frontier, dir),
      checkLevel: (size) => {
        if (size !== meta.levelSize) {
          throw new CheckpointError(
            dir,
            `checkpoint in ${dir} holds ${size} states in ${frontier} where ${meta.levelSize} were recorded; delete ${dir} to start afresh`,
          )
        }
      },
    }
  }

  /** Refuses a `checkpoint.json` whose counters cannot describe a level boundary. */
  #validate(meta: CheckpointMeta, metaPath: string): void {
    const counters = ['seq', 'distinct', 'generated', 'depth', 'levelStart', 'levelSize'] as const
    const bad = counters.find((k) => !(Number.isSafeInteger(meta[k]) && meta[k] >= 0))
    if (bad !== undefined || typeof meta.parents !== 'boolean') {
      throw new CheckpointError(
        this.dir,
        `${metaPath} has no valid ${bad ?? 'parents'}; delete ${this.dir} to start afresh`,
      )
    }
    // At a level boundary every stored state is either expanded or in the level.
    if (meta.levelStart + meta.levelSize !== meta.distinct) {
      throw new CheckpointError(
        this.dir,
        `${metaPath} records ${meta.distinct} states but a level of ${meta.levelSize} from state ${meta.levelStart}; delete ${this.dir} to start afresh`,
      )
    }
  }

  /** A file the checkpoint names, or a {@link CheckpointError} saying it is missing. */
  #read(path: string): ArrayBuffer {
    try {
      return readBuffer(path)
    } catch (e) {
      throw new CheckpointError(
        this.dir,
        `checkpoint in ${this.dir} names ${path}, which cannot be read; delete ${this.dir} to start afresh`,
        { cause: e },
      )
    }
  }

  /** Whether a checkpoint is due at this level boundary. */
  get due(): boolean {
    return performance.now() - this.#last >= this.everyMs
  }

  /** Writes the search's state at a level boundary. */
  write(snap: CheckpointSnapshot): void {
    mkdirSync(this.dir, { recursive: true })
    const seq = this.#seq + 1
    const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    writeAndRename(this.path('fingerprints', seq), bytes(snap.fingerprints))
    if (snap.parents !== undefined) writeAndRename(this.path('parents', seq), bytes(snap.parents))
    writeFrontier(this.path('frontier', seq), snap.chunks)
    const meta: CheckpointMeta = {
      format: FORMAT,
      version: VERSION,
      digest: this.digest,
      model: this.model,
      seq,
      parents: snap.parents !== undefined,
      distinct: snap.fingerprints.length / 2,
      generated: snap.generated,
      depth: snap.depth,
      levelStart: snap.levelStart,
      levelSize: snap.levelSize,
    }
    writeAndRename(join(this.dir, META), new TextEncoder().encode(`${JSON.stringify(meta)}\n`))
    this.#seq = seq
    this.written++
    this.#last = performance.now()
    // Only now may the previous checkpoint's files go.
    this.#prune(seq)
  }

  /**
   * Removes the files of other checkpoints than `seq`, and what a process killed while writing
   * left behind (`.tmp` files, and files of a checkpoint `checkpoint.json` does not name yet).
   */
  #prune(seq: number): void {
    for (const f of readdirSync(this.dir)) {
      const m = /^(?:fingerprints|parents|frontier)-(\d+)\.bin(\.tmp)?$/.exec(f)
      if (m !== null && (Number(m[1]) !== seq || m[2] !== undefined)) {
        rmSync(join(this.dir, f), { force: true })
      }
    }
  }

  /** The path of a checkpoint file. */
  path(kind: 'fingerprints' | 'parents' | 'frontier', seq: number): string {
    return join(this.dir, `${kind}-${seq}.bin`)
  }
}

function readBuffer(path: string): ArrayBuffer {
  const b = readFileSync(path)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

/** Writes `bytes` under a temporary name, flushes them, and renames the file into place. */
function writeAndRename(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`
  writeFileDurably(tmp, bytes)
  renameSync(tmp, path)
  syncDirectory(path)
}

/** Makes a rename durable: flushes the directory that holds `path`. */
function syncDirectory(path: string): void {
  let fd: number | undefined
  try {
    fd = openSync(join(path, '..'), 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** The level's chunks, each as a 4-byte length and its `node:v8` encoding, durably. */
function writeFrontier(path: string, chunks: Iterable<Uint8Array>): void {
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w')
  try {
    const header = new Uint8Array(4)
    const view = new DataView(header.buffer)
    for (const bytes of chunks) {
      view.setUint32(0, bytes.length, true)
      writeAll(fd, header)
      writeAll(fd, bytes)
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  syncDirectory(path)
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
}

/** The chunks of a frontier file, read one at a time, each in a buffer of its own. */
function* readFrontier(path: string, dir: string): Generator<Uint8Array<ArrayBuffer>> {
  const truncated = () =>
    new CheckpointError(dir, `checkpoint file ${path} is truncated; delete ${dir} to start afresh`)
  const fd = openSync(path, 'r')
  try {
    const header = new Uint8Array(4)
    const view = new DataView(header.buffer)
    let off = 0
    for (;;) {
      const head = readSync(fd, header, 0, 4, off)
      if (head === 0) return
      if (head < 4) throw truncated()
      const n = view.getUint32(0, true)
      // A buffer of its own, so that it can be moved to a worker thread.
      const chunk = new Uint8Array(n)
      let got = 0
      while (got < n) {
        const r = readSync(fd, chunk, got, n - got, off + 4 + got)
        if (r === 0) throw truncated()
        got += r
      }
      yield chunk
      off += 4 + n
    }
  } finally {
    closeSync(fd)
  }
}

/** Writes `bytes` to `path` and flushes them to the disk before returning. */
function writeFileDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w')
  try {
    writeAll(fd, bytes)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
