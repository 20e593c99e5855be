/**
 * The set of operations a partial linearization has placed: a bitset over the partition's
 * operations (numbered in call order), with a 64-bit Zobrist hash kept up to date on every
 * change, and the window of words that are neither all ones nor all zeros.
 *
 * The window is what makes storing a set cheap. Operations are numbered in call order and a
 * linearization places them roughly in time order, so a set is "everything before some point,
 * a few of the operations in flight, nothing after": the words before the window are all ones,
 * the words after it all zeros, and the window spans about (concurrency / 32) words, whatever
 * the length of the history. The window is canonical (a function of the set alone), so two sets
 * are equal exactly when their windows start at the same word and hold the same words.
 *
 * @module
 */

/** Every bit of a word set, as an Int32Array holds it. */
const FULL = -1

/** splitmix32's finaliser: a well-spread 32-bit value for each (operation, lane). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad)
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97)
  return x ^ (x >>> 15)
}

/** A set of operations `0..n-1` of one partition, with its Zobrist hash and its window. */
export class LinearizedSet {
  /** The bits: operation `i` is bit `i & 31` of word `i >> 5`. */
  readonly words: Int32Array
  /** Zobrist hash of the set, lane A: the XOR of the members' lane-A keys. */
  hashA = 0
  /** Lane B. */
  hashB = 0
  /** First word that is not all ones (`words.length` when every word is). */
  lo = 0
  /** Last word that is not zero (-1 when the set is empty). */
  hi = -1
  private readonly keyA: Int32Array
  private readonly keyB: Int32Array

  constructor(n: number) {
    this.words = new Int32Array((n + 31) >>> 5)
    this.keyA = new Int32Array(n)
    this.keyB = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      this.keyA[i] = mix32((i * 2 + 1) ^ 0x9e3779b9)
      this.keyB[i] = mix32((i * 2 + 2) ^ 0x85ebca6b)
    }
  }

  /** Adds operation `i` (not a member). */
  add(i: number): void {
    const w = i >>> 5
    const words = this.words
    words[w]! |= 1 << (i & 31)
    this.hashA ^= this.keyA[i]!
    this.hashB ^= this.keyB[i]!
    if (w > this.hi) this.hi = w
    if (w === this.lo) {
      let lo = w
      while (lo < words.length && words[lo] === FULL) lo++
      this.lo = lo
    }
  }

  /** Removes operation `i` (a member). */
  remove(i: number): void {
    const w = i >>> 5
    const words = this.words
    words[w]! &= ~(1 << (i & 31))
    this.hashA ^= this.keyA[i]!
    this.hashB ^= this.keyB[i]!
    if (w < this.lo) this.lo = w
    if (w === this.hi && words[w] === 0) {
      let hi = w
      while (hi >= 0 && words[hi] === 0) hi--
      this.hi = hi
    }
  }

  /** Whether operation `i` is a member. */
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0
  }

  /** Words in the window (0 when the set is empty or every word is full). */
  windowLength(): number {
    return this.hi >= this.lo ? this.hi - this.lo + 1 : 0
  }
}
