/**
 * Lowe's memoisation for Wing & Gong's search: the configurations (linearized set, spec state)
 * already explored. Reaching one again cannot lead anywhere new, since everything after it
 * depends on nothing else, so that branch is cut.
 *
 * An open-addressing hash table on typed arrays. Each entry keeps the set's window (see
 * {@link LinearizedSet}) in a shared pool, and the state either as its 64-bit structural
 * fingerprint (the default: state equality is fingerprint equality, as musil's model checker
 * has it) or, when the spec defines `equal`, as the state itself, compared with `equal` and
 * filed under the spec's `hash` (without one, under the set alone, as Porcupine does without
 * `Hash`).
 *
 * @module
 */
import type { LinearizedSet } from './linearized-set.ts'

const EMPTY = 0

/** The configurations a partition's search has explored. */
export class VisitedConfigs<S> {
  /** Entries stored. */
  size = 0
  private slots: Int32Array
  private mask: number
  // Per entry: the hash it is filed under, the state fingerprint (fingerprint mode), and the
  // offset of its set in the pool: [lo, length, ...window words].
  private entryHashA: Int32Array
  private entryHashB: Int32Array
  private entryFpHi: Int32Array
  private entryFpLo: Int32Array
  private entrySet: Int32Array
  private pool: Int32Array
  private poolUsed = 0
  private readonly states: S[] = []
  private readonly equal: ((a: S, b: S) => boolean) | undefined

  /**
   * @param equal - the spec's state equality; without it states are compared by fingerprint
   * @param operations - the partition's operations: the tables start at about that many
   *   entries (a linearizable history stores about one configuration per operation) and grow
   *   from there. A fixed start of hundreds of entries would cost tens of kilobytes for each of
   *   the thousands of one- or two-operation partitions of a key-value history.
   */
  constructor(equal: ((a: S, b: S) => boolean) | undefined, operations: number) {
    this.equal = equal
    let entries = 8
    while (entries < operations && entries < 512) entries *= 2
    this.slots = new Int32Array(2 * entries)
    this.mask = 2 * entries - 1
    this.entryHashA = new Int32Array(entries)
    this.entryHashB = new Int32Array(entries)
    this.entryFpHi = new Int32Array(entries)
    this.entryFpLo = new Int32Array(entries)
    this.entrySet = new Int32Array(entries)
    this.pool = new Int32Array(4 * entries)
  }

  /**
   * Adds the configuration (`set`, state) unless it is there already; true when it was added.
   * `fpHi`/`fpLo` are the state's fingerprint, or, when the spec has `equal`, its `hash` (0
   * without one): equal states must come with equal values.
   */
  add(set: LinearizedSet, state: S, fpHi: number, fpLo: number): boolean {
    const equal = this.equal
    const hashA = set.hashA ^ fpHi
    const hashB = set.hashB ^ Math.imul(fpLo, 0x9e3779b1)
    let slot = hashA & this.mask
    for (;;) {
      const e = this.slots[slot]! - 1
      if (e < 0) break
      if (
        this.entryHashA[e] === hashA &&
        this.entryHashB[e] === hashB &&
        this.entryFpHi[e] === fpHi &&
        this.entryFpLo[e] === fpLo &&
        this.sameSet(e, set) &&
        (equal === undefined || equal(this.states[e]!, state))
      ) {
        return false
      }
      slot = (slot + 1) & this.mask
    }
    const e = this.size++
    if (e >= this.entryHashA.length) this.growEntries()
    this.entryHashA[e] = hashA
    this.entryHashB[e] = hashB
    this.entryFpHi[e] = fpHi
    this.entryFpLo[e] = fpLo
    if (equal) this.states[e] = state
    this.entrySet[e] = this.storeSet(set)
    this.slots[slot] = e + 1
    if (this.size * 2 > this.slots.length) this.rehash()
    return true
  }

  private sameSet(e: number, set: LinearizedSet): boolean {
    const at = this.entrySet[e]!
    const pool = this.pool
    const length = set.windowLength()
    if (pool[at] !== set.lo || pool[at + 1] !== length) return false
    const words = set.words
    const lo = set.lo
    for (let i = 0; i < length; i++) if (pool[at + 2 + i] !== words[lo + i]) return false
    return true
  }

  private storeSet(set: LinearizedSet): number {
    const length = set.windowLength()
    const need = this.poolUsed + 2 + length
    if (need > this.pool.length) {
      const grown = new Int32Array(Math.max(need, this.pool.length * 2))
      grown.set(this.pool)
      this.pool = grown
    }
    const at = this.poolUsed
    this.pool[at] = set.lo
    this.pool[at + 1] = length
    if (length > 0) this.pool.set(set.words.subarray(set.lo, set.lo + length), at + 2)
    this.poolUsed = need
    return at
  }

  private growEntries(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2)
      b.set(a)
      return b
    }
    this.entryHashA = grow(this.entryHashA)
    this.entryHashB = grow(this.entryHashB)
    this.entryFpHi = grow(this.entryFpHi)
    this.entryFpLo = grow(this.entryFpLo)
    this.entrySet = grow(this.entrySet)
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let e = 0; e < this.size; e++) {
      let slot = this.entryHashA[e]! & mask
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask
      slots[slot] = e + 1
    }
    this.slots = slots
    this.mask = mask
  }
}
