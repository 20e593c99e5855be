/**
 * 64-bit structural fingerprints of state values, computed without building strings.
 *
 * Every value is hashed bottom-up into two independent 32-bit lanes (murmur3-style finalisers
 * with different constants). A container (plain object, array, Map, Set) hashes to a function
 * of the SUM of its entries' hashes, each entry mixing its key (or index) with its value. The
 * sum makes key order irrelevant for objects, Maps and Sets (array entries carry their index,
 * so arrays stay ordered), and it makes hashing incremental: a successor built by an immutable
 * update shares most entries with its parent, so its container sums are the parent's minus the
 * changed entries plus the new ones (Zobrist-style), and sub-objects it shares by reference are
 * not walked at all. Each kind of value has its own salt, so `1`, `"1"`, `1n` and `true`
 * differ. Strings are hashed once and cached: states repeat the same few keys and values.
 *
 * Results are left in {@link fpHi}/{@link fpLo} (module state, not an allocated pair) because
 * this runs once per generated successor.
 *
 * @module
 */
import { StateEncodingError } from '../errors.ts'

// Type salts: every value's hash depends on its type, so 1, "1", 1n and true all differ.
const S_UNDEFINED = 0x1b873593
const S_NULL = 0x5bd1e995
const S_FALSE = 0x68e31da4
const S_TRUE = 0x3c6ef372
const S_INT = 0x0fe1a2b3
const S_FLOAT = 0x4f1bbcdc
const S_STRING = 0x2127599b
const S_BIGINT = 0x6d2b79f5
const S_ARRAY = 0x7f4a7c15
const S_OBJECT = 0x1656667b
const S_MAP = 0x2545f491
const S_SET = 0x6a09e667

/** Depth past which a walk checks the state for reference cycles once. */
const CYCLE_CHECK_DEPTH = 256
/** Distinct strings whose hashes are cached before the cache starts over. */
const STRING_CACHE_SIZE = 1 << 16
/** Slots per remembered container: final hash (2 lanes), entry sums (2 lanes), entry count. */
const PART = 5

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const objectProto = Object.prototype
const hasOwn = Object.hasOwn

// Result of the last `hashValue`: two lanes, plus a container's entry sums and count.
let rA = 0
let rB = 0
let sumA = 0
let sumB = 0
let count = 0
let root: unknown
let cycleChecked = false

// States repeat the same few strings (keys, enum-like values) millions of times: hash each once.
const stringSlots = new Map<string, number>()
const stringHashes = new Int32Array(STRING_CACHE_SIZE * 2)

// The containers of the state being expanded, by identity, with their hashes and entry sums.
let parentRoot: unknown
const parentParts = new Map<object, number>()
const parentHashes: number[] = []
let recording = false
let reusing = false

/** High 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpHi = 0
/** Low 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpLo = 0

function avalancheA(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function avalancheB(h: number): number {
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 12
  h = Math.imul(h, 0x297a2d39)
  return h ^ (h >>> 15)
}

/** murmur3's block step, lane A. */
function stepA(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  h ^= Math.imul(k, 0x1b873593)
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** The same shape with other constants, lane B. */
function stepB(h: number, w: number): number {
  let k = Math.imul(w, 0x85ebca77)
  k = (k << 17) | (k >>> 15)
  h ^= Math.imul(k, 0xc2b2ae3d)
  h = (h << 11) | (h >>> 21)
  return (Math.imul(h, 9) + 0x27d4eb2f) | 0
}

// Entry hashes: a key (or index) hash and a value hash, mixed non-linearly per lane.
function entryA(keyA: number, valueA: number): number {
  return avalancheA(keyA ^ Math.imul(valueA, 0x9e3779b1))
}

function entryB(keyB: number, valueB: number): number {
  return avalancheB(keyB + Math.imul(valueB, 0x7f4a7c15))
}

function hashString(s: string): void {
  const slot = stringSlots.get(s)
  if (slot !== undefined) {
    rA = stringHashes[slot]!
    rB = stringHashes[slot + 1]!
    return
  }
  const n = s.length
  let ha = S_STRING ^ n
  let hb = S_STRING + n
  let i = 0
  for (; i + 1 < n; i += 2) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)
    ha = stepA(ha, w)
    hb = stepB(hb, w)
  }
  if (i < n) {
    ha = stepA(ha, s.charCodeAt(i))
    hb = stepB(hb, s.charCodeAt(i))
  }
  rA = avalancheA(ha)
  rB = avalancheB(hb)
  if (stringSlots.size >= STRING_CACHE_SIZE) stringSlots.clear()
  const at = stringSlots.size * 2
  stringSlots.set(s, at)
  stringHashes[at] = rA
  stringHashes[at + 1] = rB
}

/**
 * Sets `rA`/`rB` to the hash of `v`. `prev` is the value at the same place in the parent state
 * (or undefined): when both are containers, only the entries that differ are hashed.
 */
