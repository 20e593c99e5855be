/**
 * 64-bit structural fingerprints of state values, computed without building strings.
 *
 * Two 32-bit murmur3-style lanes with different constants walk the value once. Arrays are
 * hashed in order; plain-object keys, Map entries and Set members are combined with a
 * commutative sum of per-entry hashes, so insertion order never changes a fingerprint.
 * Each value is prefixed with a type tag, so `1`, `"1"`, `1n` and `true` all differ.
 *
 * The result is left in {@link fpHi}/{@link fpLo} (module state, not an allocated pair) because
 * this runs once per generated successor.
 *
 * @module
 */
import { StateEncodingError } from '../errors.ts'

const T_UNDEFINED = 1
const T_NULL = 2
const T_FALSE = 3
const T_TRUE = 4
const T_INT = 5
const T_FLOAT = 6
const T_STRING = 7
const T_BIGINT = 8
const T_ARRAY = 9
const T_OBJECT = 10
const T_MAP = 11
const T_SET = 12
const T_ENTRY = 13

const SEED_A = 0x2545f491
const SEED_B = 0x6a09e667
/** Depth past which a walk checks the state for reference cycles once. */
const CYCLE_CHECK_DEPTH = 256

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const objectProto = Object.prototype

// Lane accumulators of the value being hashed.
let a = 0
let b = 0
let root: unknown
let cycleChecked = false

/** High 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpHi = 0
/** Low 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpLo = 0

function mixA(w: number): void {
  let k = Math.imul(w, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  a ^= Math.imul(k, 0x1b873593)
  a = (a << 13) | (a >>> 19)
  a = (Math.imul(a, 5) + 0xe6546b64) | 0
}

function mixB(w: number): void {
  let k = Math.imul(w, 0x85ebca77)
  k = (k << 17) | (k >>> 15)
  b ^= Math.imul(k, 0xc2b2ae3d)
  b = (b << 11) | (b >>> 21)
  b = (Math.imul(b, 9) + 0x27d4eb2f) | 0
}

function mix(w: number): void {
  mixA(w)
  mixB(w)
}

function avalanche(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) | 0
}

function hashString(s: string): void {
  const n = s.length
  mix(T_STRING)
  mix(n)
  let i = 0
  for (; i + 1 < n; i += 2) mix(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16))
  if (i < n) mix(s.charCodeAt(i))
}

function hashValue(v: unknown, depth: number): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) {
        mix(T_INT)
        mix(v)
      } else {
        f64[0] = v
        mix(T_FLOAT)
        mix(u32[0]!)
        mix(u32[1]!)
      }
      return
    case 'string':
      hashString(v)
      return
    case 'boolean':
      mix(v ? T_TRUE : T_FALSE)
      return
    case 'undefined':
      mix(T_UNDEFINED)
      return
    case 'bigint':
      mix(T_BIGINT)
      hashString(v.toString(16))
      return
    case 'object':
      if (v === null) {
        mix(T_NULL)
        return
      }
      if (depth >= CYCLE_CHECK_DEPTH && !cycleChecked) checkForCycle()
      if (Array.isArray(v)) {
        mix(T_ARRAY)
        mix(v.length)
        for (let i = 0; i < v.length; i++) hashValue(v[i], depth + 1)
        return
      }
      hashObject(v as object, depth)
      return
    default:
      throw unencodable(v)
  }
}

function hashObject(v: object, depth: number): void {
  const proto = Object.getPrototypeOf(v)
  // Entries are hashed on fresh lanes, avalanched, then summed: a commutative combination.
  const saveA = a
  const saveB = b
  let sumA = 0
  let sumB = 0
  let count = 0
  let tag: number
  if (proto === objectProto || proto === null) {
    tag = T_OBJECT
    const o = v as Record<string, unknown>
    for (const k in o) {
      a = SEED_A
      b = SEED_B
      hashString(k)
      hashValue(o[k], depth + 1)
      sumA = (sumA + avalanche(a)) | 0
      sumB = (sumB + avalanche(b)) | 0
      count++
    }
  } else if (v instanceof Map) {
    tag = T_MAP
    for (const [k, x] of v) {
      a = SEED_A
      b = SEED_B
      mix(T_ENTRY)
      hashValue(k, depth + 1)
      hashValue(x, depth + 1)
      sumA = (sumA + avalanche(a)) | 0
      sumB = (sumB + avalanche(b)) | 0
      count++
    }
  } else if (v instanceof Set) {
    tag = T_SET
    for (const x of v) {
      a = SEED_A
      b = SEED_B
      hashValue(x, depth + 1)
      sumA = (sumA + avalanche(a)) | 0
      sumB = (sumB + avalanche(b)) | 0
      count++
    }
  } else {
    throw unencodable(v)
  }
  a = saveA
  b = saveB
  mix(tag)
  mix(count)
  mix(sumA)
  mix(sumB)
}

/**
 * Computes the 64-bit fingerprint of `value` into {@link fpHi} and {@link fpLo}.
 *
 * @throws {StateEncodingError} when the value holds a function, symbol, class instance or cycle.
 */
