/**
 * The frontier of a breadth-first search as files: a level whose states outgrow the memory
 * budget is written in chunks to a working directory (TLC's DiskStateQueue) and read back, one
 * chunk at a time, in the order it was written, when the level is expanded. States are encoded
 * with the structured-clone serializer of `node:v8`, which keeps Sets, Maps, Dates and plain
 * objects as they are and encodes the same object graph to the same bytes.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deserialize, getHeapStatistics, serialize } from 'node:v8'

/** One level of a search: chunks in files (in order), then a tail in memory. */
export class Level<S> {
  /** Spilled chunks, in order, with their state counts. */
  readonly files: { readonly path: string; readonly count: number }[] = []
  #spilled = 0
  tail: S[]

  constructor(tail: S[] = []) {
    this.tail = tail
  }

  /** States in the level. */
  get size(): number {
    return this.#spilled + this.tail.length
  }

  /** States of the level that are in files. */
  get spilled(): number {
    return this.#spilled
  }

  /** Records a chunk written to `path`. */
  addFile(path: string, count: number): void {
    this.files.push({ path, count })
    this.#spilled += count
  }

  /**
   * The level's chunks as `node:v8` encodings, in order: a file's bytes as they are (no
   * decoding and encoding again), then the tail's. What a checkpoint saves.
   */
  *encodedChunks(): Generator<Uint8Array> {
    for (const f of this.files) yield readFileSync(f.path)
    if (this.tail.length > 0) yield serialize(this.tail)
  }

  /** The level's states in order, chunk by chunk: each file read when it is reached. */
  *chunks(): Generator<S[]> {
    for (const f of this.files) yield readChunk<S>(f.path)
    if (this.tail.length > 0) yield this.tail
  }

  /** Deletes the level's files (once it was expanded). */
  dispose(): void {
    for (const f of this.files) rmSync(f.path, { force: true })
    this.files.length = 0
    this.#spilled = 0
    this.tail = []
  }
}

/** Reads a chunk of states written by {@link FrontierSpill.write}. */
export function readChunk<S>(path: string): S[] {
  return deserialize(readFileSync(path)) as S[]
}

/** States sampled to estimate how many bytes a state holds on the heap. */
const SAMPLE = 256
/**
 * Heap bytes per serialized byte of a state: object headers, hidden classes and pointers make
 * a live state several times its structured-clone encoding.
 */
const HEAP_PER_SERIALIZED_BYTE = 4
/** A chunk holds at least this many states, so files stay few even under a tiny budget. */
const MIN_CHUNK = 64

/**
 * When and where a search's frontier goes to disk. The budget covers the fingerprint set and
 * the states in memory: the level being expanded (one chunk at a time) and the level being
 * built, so each may hold half of what the fingerprints leave.
 */
export class FrontierSpill {
  /** The next level is written out when it holds this many states. */
  limit: number = SAMPLE
  /** States written to files so far. */
  spilledStates: number = 0
  readonly #maxBytes: number
  readonly #storeBytes: () => number
  readonly #dirOption: string | undefined
  #dir: string | undefined
  #createdDir = false
  #perState = 0
  #files = 0

  /**
   * @param maxBytes the memory budget; undefined: a quarter of the heap limit.
   * @param storeBytes the bytes the fingerprint set holds now.
   * @param dir where files go; undefined: a fresh directory in the OS temp directory.
   */
  constructor(maxBytes: number | undefined, storeBytes: () => number, dir?: string) {
    this.#maxBytes = maxBytes ?? Math.floor(getHeapStatistics().heap_size_limit / 4)
    this.#storeBytes = storeBytes
    this.#dirOption = dir
  }

  /**
   * Sets {@link limit} from a sample of the level being built (called when it reaches the
   * current limit, and at each level boundary): the number of states the budget allows. The
   * size of a state is estimated from the first sample, and again from each `fresh` one (at a
   * level boundary), since states often grow as a search goes deeper (messages in flight, logs).
   */
  resize(sample: readonly unknown[], fresh = false): void {
    if ((this.#perState === 0 || fresh) && sample.length > 0) {
      const n = Math.min(sample.length, SAMPLE)
      const bytes = serialize(sample.slice(0, n)).length
      this.#perState = Math.max(1, (bytes / n) * HEAP_PER_SERIALIZED_BYTE)
    }
    if (this.#perState === 0) return
    const room = Math.max(0, this.#maxBytes - this.#storeBytes())
    this.limit = Math.max(MIN_CHUNK, Math.floor(room / (2 * this.#perState)))
  }

  /** Whether a level of `n` states in memory is over the budget (after a sample was taken). */
  over(n: number): boolean {
    return this.#perState > 0 && n >= this.limit
  }

  /** Writes `states` to a new file and returns its path. */
  write(states: readonly unknown[]): string {
    const dir = this.#workingDir()
    const path = join(dir, `frontier-${String(this.#files++).padStart(8, '0')}.bin`)
    // Scratch that no run reads after a crash (a checkpoint copies it durably): no fsync.
    writeFileSync(path, serialize(states))
    this.spilledStates += states.length
    return path
  }

  /** Removes the working directory if the search created it. */
  dispose(): void {
    if (this.#createdDir && this.#dir !== undefined)
      rmSync(this.#dir, { recursive: true, force: true })
    // A spill used again (a trace replayed afterwards) makes a fresh directory.
    this.#dir = undefined
    this.#createdDir = false
  }

  #workingDir(): string {
    if (this.#dir !== undefined) return this.#dir
    if (this.#dirOption !== undefined) {
      mkdirSync(this.#dirOption, { recursive: true })
      this.#dir = mkdtempSync(join(this.#dirOption, 'musil-spill-'))
    } else {
      this.#dir = mkdtempSync(join(tmpdir(), 'musil-spill-'))
    }
    this.#createdDir = true
    return this.#dir
  }
}