function hashValue(v: unknown, prev: unknown, depth: number): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) {
        rA = avalancheA(v ^ S_INT)
        rB = avalancheB(v + S_INT)
      } else {
        f64[0] = v
        rA = avalancheA(stepA(S_FLOAT, u32[0]!) ^ u32[1]!)
        rB = avalancheB(stepB(S_FLOAT, u32[1]!) ^ u32[0]!)
      }
      return
    case 'string':
      hashString(v)
      return
    case 'boolean':
      rA = v ? S_TRUE : S_FALSE
      rB = v ? ~S_TRUE : ~S_FALSE
      return
    case 'undefined':
      rA = S_UNDEFINED
      rB = ~S_UNDEFINED
      return
    case 'bigint':
      hashString(v.toString(16))
      rA = avalancheA(rA ^ S_BIGINT)
      rB = avalancheB(rB ^ S_BIGINT)
      return
    case 'object': {
      if (v === null) {
        rA = S_NULL
        rB = ~S_NULL
        return
      }
      if (depth >= CYCLE_CHECK_DEPTH && !cycleChecked) checkForCycle()
      let at: number | undefined
      if (reusing) {
        at = parentParts.get(v)
        if (at !== undefined) {
          rA = parentHashes[at]!
          rB = parentHashes[at + 1]!
          return
        }
        // The parent's container at the same place, if remembered, seeds the entry sums.
        at = typeof prev === 'object' && prev !== null ? parentParts.get(prev) : undefined
      }
      let salt: number
      if (Array.isArray(v)) {
        salt = S_ARRAY
        if (at !== undefined && Array.isArray(prev)) updateArray(v, prev, at, depth)
        else hashArray(v, depth)
      } else {
        const proto = Object.getPrototypeOf(v)
        if (proto === objectProto || proto === null) {
          salt = S_OBJECT
          if (at !== undefined && isPlainObject(prev))
            updateObject(v as Record<string, unknown>, prev, at, depth)
          else hashObject(v as Record<string, unknown>, depth)
        } else if (v instanceof Map) {
          salt = S_MAP
          if (at !== undefined && prev instanceof Map) updateMap(v, prev, at, depth)
          else hashMap(v, depth)
        } else if (v instanceof Set) {
          salt = S_SET
          hashSet(v, depth)
        } else {
          throw unencodable(v)
        }
      }
      rA = avalancheA(stepA(salt ^ count, sumA))
      rB = avalancheB(stepB(salt + count, sumB))
      if (recording) {
        parentParts.set(v, parentHashes.length)
        parentHashes.push(rA, rB, sumA, sumB, count)
      }
      return
    }
    default:
      throw unencodable(v)
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false
  const proto = Object.getPrototypeOf(x)
  return proto === objectProto || proto === null
}

// Each container hasher leaves its entry sums in `sumA`/`sumB`/`count`; `hashValue` finalises.

function hashArray(v: readonly unknown[], depth: number): void {
  let sa = 0
  let sb = 0
  for (let i = 0; i < v.length; i++) {
    hashValue(v[i], undefined, depth + 1)
    sa = (sa + entryA(i + S_ARRAY, rA)) | 0
    sb = (sb + entryB(i + S_ARRAY, rB)) | 0
  }
  sumA = sa
  sumB = sb
  count = v.length
}

function updateArray(
  v: readonly unknown[],
  prev: readonly unknown[],
  at: number,
  depth: number,
): void {
  let sa = parentHashes[at + 2]!
  let sb = parentHashes[at + 3]!
  const n = v.length
  const pn = prev.length
  for (let i = 0; i < n; i++) {
    const x = v[i]
    if (i < pn) {
      const px = prev[i]
      if (x === px) continue
      hashValue(px, undefined, depth + 1)
      sa = (sa - entryA(i + S_ARRAY, rA)) | 0
      sb = (sb - entryB(i + S_ARRAY, rB)) | 0
      hashValue(x, px, depth + 1)
    } else {
      hashValue(x, undefined, depth + 1)
    }
    sa = (sa + entryA(i + S_ARRAY, rA)) | 0
    sb = (sb + entryB(i + S_ARRAY, rB)) | 0
  }
  for (let i = n; i < pn; i++) {
    hashValue(prev[i], undefined, depth + 1)
    sa = (sa - entryA(i + S_ARRAY, rA)) | 0
    sb = (sb - entryB(i + S_ARRAY, rB)) | 0
  }
  sumA = sa
  sumB = sb
  count = n
}

function hashObject(v: Record<string, unknown>, depth: number): void {
  let sa = 0
  let sb = 0
  let n = 0
  for (const k in v) {
    hashValue(v[k], undefined, depth + 1)
    const va = rA
    const vb = rB
    hashString(k)
    sa = (sa + entryA(rA, va)) | 0
    sb = (sb + entryB(rB, vb)) | 0
    n++
  }
  sumA = sa
  sumB = sb
  count = n
}

