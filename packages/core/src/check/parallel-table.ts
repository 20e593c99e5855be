/**
 * `checkParallel`'s visited set: one open-addressing table of fingerprints in a
 * SharedArrayBuffer, into which every worker inserts directly (Atomics, no round trip through
 * the coordinating thread).
 *
 * A slot is three 32-bit words: `key`, `hi`, `lo`. `key` is 0 for an empty slot, {@link BUSY}
 * while a worker writes the fingerprint, and otherwise the number of the state's parent plus 2
 * (1 for an initial state). States are numbered in `check`'s order, and a level's parents are
 * numbered after every earlier level's states, so the key says both which level a fingerprint
 * was found in (a key below the current level's first parent + 2 is an older state) and, for
 * the level being expanded, which parent found it first: workers lower a new fingerprint's key
 * with a compare-and-exchange to the smallest parent that reached it, which is the parent
 * `check` records. After the level, the one successor whose parent is its key is the new state;
 * every other one is a duplicate.
 *
 * @module
 */

/** Words per slot. */
export const SLOT = 3
/** A slot being written. */
export const BUSY = -1
/** Load factor the coordinator sizes the table for, before a level. */
export const PLAN_LOAD = 0.6
/** Load factor at which a worker gives up a level (the coordinator grows the table, redoes it). */
export const MAX_LOAD = 0.85
/** Inserts a worker counts locally before adding them to the shared count. */
export const COUNT_BATCH = 64

/** The table slot where probing for a fingerprint starts (unmasked). */
export function slotOf(hi: number, lo: number): number {
  // Fingerprints are already avalanched; fold both halves so either alone cannot cluster.
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0
}

/** The coordinator's handle on the shared table: creation, growth and lookups for traces. */
export class SharedTable {
  buffer: SharedArrayBuffer
  words: Int32Array<SharedArrayBuffer>
  capacity: number
  /** Word 0: slots inserted during the current level, counted by the workers. */
  readonly control: Int32Array<SharedArrayBuffer> = new Int32Array(new SharedArrayBuffer(64))

  constructor(capacity: number = 1 << 10) {
    this.capacity = capacity
    this.buffer = new SharedArrayBuffer(capacity * SLOT * 4)
    this.words = new Int32Array(this.buffer)
  }

  /** Inserts allowed in a level when the table already holds `entries`. */
  limit(entries: number): number {
    return Math.floor(this.capacity * MAX_LOAD) - entries
  }

  /**
   * Rebuilds the table with `capacity` slots, keeping only the entries whose key is below
   * `below` (so a level given up is forgotten). Workers must be idle.
   */
  rebuild(capacity: number, below: number): void {
    const old = this.words
    this.words = new Int32Array(new SharedArrayBuffer(capacity * SLOT * 4))
    this.buffer = this.words.buffer
    this.capacity = capacity
    for (let b = 0; b < old.length; b += SLOT) {
      const key = old[b]!
      if (key !== 0 && key < below) this.insert(old[b + 1]!, old[b + 2]!, key)
    }
  }

  /** Inserts a fingerprint with its key (a checkpoint being restored). Workers must be idle. */
  insert(hi: number, lo: number, key: number): void {
    const words = this.words
    const mask = this.capacity - 1
    let s = slotOf(hi, lo) & mask
    while (words[s * SLOT] !== 0) s = (s + 1) & mask
    const w = s * SLOT
    words[w] = key
    words[w + 1] = hi
    words[w + 2] = lo
  }

  /** The key of a fingerprint in the table (parent + 2), or 0. */
  keyOf(hi: number, lo: number): number {
    const words = this.words
    const mask = this.capacity - 1
    let s = slotOf(hi, lo) & mask
    for (;;) {
      const b = s * SLOT
      const key = words[b]!
      if (key === 0) return 0
      if (words[b + 1] === hi && words[b + 2] === lo) return key
      s = (s + 1) & mask
    }
  }
}
