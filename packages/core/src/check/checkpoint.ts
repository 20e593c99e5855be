/**
 * Checkpoints of `check`'s breadth-first search (TLC's `-checkpoint`/`-recover`), written at a
 * level boundary, where the search's whole state is small to describe: the fingerprints stored,
 * the level about to be expanded, and three counters.
 *
 * A checkpoint is three files in `checkpoint.dir`: `fingerprints-N.bin` (the fingerprint set as
 * int32 pairs), `frontier-N.bin` (the level, as length-prefixed chunks of states encoded by
 * `node:v8`), and `checkpoint.json`, which names N. Each file is written under a temporary
 * name, flushed to the disk and renamed, and `checkpoint.json` last: a process killed at any
 * moment leaves either the previous checkpoint or the new one, never a mix, and loses at most
 * the work since the last one.
 *
 * A checkpoint carries a digest of the model and the options that decide the counts; a search
 * of another model, or the same model with other bounds, refuses it with a
 * {@link CheckpointError} instead of resuming into a wrong answer.
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
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { CheckpointError } from '../errors.ts'
import type { Action } from '../model/action.ts'
import { FingerprintSet } from '../model/fingerprint-set.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import type { BreadthFirstSearch } from './engine.ts'
import { Level, writeFileDurably } from './frontier.ts'
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
  readonly distinct: number
  readonly generated: number
  /** The level about to be expanded (initial states: 1). */
  readonly depth: number
  /** The number of the level's first state. */
  readonly levelStart: number
  readonly levelSize: number
}

/**
 * A digest of what decides a search's counts: the model's name, its actions, invariants and
 * optional functions (their names and source text), the fingerprints of its initial states,
 * and the options `maxStates`, `maxDepth` and `deadlock`. Values a function captures from its
 * closure are invisible to it unless they show in the initial states or the name: give models
 * built with different parameters different names (as `twoPhaseCommit(n)` does).
 */
export function modelDigest<S>(model: Model<S>, opts: CheckOptions): string {
  const source = (f: unknown): string | null => (typeof f === 'function' ? String(f) : null)
  const key = keyFingerprinter(model)
  const init = model.init.map((s) => {
    key(s)
    return [key.fp.hi, key.fp.lo]
  })
  const actions = model.actions.map((a: Action<S>) => [
    a.name,
    a.kind,
    source(a.guard),
    source(a.effect),
    a.kind === 'each' ? source(a.domain) : null,
  ])
  const invariants = Object.entries(model.invariants).map(([n, f]) => [n, source(f)])
  const definition = {
    version: VERSION,
    name: model.name,
    actions,
    invariants,
    terminal: source(model.terminal),
    constraint: source(model.constraint),
    symmetry: source(model.symmetry),
    view: source(model.view),
    init,
    options: {
      maxStates: opts.maxStates ?? null,
      maxDepth: opts.maxDepth ?? null,
      deadlock: opts.deadlock !== false,
    },
  }
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex')
}

/** A checkpoint read back: the search's state at a level boundary. */
export interface LoadedCheckpoint<S> {
  readonly meta: CheckpointMeta
  readonly fingerprints: FingerprintSet
  readonly level: Level<S>
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

  constructor(dir: string, everyMs: number | undefined, digest: string, model: string) {
    if (typeof dir !== 'string' || dir === '') {
      throw new CheckpointError(String(dir), 'check(): checkpoint.dir must be a directory path')
    }
    if (everyMs !== undefined && !(Number.isFinite(everyMs) && everyMs >= 0)) {
      throw new RangeError(
        `check(): checkpoint.everyMs must be a number of milliseconds >= 0, got ${String(everyMs)}`,
      )
    }
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
  load<S>(): LoadedCheckpoint<S> | undefined {
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
    this.#seq = meta.seq
    const fingerprints = new FingerprintSet()
    const pairs = new Int32Array(readBuffer(this.fingerprintsPath(meta.seq)))
    for (let k = 0; k < pairs.length; k += 2) fingerprints.add(pairs[k]!, pairs[k + 1]!)
    if (fingerprints.size !== meta.distinct) {
      throw new CheckpointError(
        this.dir,
        `checkpoint in ${this.dir} holds ${fingerprints.size} fingerprints where ${meta.distinct} were recorded; delete ${this.dir} to start afresh`,
      )
    }
    const level = new Level<S>(readFrontier<S>(this.frontierPath(meta.seq)))
    return { meta, fingerprints, level }
  }

  /** Whether a checkpoint is due at this level boundary. */
  get due(): boolean {
    return performance.now() - this.#last >= this.everyMs
  }

  /** Writes the search's state at the boundary before `level` (numbered from `levelStart`). */
  write<S>(
    search: BreadthFirstSearch<S>,
    fingerprints: FingerprintSet,
    level: Level<S>,
    levelStart: number,
  ): void {
    mkdirSync(this.dir, { recursive: true })
    const seq = this.#seq + 1
    const pairs = fingerprints.toPairs()
    writeAndRename(this.fingerprintsPath(seq), new Uint8Array(pairs.buffer))
    writeFrontier(this.frontierPath(seq), level)
    const meta: CheckpointMeta = {
      format: FORMAT,
      version: VERSION,
      digest: this.digest,
      model: this.model,
      seq,
      distinct: fingerprints.size,
      generated: search.generated,
      depth: search.depth,
      levelStart,
      levelSize: level.size,
    }
    writeAndRename(join(this.dir, META), new TextEncoder().encode(`${JSON.stringify(meta)}\n`))
    this.#seq = seq
    this.written++
    this.#last = performance.now()
    // Only now may the previous checkpoint's files go.
    for (const f of readdirSync(this.dir)) {
      const m = /^(?:fingerprints|frontier)-(\d+)\.bin$/.exec(f)
      if (m !== null && Number(m[1]) !== seq) rmSync(join(this.dir, f), { force: true })
    }
  }

  fingerprintsPath(seq: number): string {
    return join(this.dir, `fingerprints-${seq}.bin`)
  }

  frontierPath(seq: number): string {
    return join(this.dir, `frontier-${seq}.bin`)
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
function writeFrontier(path: string, level: Level<unknown>): void {
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w')
  try {
    const header = new Uint8Array(4)
    const view = new DataView(header.buffer)
    for (const chunk of level.chunks()) {
      const bytes = serialize(chunk)
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

function readFrontier<S>(path: string): S[] {
  const b = readFileSync(path)
  const states: S[] = []
  let off = 0
  while (off < b.length) {
    const n = b.readUInt32LE(off)
    off += 4
    for (const s of deserialize(b.subarray(off, off + n)) as S[]) states.push(s)
    off += n
  }
  return states
}