function updateObject(
  v: Record<string, unknown>,
  prev: Record<string, unknown>,
  at: number,
  depth: number,
): void {
  let sa = parentHashes[at + 2]!
  let sb = parentHashes[at + 3]!
  const prevCount = parentHashes[at + 4]!
  let n = 0
  let shared = 0
  for (const k in v) {
    n++
    const x = v[k]
    const px = prev[k]
    if (x === px && (x !== undefined || hasOwn(prev, k))) {
      shared++
      continue
    }
    let pa = 0
    let pb = 0
    const inPrev = px !== undefined || hasOwn(prev, k)
    if (inPrev) {
      shared++
      hashValue(px, undefined, depth + 1)
      pa = rA
      pb = rB
    }
    hashValue(x, px, depth + 1)
    const va = rA
    const vb = rB
    hashString(k)
    if (inPrev) {
      sa = (sa - entryA(rA, pa)) | 0
      sb = (sb - entryB(rB, pb)) | 0
    }
    sa = (sa + entryA(rA, va)) | 0
    sb = (sb + entryB(rB, vb)) | 0
  }
  if (shared < prevCount) {
    // Some of the parent's keys are gone: take their entries out.
    for (const k in prev) {
      if (hasOwn(v, k)) continue
      hashValue(prev[k], undefined, depth + 1)
      const pa = rA
      const pb = rB
      hashString(k)
      sa = (sa - entryA(rA, pa)) | 0
      sb = (sb - entryB(rB, pb)) | 0
    }
  }
  sumA = sa
  sumB = sb
  count = n
}

function hashMap(v: ReadonlyMap<unknown, unknown>, depth: number): void {
  let sa = 0
  let sb = 0
  for (const [k, x] of v) {
    hashValue(x, undefined, depth + 1)
    const va = rA
    const vb = rB
    hashValue(k, undefined, depth + 1)
    sa = (sa + entryA(rA, va)) | 0
    sb = (sb + entryB(rB, vb)) | 0
  }
  sumA = sa
  sumB = sb
  count = v.size
}

function updateMap(
  v: ReadonlyMap<unknown, unknown>,
  prev: ReadonlyMap<unknown, unknown>,
  at: number,
  depth: number,
): void {
  let sa = parentHashes[at + 2]!
  let sb = parentHashes[at + 3]!
  const prevCount = parentHashes[at + 4]!
  let shared = 0
  for (const [k, x] of v) {
    const px = prev.get(k)
    const inPrev = px !== undefined || prev.has(k)
    if (inPrev) {
      shared++
      if (x === px) continue
      hashValue(px, undefined, depth + 1)
      const pa = rA
      const pb = rB
      hashValue(k, undefined, depth + 1)
      sa = (sa - entryA(rA, pa)) | 0
      sb = (sb - entryB(rB, pb)) | 0
    }
    hashValue(x, px, depth + 1)
    const va = rA
    const vb = rB
    hashValue(k, undefined, depth + 1)
    sa = (sa + entryA(rA, va)) | 0
    sb = (sb + entryB(rB, vb)) | 0
  }
  if (shared < prevCount) {
    for (const [k, px] of prev) {
      if (v.has(k)) continue
      hashValue(px, undefined, depth + 1)
      const pa = rA
      const pb = rB
      hashValue(k, undefined, depth + 1)
      sa = (sa - entryA(rA, pa)) | 0
      sb = (sb - entryB(rB, pb)) | 0
    }
  }
  sumA = sa
  sumB = sb
  count = v.size
}

function hashSet(v: ReadonlySet<unknown>, depth: number): void {
  let sa = 0
  let sb = 0
  for (const x of v) {
    hashValue(x, undefined, depth + 1)
    sa = (sa + entryA(S_SET, rA)) | 0
    sb = (sb + entryB(S_SET, rB)) | 0
  }
  sumA = sa
  sumB = sb
  count = v.size
}

/**
 * Computes the 64-bit fingerprint of `value` into {@link fpHi} and {@link fpLo}.
 *
 * @throws {StateEncodingError} when the value holds a function, symbol, class instance or cycle.
 */
export function fingerprint(value: unknown): void {
  root = value
  cycleChecked = false
  hashValue(value, reusing ? parentRoot : undefined, 0)
  fpHi = avalancheA(rA ^ Math.imul(rB, 0x27d4eb2f))
  fpLo = avalancheB(rB ^ rA)
  root = undefined
}

/**
 * Fingerprints a state about to be expanded (like {@link fingerprint}) and remembers its
 * containers' hashes and entry sums, which {@link reuseParentHashes} lets its successors'
 * fingerprints start from. The memory is replaced at the next call.
 */
export function fingerprintParent(value: unknown): void {
  parentParts.clear()
  parentHashes.length = 0
  parentRoot = value
  reusing = false
  recording = true
  try {
    fingerprint(value)
  } finally {
    recording = false
  }
}

/**
 * While on, {@link fingerprint} reuses what {@link fingerprintParent} remembered: hashes of
 * containers shared by reference, and entry sums of the parent's containers at the same place.
 * The result is identical to a full walk as long as the parent was not mutated (the checker
 * verifies that after each expansion).
 */
export function reuseParentHashes(on: boolean): void {
  reusing = on
}

/** The fingerprint of `value` as a 16-digit hex string (for tests and reports, not hot paths). */
export function fingerprintHex(value: unknown): string {
  const wasReusing = reusing
  reusing = false
  try {
    fingerprint(value)
  } finally {
    reusing = wasReusing
  }
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
