/**
 * The visited-state store: 64-bit fingerprints with parent pointers, on typed arrays.
 *
 * States are numbered in insertion order. Per state the store keeps its fingerprint (8 bytes)
 * and its parent's number (4 bytes) in fixed-size chunks, so growth never copies them; an
 * open-addressing table of state numbers (4 bytes a slot, load factor at most 3/4) finds a
 * fingerprint. Full states are never stored: traces are rebuilt by re-executing actions.
 *
 * @module
 */

const CHUNK_BITS = 16
const CHUNK = 1 << CHUNK_BITS
const CHUNK_MASK = CHUNK - 1
const MAX_LOAD = 0.75

/** A set of 64-bit fingerprints, each with the number of the state it was reached from. */
export class VisitedStore {
  #fps: Int32Array[] = []
  #parents: Int32Array[] = []
  #size = 0
  /** Slot -> state number + 1 (0 = empty). */
  #table: Int32Array
  #mask: number
  readonly #initialSlots: number

  constructor(initialCapacity: number = 1 << 12) {
    let cap = 16
    while (cap * MAX_LOAD < initialCapacity) cap *= 2
    this.#initialSlots = cap
    this.#table = new Int32Array(cap)
    this.#mask = cap - 1
  }

  /** Number of states stored. */
  get size(): number {
    return this.#size
  }

  /**
   * Adds a fingerprint reached from state `parent` (-1 for an initial state).
   * Returns the new state's number, or -1 when the fingerprint was already present.
   */
  add(hi: number, lo: number, parent: number): number {
    if (this.#size + 1 > this.#table.length * MAX_LOAD) this.#grow()
    const table = this.#table
    const mask = this.#mask
    let slot = slotOf(hi, lo) & mask
    for (;;) {
      const entry = table[slot]!
      if (entry === 0) break
      const i = entry - 1
      const fps = this.#fps[i >>> CHUNK_BITS]!
      const j = (i & CHUNK_MASK) << 1
      if (fps[j] === hi && fps[j + 1] === lo) return -1
      slot = (slot + 1) & mask
    }
    const n = this.#size++
    const c = n >>> CHUNK_BITS
    if (c === this.#fps.length) {
      this.#fps.push(new Int32Array(CHUNK * 2))
      this.#parents.push(new Int32Array(CHUNK))
    }
    const j = n & CHUNK_MASK
    this.#fps[c]![j << 1] = hi
    this.#fps[c]![(j << 1) + 1] = lo
    this.#parents[c]![j] = parent
    table[slot] = n + 1
    return n
  }

  /** The number of the state with this fingerprint, or -1. */
  indexOf(hi: number, lo: number): number {
    const table = this.#table
    const mask = this.#mask
    let slot = slotOf(hi, lo) & mask
    for (;;) {
      const entry = table[slot]!
      if (entry === 0) return -1
      const i = entry - 1
      const fps = this.#fps[i >>> CHUNK_BITS]!
      const j = (i & CHUNK_MASK) << 1
      if (fps[j] === hi && fps[j + 1] === lo) return i
      slot = (slot + 1) & mask
    }
  }

  /** The state this one was first reached from, or -1 for an initial state. */
  parent(i: number): number {
    return this.#parents[i >>> CHUNK_BITS]![i & CHUNK_MASK]!
  }

  /** High half of state `i`'s fingerprint. */
  hi(i: number): number {
    return this.#fps[i >>> CHUNK_BITS]![(i & CHUNK_MASK) << 1]!
  }

  /** Low half of state `i`'s fingerprint. */
  lo(i: number): number {
    return this.#fps[i >>> CHUNK_BITS]![((i & CHUNK_MASK) << 1) + 1]!
  }

  /** State numbers from an initial state down to `i`. */
  pathTo(i: number): number[] {
    const path: number[] = []
    for (let k = i; k !== -1; k = this.parent(k)) path.push(k)
    return path.reverse()
  }

  /** Bytes held by the typed arrays of the store (table plus per-state chunks). */
  get bytes(): number {
    return this.#table.byteLength + this.#fps.length * CHUNK * 12
  }

  /** Bytes the stored states need: 12 per state plus the table, ignoring the last chunk's slack. */
  get bytesInUse(): number {
    return this.#table.byteLength + this.#size * 12
  }

  /**
   * What {@link bytesInUse} was when the store held its first `n` states (a parallel search
   * stores a whole level before it knows where `check` would have stopped).
   */
  bytesInUseAt(n: number): number {
    let cap = this.#initialSlots
    while (n > cap * MAX_LOAD) cap *= 2
    return cap * 4 + n * 12
  }

  #grow(): void {
    const old = this.#table
    const cap = old.length * 2
    const table = new Int32Array(cap)
    const mask = cap - 1
    for (let s = 0; s < old.length; s++) {
      const entry = old[s]!
      if (entry === 0) continue
      const i = entry - 1
      let slot = slotOf(this.hi(i), this.lo(i)) & mask
      while (table[slot] !== 0) slot = (slot + 1) & mask
      table[slot] = entry
    }
    this.#table = table
    this.#mask = mask
  }
}

function slotOf(hi: number, lo: number): number {
  // Fingerprints are already avalanched; fold both halves so either alone cannot cluster.
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0
}