export function fingerprint(value: unknown): void {
  a = SEED_A
  b = SEED_B
  root = value
  cycleChecked = false
  hashValue(value, 0)
  fpHi = avalanche(a ^ Math.imul(b, 0x27d4eb2f))
  fpLo = avalanche(b ^ a)
  root = undefined
}

/** The fingerprint of `value` as a 16-digit hex string (for tests and reports, not hot paths). */
export function fingerprintHex(value: unknown): string {
  fingerprint(value)
  return (fpHi >>> 0).toString(16).padStart(8, '0') + (fpLo >>> 0).toString(16).padStart(8, '0')
}

function checkForCycle(): void {
  cycleChecked = true
  const path = findCyclePath(root)
  if (path !== undefined) {
    throw new StateEncodingError(
      `cannot fingerprint a state with a reference cycle at ${path}: states must be trees of plain values (objects, arrays, Map, Set, primitives); store ids instead of back-references`,
      path,
    )
  }
}

function unencodable(v: unknown): StateEncodingError {
  const path = findPath(root, (x) => x === v) ?? 'state'
  const what =
    typeof v === 'function'
      ? `a function (${(v as { name?: string }).name || 'anonymous'})`
      : typeof v === 'symbol'
        ? `a symbol (${String(v)})`
        : `an instance of ${(v as object).constructor?.name ?? 'an unknown class'}`
  return new StateEncodingError(
    `cannot fingerprint ${what} at ${path}: states may only hold primitives, bigint, plain objects, arrays, Map and Set; keep behaviour in actions and replace class instances with plain data`,
    path,
  )
}

/** Path from `from` to the first value satisfying `pred`, in `state.a[0]` notation. */
function findPath(from: unknown, pred: (x: unknown) => boolean): string | undefined {
  const seen = new Set<unknown>()
  const walk = (x: unknown, path: string): string | undefined => {
    if (pred(x)) return path
    if (typeof x !== 'object' || x === null || seen.has(x)) return undefined
    seen.add(x)
    for (const [k, child] of children(x)) {
      const found = walk(child, path + k)
      if (found !== undefined) return found
    }
    return undefined
  }
  return walk(from, 'state')
}

function findCyclePath(from: unknown): string | undefined {
  const onStack = new Set<unknown>()
  const walk = (x: unknown, path: string): string | undefined => {
    if (typeof x !== 'object' || x === null) return undefined
    if (onStack.has(x)) return path
    onStack.add(x)
    for (const [k, child] of children(x)) {
      const found = walk(child, path + k)
      if (found !== undefined) return found
    }
    onStack.delete(x)
    return undefined
  }
  return walk(from, 'state')
}

function children(x: object): [string, unknown][] {
  if (Array.isArray(x)) return x.map((c, i) => [`[${i}]`, c])
  if (x instanceof Map) {
    const out: [string, unknown][] = []
    for (const [k, c] of x) out.push([`.get(${String(k)})`, k], [`.get(${String(k)})`, c])
    return out
  }
  if (x instanceof Set) return [...x].map((c, i) => [`<set member ${i}>`, c])
  return Object.keys(x).map((k) => [`.${k}`, (x as Record<string, unknown>)[k]])
}
