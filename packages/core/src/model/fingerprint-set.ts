/**
 * The visited set of `check`: 64-bit fingerprints and nothing else, in an open-addressing table
 * on typed arrays, at most 12 bytes per state.
 *
 * Per state the set keeps only its fingerprint, in the table itself (no separate records, no
 * parent pointer): a counterexample is rebuilt by replaying the search up to the bad state (see
 * `engine.ts`), which finds the same parents because a breadth-first search's order is fixed.
 * The table is split into {@link PARTS} parts by the top bits of the fingerprint, each grown on
 * its own by 1.2x once it is 80 % full, so that the table never holds less than 2/3 of its slots
 * (8 / (2/3) = 12 bytes a state) and a growth step copies one part, not the whole table: peak
 * memory stays within 1/64 of the table above its size.
 *
 * In front of the table sits a small direct-mapped cache of fingerprints known to be in it (the
 * last one added or found per cache slot). Most successors a search generates are duplicates,
 * and most of those were met a few states earlier (siblings reach the same states): the cache
 * answers them from the processor's cache, where a probe of the large table is a cache miss.
 * Its entries are whole 64-bit fingerprints compared exactly, so it changes no answer.
 *
 * @module
 */

const PART_BITS = 6
/** Number of independently grown parts. */
const PARTS = 1 << PART_BITS
/** A part is grown when an insertion would fill more than this share of its slots. */
const MAX_LOAD = 0.8
/** Growth factor of a part, once it is big enough to matter (it doubles below that). */
const GROWTH = 1.2
const DOUBLE_BELOW = 128
const INITIAL_SLOTS = 16
const TWO_POW_32 = 4294967296
/** Slots of the front cache: 2^12 fingerprints, 32 KB (fits a first- or second-level cache). */
const RECENT_BITS = 12
const RECENT_MASK = (1 << RECENT_BITS) - 1

/**
 * A set of 64-bit fingerprints (two int32 halves), numbering them in insertion order without
 * storing the numbers. It implements the engine's store interface for `check`, which asks no
 * edges: {@link indexOf} only says whether a fingerprint is present.
 */
export class FingerprintSet {
  /** Per part: slot k holds a fingerprint at [2k, 2k + 1]; (0, 0) marks an empty slot. */
  readonly #parts: Int32Array[] = []
  /** Per part: slots, entries, and the entries that trigger growth. */
  readonly #slots = new Int32Array(PARTS)
  readonly #counts = new Int32Array(PARTS)
  readonly #limits = new Int32Array(PARTS)
  /** The fingerprint (0, 0), which cannot sit in a slot. */
  #hasZero = false
  #size = 0
  /** The front cache: slot `lo & RECENT_MASK` at [2k, 2k + 1]; (0, 0) is never cached. */
  readonly #recent = new Int32Array(2 << RECENT_BITS)

  constructor() {
    for (let p = 0; p < PARTS; p++) {
      this.#parts.push(new Int32Array(INITIAL_SLOTS * 2))
      this.#slots[p] = INITIAL_SLOTS
      this.#limits[p] = Math.floor(INITIAL_SLOTS * MAX_LOAD)
    }
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.#size
  }

  /** 0 when the fingerprint is present, -1 otherwise (the set keeps no state numbers). */
  indexOf(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) return this.#hasZero ? 0 : -1
    const c = (lo & RECENT_MASK) << 1
    const recent = this.#recent
    if (recent[c] === hi && recent[c + 1] === lo) return 0
    if (this.#probe(hi >>> (32 - PART_BITS), hi, lo) < 0) return -1
    recent[c] = hi
    recent[c + 1] = lo
    return 0
  }

  /**
   * Adds a fingerprint (`parent` is not kept) and returns its number in insertion order, or -1
   * when it was already present.
   */
  add(hi: number, lo: number, _parent?: number): number {
    if (hi === 0 && lo === 0) {
      if (this.#hasZero) return -1
      this.#hasZero = true
      return this.#size++
    }
    const c = (lo & RECENT_MASK) << 1
    const recent = this.#recent
    if (recent[c] === hi && recent[c + 1] === lo) return -1
    recent[c] = hi
    recent[c + 1] = lo
    const p = hi >>> (32 - PART_BITS)
    let k = this.#probe(p, hi, lo)
    if (k >= 0) return -1
    if (this.#counts[p]! >= this.#limits[p]!) {
      this.#grow(p)
      k = this.#probe(p, hi, lo)
    }
    const part = this.#parts[p]!
    part[2 * ~k] = hi
    part[2 * ~k + 1] = lo
    this.#counts[p]!++
    return this.#size++
  }

  /**
   * Linear probing in part `p`: the slot holding the fingerprint, or `~slot` (negative) for the
   * empty slot where it belongs.
   */
  #probe(p: number, hi: number, lo: number): number {
    const part = this.#parts[p]!
    const slots = this.#slots[p]!
    let k = homeSlot(lo, slots)
    for (;;) {
      const h = part[2 * k]!
      const l = part[2 * k + 1]!
      if (h === hi && l === lo) return k
      if (h === 0 && l === 0) return ~k
      if (++k === slots) k = 0
    }
  }

  /**
   * Every fingerprint, as (hi, lo) pairs in table order (not insertion order): what a
   * checkpoint saves. Adding them to an empty set gives a set of the same size.
   */
  toPairs(): Int32Array {
    const out = new Int32Array(this.#size * 2)
    let n = 0
    if (this.#hasZero) n += 2
    for (const part of this.#parts) {
      for (let k = 0; k < part.length; k += 2) {
        if (part[k] === 0 && part[k + 1] === 0) continue
        out[n++] = part[k]!
        out[n++] = part[k + 1]!
      }
    }
    return out
  }

  /** Bytes held by the table's typed arrays. */
  get bytesInUse(): number {
    // The front cache is a fixed 32 KB whatever the size, not memory per state: not counted.
    let bytes = 0
    for (const part of this.#parts) bytes += part.byteLength
    return bytes
  }

  #grow(p: number): void {
    const old = this.#parts[p]!
    const oldSlots = this.#slots[p]!
    const slots =
      oldSlots < DOUBLE_BELOW ? oldSlots * 2 : Math.max(Math.floor(oldSlots * GROWTH), oldSlots + 1)
    const part = new Int32Array(slots * 2)
    for (let j = 0; j < oldSlots; j++) {
      const hi = old[2 * j]!
      const lo = old[2 * j + 1]!
      if (hi === 0 && lo === 0) continue
      let k = homeSlot(lo, slots)
      while (part[2 * k] !== 0 || part[2 * k + 1] !== 0) if (++k === slots) k = 0
      part[2 * k] = hi
      part[2 * k + 1] = lo
    }
    this.#parts[p] = part
    this.#slots[p] = slots
    this.#limits[p] = Math.floor(slots * MAX_LOAD)
  }
}

/** The home slot of a fingerprint in a part of `slots` slots (multiply-shift range reduction). */
function homeSlot(lo: number, slots: number): number {
  return (((lo >>> 0) * slots) / TWO_POW_32) >>> 0
}
