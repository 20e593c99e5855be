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
 * not walked at all. The parent is recorded as a tree of container records (entries by
 * position, with their terms in the sums) and a successor is hashed side by side with it, so
 * matching an entry is a comparison by position, not a lookup. The same record lets the
 * checker verify, by comparing references, that an expansion left its state untouched. Each
 * kind of value has its own salt, so `1`, `"1"`, `1n` and `true` differ. Strings are hashed
 * once and cached: states repeat the same few keys and values.
 *
 * A {@link Fingerprinter} holds the hashing state of one search; results are left in its `hi`
 * and `lo` (not an allocated pair) because this runs once per generated successor.
 *
 * @module
 */
import { StateEncodingError } from '../errors.ts'
import { murmurFinal, murmurStep } from '../hash/murmur.ts'

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

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const objectProto = Object.prototype

// Shared by every fingerprinter (a pure cache of a pure function). States repeat the same few strings (keys, enum-like values) millions of times: hash each once.
const stringSlots = new Map<string, number>()
const stringHashes = new Int32Array(STRING_CACHE_SIZE * 2)

/** Where a fingerprinter's hashing machinery leaves a fingerprint. */
interface FingerprintOut {
  hi: number
  lo: number
}

/** The hashing machinery and scratch records of one {@link Fingerprinter}. */
function createHasher(out: FingerprintOut) {
  // Result of the last `hashValue`: two lanes, plus a container's entry sums and count.
  let rA = 0
  let rB = 0
  let sumA = 0
  let sumB = 0
  let count = 0
  let root: unknown
  let cycleChecked = false

  // The state being expanded, recorded as a tree of container records (see `fingerprintParent`).
  // Record r: its container, kind, first entry and entry count, final hash and entry sums. Entry e:
  // key and value, their hashes, and the record of the value when it is a container (else -1).
  // All of it lives in arrays reused from one parent to the next, so recording allocates nothing.
  const K_ARRAY = 1
  const K_OBJECT = 2
  const K_MAP = 3
  const K_SET = 4
  /** `entChild` of a container entry whose record is not made yet. */
  const PENDING = -2
  /** `entChild` of a primitive entry whose key, value and term are as the last recording left them. */
  const KEPT = -3
  /** Never equal to a value of a state. */
  const NONE = Symbol('none')

  let recCap = 256
  const recObj: unknown[] = new Array<unknown>(recCap).fill(undefined)
  let recKind = new Uint8Array(recCap)
  let recStart = new Int32Array(recCap)
  let recCount = new Int32Array(recCap)
  let recHA = new Int32Array(recCap)
  let recHB = new Int32Array(recCap)
  let recSA = new Int32Array(recCap)
  let recSB = new Int32Array(recCap)
  /** End of the record's subtree: the records and entries of its containers, depth first. */
  let recEndRec = new Int32Array(recCap)
  let recEndEnt = new Int32Array(recCap)
  let nRec = 0
  /** Per record, built on demand: key (or Set member) -> entry, for entries out of order. */
  const recIndex: (Map<unknown, number> | undefined)[] = []
  const indexedRecs: number[] = []

  let entCap = 1024
  const entKey: unknown[] = new Array<unknown>(entCap).fill(undefined)
  const entVal: unknown[] = new Array<unknown>(entCap).fill(undefined)
  let entKA = new Int32Array(entCap)
  let entKB = new Int32Array(entCap)
  let entVA = new Int32Array(entCap)
  let entVB = new Int32Array(entCap)
  /** The entry's term in its container's sums: a mix of its key and value hashes. */
  let entCA = new Int32Array(entCap)
  let entCB = new Int32Array(entCap)
  /**
   * Per entry, the last primitive a successor put in its place and that entry's term: successors
   * of different parents often change the same entry to the same value ('working' -> 'prepared').
   */
  const entNewVal: unknown[] = new Array<unknown>(entCap).fill(NONE)
  let entNewCA = new Int32Array(entCap)
  let entNewCB = new Int32Array(entCap)
  let entChild = new Int32Array(entCap)
  let entSeen = new Int32Array(entCap)
  let nEnt = 0
  /**
   * Entries below this index hold a key and a primitive value together with their hashes, as
   * left by the last recordings: a parent that has the same primitive at the same place reuses
   * them instead of looking the string up again (parents mostly share their layout).
   */
  let entOk = 0
  let stamp = 0
  /** Record made by the last `recordValue` (-1 for a primitive). */
  let rRec = -1
  /** Record of the parent's root, or -1 (no parent, or a primitive root). */
  let parentRec = -1
  let haveParent = false
  /** A Map of the parent has a container as a key: `parentIntact` cannot vouch for it. */
  let opaqueParent = false
  /**
   * Records of the last complete recording (0 after a failed one, or an opaque parent). A
   * container found again at the same place in the next parent, at the same first entry and
   * still holding the same entries, keeps its whole subtree of records: consecutive parents in
   * a BFS level are often siblings that share most of their containers.
   */
  let prevRecs = 0

  /** Lane A's finaliser: murmur3's. */
  const avalancheA = murmurFinal

  function avalancheB(h: number): number {
    h ^= h >>> 15
    h = Math.imul(h, 0x2c1b3c6d)
    h ^= h >>> 12
    h = Math.imul(h, 0x297a2d39)
    return h ^ (h >>> 15)
  }

  /** murmur3's block step, lane A. */
  const stepA = murmurStep

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
   * Sets `rA`/`rB` to the hash of `v`. `rec` is the record of the parent's container at the same
   * place (or -1): when `v` is a container of the same kind, only the entries that differ from
   * the record are hashed.
   */
  function hashValue(v: unknown, rec: number, depth: number): void {
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
        if (rec >= 0 && recObj[rec] === v) {
          // The parent's own container (an action that left the state as it was).
          rA = recHA[rec]!
          rB = recHB[rec]!
          return
        }
        let salt: number
        if (Array.isArray(v)) {
          salt = S_ARRAY
          if (rec >= 0 && recKind[rec] === K_ARRAY) updateArray(v, rec, depth)
          else hashArray(v, depth)
        } else {
          const proto = Object.getPrototypeOf(v)
          if (proto === objectProto || proto === null) {
            salt = S_OBJECT
            if (rec >= 0 && recKind[rec] === K_OBJECT)
              updateObject(v as Record<string, unknown>, rec, depth)
            else hashObject(v as Record<string, unknown>, depth)
          } else if (v instanceof Map) {
            salt = S_MAP
            if (rec >= 0 && recKind[rec] === K_MAP) updateMap(v, rec, depth)
            else hashMap(v, depth)
          } else if (v instanceof Set) {
            salt = S_SET
            if (rec >= 0 && recKind[rec] === K_SET) updateSet(v, rec, depth)
            else hashSet(v, depth)
          } else {
            throw unencodable(v)
          }
        }
        rA = avalancheA(stepA(salt ^ count, sumA))
        rB = avalancheB(stepB(salt + count, sumB))
        return
      }
      default:
        throw unencodable(v)
    }
  }

  // Each container hasher leaves its entry sums in `sumA`/`sumB`/`count`; `hashValue` finalises.

  function hashArray(v: readonly unknown[], depth: number): void {
    let sa = 0
    let sb = 0
    for (let i = 0; i < v.length; i++) {
      hashValue(v[i], -1, depth + 1)
      sa = (sa + entryA(i + S_ARRAY, rA)) | 0
      sb = (sb + entryB(i + S_ARRAY, rB)) | 0
    }
    sumA = sa
    sumB = sb
    count = v.length
  }

  function hashObject(v: Record<string, unknown>, depth: number): void {
    let sa = 0
    let sb = 0
    let n = 0
    for (const k in v) {
      hashValue(v[k], -1, depth + 1)
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

  function hashMap(v: ReadonlyMap<unknown, unknown>, depth: number): void {
    let sa = 0
    let sb = 0
    for (const [k, x] of v) {
      hashValue(x, -1, depth + 1)
      const va = rA
      const vb = rB
      hashValue(k, -1, depth + 1)
      sa = (sa + entryA(rA, va)) | 0
      sb = (sb + entryB(rB, vb)) | 0
    }
    sumA = sa
    sumB = sb
    count = v.size
  }

  function hashSet(v: ReadonlySet<unknown>, depth: number): void {
    let sa = 0
    let sb = 0
    for (const x of v) {
      hashValue(x, -1, depth + 1)
      sa = (sa + entryA(S_SET, rA)) | 0
      sb = (sb + entryB(S_SET, rB)) | 0
    }
    sumA = sa
    sumB = sb
    count = v.size
  }

  // Incremental hashers: a successor's container against the record of the parent's container at
  // the same place. They walk the two side by side; while keys (or members) come in the same
  // order, which is the rule for immutable updates (spread, `new Set(s).add(x)`, `new Map(m)`),
  // matching is a comparison by position, with no lookup in the parent. Out of order, a key index
  // of the record is built once and used for the rest. Entries equal by identity keep their
  // recorded hash; the others replace it in the recorded sums.

  /** Entry of record `rec` whose key (or Set member) is `k`, or -1. */
  function findEntry(rec: number, k: unknown): number {
    const start = recStart[rec]!
    const end = start + recCount[rec]!
    if (end - start <= 8) {
      for (let e = start; e < end; e++) {
        const x = recKind[rec] === K_SET ? entVal[e] : entKey[e]
        if (x === k || (Number.isNaN(x as number) && Number.isNaN(k as number))) return e
      }
      return -1
    }
    let index = recIndex[rec]
    if (index === undefined) {
      index = new Map()
      const set = recKind[rec] === K_SET
      for (let e = start; e < end; e++) index.set(set ? entVal[e] : entKey[e], e)
      recIndex[rec] = index
      indexedRecs.push(rec)
    }
    return index.get(k) ?? -1
  }

  function nextStamp(): number {
    if (stamp === 0x7fffffff) {
      entSeen.fill(0)
      stamp = 0
    }
    return ++stamp
  }

  /** Takes the entries of `rec` from `from` on that were not matched (stamp) out of the sums. */
  function subtractUnmatched(rec: number, from: number, seen: number): void {
    const end = recStart[rec]! + recCount[rec]!
    let sa = sumA
    let sb = sumB
    for (let e = from; e < end; e++) {
      if (seen !== 0 && entSeen[e] === seen) continue
      sa = (sa - entCA[e]!) | 0
      sb = (sb - entCB[e]!) | 0
    }
    sumA = sa
    sumB = sb
  }

  function updateArray(v: readonly unknown[], rec: number, depth: number): void {
    let sa = recSA[rec]!
    let sb = recSB[rec]!
    const start = recStart[rec]!
    const pn = recCount[rec]!
    const n = v.length
    for (let i = 0; i < n; i++) {
      const x = v[i]
      const e = start + i
      if (i < pn) {
        if (x === entVal[e]) continue
        sa = (sa - entCA[e]!) | 0
        sb = (sb - entCB[e]!) | 0
        if (x === entNewVal[e]) {
          sa = (sa + entNewCA[e]!) | 0
          sb = (sb + entNewCB[e]!) | 0
          continue
        }
        if (typeof x === 'object' && x !== null && i + 1 < pn && entVal[e + 1] === x) {
          // Shifted down by one (a queue's head taken off): its hash is recorded.
          rA = entVA[e + 1]!
          rB = entVB[e + 1]!
        } else if (typeof x === 'object' && x !== null && i > 0 && entVal[e - 1] === x) {
          rA = entVA[e - 1]!
          rB = entVB[e - 1]!
        } else {
          hashValue(x, entChild[e]!, depth + 1)
          if (typeof x !== 'object') {
            const ca = entryA(entKA[e]!, rA)
            const cb = entryB(entKB[e]!, rB)
            entNewVal[e] = x
            entNewCA[e] = ca
            entNewCB[e] = cb
            sa = (sa + ca) | 0
            sb = (sb + cb) | 0
            continue
          }
        }
      } else if (typeof x === 'object' && x !== null && i > 0 && i <= pn && entVal[e - 1] === x) {
        rA = entVA[e - 1]!
        rB = entVB[e - 1]!
      } else {
        hashValue(x, -1, depth + 1)
      }
      sa = (sa + entryA(i + S_ARRAY, rA)) | 0
      sb = (sb + entryB(i + S_ARRAY, rB)) | 0
    }
    sumA = sa
    sumB = sb
    if (n < pn) subtractUnmatched(rec, start + n, 0)
    count = n
  }

  /** The term an entry of an object or Map gets from `changedTerm`, per lane. */
  let tA = 0
  let tB = 0

  /**
   * Sets `tA`/`tB` to the term of entry `e` (of an object or a Map record) holding `x` instead
   * of its recorded value: the last primitive put in its place is remembered with its term, since
   * successors of different parents often make the same change ('working' -> 'prepared').
   */
  function changedTerm(e: number, x: unknown, depth: number): void {
    if (x === entNewVal[e]) {
      tA = entNewCA[e]!
      tB = entNewCB[e]!
      return
    }
    hashValue(x, entChild[e]!, depth + 1)
    tA = entryA(entKA[e]!, rA)
    tB = entryB(entKB[e]!, rB)
    if (typeof x !== 'object') {
      entNewVal[e] = x
      entNewCA[e] = tA
      entNewCB[e] = tB
    }
  }

  function updateObject(v: Record<string, unknown>, rec: number, depth: number): void {
    let sa = recSA[rec]!
    let sb = recSB[rec]!
    const start = recStart[rec]!
    const end = start + recCount[rec]!
    let next = start
    let seen = 0
    let n = 0
    for (const k in v) {
      const x = v[k]
      n++
      let e: number
      if (seen === 0 && next < end && entKey[next] === k) {
        e = next++
      } else {
        if (seen === 0) seen = nextStamp()
        e = findEntry(rec, k)
        if (e >= 0) entSeen[e] = seen
      }
      if (e >= 0) {
        if (x === entVal[e]) continue
        changedTerm(e, x, depth)
        sa = (sa - entCA[e]! + tA) | 0
        sb = (sb - entCB[e]! + tB) | 0
      } else {
        hashValue(x, -1, depth + 1)
        const va = rA
        const vb = rB
        hashString(k)
        sa = (sa + entryA(rA, va)) | 0
        sb = (sb + entryB(rB, vb)) | 0
      }
    }
    // Keys of the parent that are gone.
    sumA = sa
    sumB = sb
    if (next < end) subtractUnmatched(rec, next, seen)
    count = n
  }

  function updateMap(v: ReadonlyMap<unknown, unknown>, rec: number, depth: number): void {
    let sa = recSA[rec]!
    let sb = recSB[rec]!
    const start = recStart[rec]!
    const end = start + recCount[rec]!
    let next = start
    let seen = 0
    for (const [k, x] of v) {
      let e: number
      if (seen === 0 && next < end && entKey[next] === k) {
        e = next++
      } else {
        if (seen === 0) seen = nextStamp()
        e = findEntry(rec, k)
        if (e >= 0) entSeen[e] = seen
      }
      if (e >= 0) {
        if (x === entVal[e]) continue
        changedTerm(e, x, depth)
        sa = (sa - entCA[e]! + tA) | 0
        sb = (sb - entCB[e]! + tB) | 0
      } else {
        hashValue(x, -1, depth + 1)
        const va = rA
        const vb = rB
        hashValue(k, -1, depth + 1)
        sa = (sa + entryA(rA, va)) | 0
        sb = (sb + entryB(rB, vb)) | 0
      }
    }
    sumA = sa
    sumB = sb
    if (next < end) subtractUnmatched(rec, next, seen)
    count = v.size
  }

  function updateSet(v: ReadonlySet<unknown>, rec: number, depth: number): void {
    let sa = recSA[rec]!
    let sb = recSB[rec]!
    const start = recStart[rec]!
    const end = start + recCount[rec]!
    let next = start
    let seen = 0
    for (const x of v) {
      let e: number
      if (seen === 0 && next < end && entVal[next] === x) {
        e = next++
      } else {
        if (seen === 0) seen = nextStamp()
        e = findEntry(rec, x)
        if (e >= 0) entSeen[e] = seen
      }
      if (e >= 0) continue
      hashValue(x, -1, depth + 1)
      sa = (sa + entryA(S_SET, rA)) | 0
      sb = (sb + entryB(S_SET, rB)) | 0
    }
    sumA = sa
    sumB = sb
    if (next < end) subtractUnmatched(rec, next, seen)
    count = v.size
  }

  // Recording the parent: a full walk that also fills the records. A container's entries are
  // listed first (keys and primitive values hashed on the way), then its container values are
  // recorded, so each record's entries are contiguous.

  function recordValue(v: unknown, depth: number): void {
    if (typeof v === 'object' && v !== null) {
      const id = nRec
      if (id < prevRecs && recObj[id] === v && recStart[id] === nEnt && intact(id)) {
        nRec = recEndRec[id]!
        nEnt = recEndEnt[id]!
        rA = recHA[id]!
        rB = recHB[id]!
        rRec = id
        return
      }
      if (depth >= CYCLE_CHECK_DEPTH && !cycleChecked) checkForCycle()
      recordContainer(v, depth)
    } else {
      hashValue(v, -1, depth)
      rRec = -1
    }
  }

  function growRecords(): void {
    const cap = recCap * 2
    recObj.length = cap
    recObj.fill(undefined, recCap)
    recKind = grown8(recKind, cap)
    recStart = grown(recStart, cap)
    recCount = grown(recCount, cap)
    recHA = grown(recHA, cap)
    recHB = grown(recHB, cap)
    recSA = grown(recSA, cap)
    recSB = grown(recSB, cap)
    recEndRec = grown(recEndRec, cap)
    recEndEnt = grown(recEndEnt, cap)
    recCap = cap
  }

  function reserveEntries(n: number): void {
    if (nEnt + n <= entCap) return
    let cap = entCap * 2
    while (cap < nEnt + n) cap *= 2
    entKey.length = cap
    entKey.fill(undefined, entCap)
    entVal.length = cap
    entVal.fill(undefined, entCap)
    entKA = grown(entKA, cap)
    entKB = grown(entKB, cap)
    entVA = grown(entVA, cap)
    entVB = grown(entVB, cap)
    entCA = grown(entCA, cap)
    entCB = grown(entCB, cap)
    entNewVal.length = cap
    entNewVal.fill(NONE, entCap)
    entNewCA = grown(entNewCA, cap)
    entNewCB = grown(entNewCB, cap)
    entChild = grown(entChild, cap)
    entSeen = grown(entSeen, cap)
    entCap = cap
  }

  function grown(a: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
    const b = new Int32Array(cap)
    b.set(a)
    return b
  }

  function grown8(a: Uint8Array<ArrayBuffer>, cap: number): Uint8Array<ArrayBuffer> {
    const b = new Uint8Array(cap)
    b.set(a)
    return b
  }

  /** Sets entry `e`'s key hash; a new key also voids the entry's memo of successor values. */
  function noteKey(e: number, k: unknown, ka: number, kb: number): void {
    entKey[e] = k
    entKA[e] = ka
    entKB[e] = kb
    entNewVal[e] = NONE
  }

  /**
   * Stores value `x` in entry `e`: a primitive is hashed now, unless the last recording left the
   * same one there (then with the same key, `sameKey`, its term is kept too); a container later.
   */
  function noteValue(e: number, x: unknown, sameKey: boolean, depth: number): void {
    if (typeof x === 'object' && x !== null) {
      entVal[e] = x
      entChild[e] = PENDING
      return
    }
    if (e < entOk && entVal[e] === x) {
      entChild[e] = sameKey ? KEPT : -1
      return
    }
    entChild[e] = -1
    hashValue(x, -1, depth)
    entVal[e] = x
    entVA[e] = rA
    entVB[e] = rB
  }

  function recordContainer(v: object, depth: number): void {
    if (nRec === recCap) growRecords()
    const id = nRec++
    recObj[id] = v
    const start = nEnt
    let kind: number
    let salt: number
    if (Array.isArray(v)) {
      kind = K_ARRAY
      salt = S_ARRAY
      const n = v.length
      reserveEntries(n)
      nEnt += n
      for (let i = 0; i < n; i++) {
        const e = start + i
        const ka = (i + S_ARRAY) | 0
        const sameKey = e < entOk && entKA[e] === ka && entKB[e] === ka
        if (!sameKey) noteKey(e, undefined, ka, ka)
        noteValue(e, v[i], sameKey, depth + 1)
      }
    } else {
      const proto = Object.getPrototypeOf(v)
      if (proto === objectProto || proto === null) {
        kind = K_OBJECT
        salt = S_OBJECT
        const o = v as Record<string, unknown>
        for (const k in o) {
          if (nEnt === entCap) reserveEntries(1)
          const e = nEnt++
          const sameKey = e < entOk && entKey[e] === k
          if (!sameKey) {
            hashString(k)
            noteKey(e, k, rA, rB)
          }
          noteValue(e, o[k], sameKey, depth + 1)
        }
      } else if (v instanceof Map) {
        kind = K_MAP
        salt = S_MAP
        reserveEntries(v.size)
        for (const [k, x] of v) {
          const e = nEnt++
          if (typeof k === 'object' && k !== null) opaqueParent = true
          const sameKey = e < entOk && entKey[e] === k && (typeof k !== 'object' || k === null)
          if (!sameKey) {
            hashValue(k, -1, depth + 1)
            noteKey(e, k, rA, rB)
          }
          noteValue(e, x, sameKey, depth + 1)
        }
      } else if (v instanceof Set) {
        kind = K_SET
        salt = S_SET
        reserveEntries(v.size)
        for (const x of v) {
          const e = nEnt++
          const sameKey = e < entOk && entKA[e] === S_SET && entKB[e] === S_SET
          if (!sameKey) noteKey(e, undefined, S_SET, S_SET)
          noteValue(e, x, sameKey, depth + 1)
        }
      } else {
        throw unencodable(v)
      }
    }
    const end = nEnt
    let sa = 0
    let sb = 0
    for (let e = start; e < end; e++) {
      const c = entChild[e]!
      if (c === KEPT) {
        entChild[e] = -1
      } else {
        if (c === PENDING) {
          recordValue(entVal[e], depth + 1)
          entVA[e] = rA
          entVB[e] = rB
          entChild[e] = rRec
        }
        entCA[e] = entryA(entKA[e]!, entVA[e]!)
        entCB[e] = entryB(entKB[e]!, entVB[e]!)
      }
      sa = (sa + entCA[e]!) | 0
      sb = (sb + entCB[e]!) | 0
    }
    const n = end - start
    rA = avalancheA(stepA(salt ^ n, sa))
    rB = avalancheB(stepB(salt + n, sb))
    recKind[id] = kind
    recStart[id] = start
    recCount[id] = n
    recHA[id] = rA
    recHB[id] = rB
    recSA[id] = sa
    recSB[id] = sb
    recEndRec[id] = nRec
    recEndEnt[id] = nEnt
    rRec = id
  }

  /** True when record `rec`'s container still holds the recorded entries (by identity), deeply. */
  function intact(rec: number): boolean {
    const o = recObj[rec]
    const start = recStart[rec]!
    const end = start + recCount[rec]!
    let e = start
    switch (recKind[rec]) {
      case K_OBJECT: {
        const obj = o as Record<string, unknown>
        for (const k in obj) {
          if (e === end || entKey[e] !== k || obj[k] !== entVal[e]) return false
          e++
        }
        if (e !== end) return false
        break
      }
      case K_ARRAY: {
        const a = o as unknown[]
        if (a.length !== end - start) return false
        for (let i = 0; i < a.length; i++) if (a[i] !== entVal[start + i]) return false
        break
      }
      case K_MAP: {
        const m = o as Map<unknown, unknown>
        if (m.size !== end - start) return false
        for (const [k, x] of m) {
          if (entKey[e] !== k || entVal[e] !== x) return false
          e++
        }
        break
      }
      default: {
        const set = o as Set<unknown>
        if (set.size !== end - start) return false
        for (const x of set) {
          if (entVal[e] !== x) return false
          e++
        }
      }
    }
    for (e = start; e < end; e++) {
      const c = entChild[e]!
      if (c >= 0 && !intact(c)) return false
    }
    return true
  }

  /** Fingerprints `value` into `out`, starting from the parent's record when `reuse` is set. */
  function walk(value: unknown, reuse: boolean): void {
    // `root` is only read to describe an error; after one it is simply left to the next call.
    root = value
    cycleChecked = false
    hashValue(value, reuse ? parentRec : -1, 0)
    root = undefined
    out.hi = avalancheA(rA ^ Math.imul(rB, 0x27d4eb2f))
    out.lo = avalancheB(rB ^ rA)
  }

  /** Fingerprints `value` into `out` and records it as the parent of the next children. */
  function recordParent(value: unknown): void {
    for (const r of indexedRecs) recIndex[r] = undefined
    indexedRecs.length = 0
    nRec = 0
    nEnt = 0
    parentRec = -1
    haveParent = false
    opaqueParent = false
    root = value
    cycleChecked = false
    try {
      recordValue(value, 0)
    } catch (e) {
      // Entries were overwritten half-way: none of them may be trusted by the next recording.
      entOk = 0
      prevRecs = 0
      nRec = 0
      throw e
    } finally {
      root = undefined
    }
    if (nEnt > entOk) entOk = nEnt
    prevRecs = opaqueParent ? 0 : nRec
    parentRec = rRec
    haveParent = true
    out.hi = avalancheA(rA ^ Math.imul(rB, 0x27d4eb2f))
    out.lo = avalancheB(rB ^ rA)
  }

  function parentIntact(): boolean {
    if (!haveParent || opaqueParent) return false
    return parentRec < 0 || intact(parentRec)
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

  return { walk, recordParent, parentIntact }
}

/**
 * Computes 64-bit fingerprints, one search (or one caller) per instance: each has its own
 * scratch records and its own parent record, so nothing one search does can disturb another's
 * fingerprints. The result of the last call is in {@link hi} and {@link lo}: no pair is
 * allocated per fingerprint, because this runs once per generated successor.
 *
 * A search records each state it expands with {@link recordParent} and fingerprints its
 * successors with {@link child}, which starts from that record: the hash of every container
 * shared with the parent at the same place, and the parent's entry sums for the others. The
 * result is identical to {@link of}, a full walk, as long as the parent was not mutated, which
 * {@link parentIntact} checks after the expansion.
 */
export class Fingerprinter {
  /** High 32 bits of the last fingerprint. */
  hi = 0
  /** Low 32 bits of the last fingerprint. */
  lo = 0
  readonly #hasher: ReturnType<typeof createHasher>

  constructor() {
    this.#hasher = createHasher(this)
  }

  /**
   * Fingerprints `value` (a full walk) into {@link hi}/{@link lo}.
   *
   * @throws {StateEncodingError} when the value holds a function, symbol, class instance or cycle.
   */
  of(value: unknown): void {
    this.#hasher.walk(value, false)
  }

  /**
   * Fingerprints `value` like {@link of}, starting from the record of the last
   * {@link recordParent}: much cheaper for a successor that shares structure with its parent.
   */
  child(value: unknown): void {
    this.#hasher.walk(value, true)
  }

  /**
   * Fingerprints a state about to be expanded (like {@link of}) and records it: each container
   * with its entries, their hashes and its entry sums, by position. Replaced at the next call.
   */
  recordParent(value: unknown): void {
    this.#hasher.recordParent(value)
  }

  /**
   * True when every container of the last recorded parent still holds exactly the entries
   * recorded then (same keys in the same order, identical values), so its fingerprint cannot
   * have changed. False means it may have: fingerprint it again to know. Much cheaper than a
   * fingerprint: no hashing, just a comparison of references.
   */
  parentIntact(): boolean {
    return this.#hasher.parentIntact()
  }

  /** The last fingerprint as a 16-digit hex string. */
  get hex(): string {
    return (
      (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0')
    )
  }
}

/** The fingerprinter behind {@link fingerprintHex} and the compatibility exports. */
const shared = new Fingerprinter()

/** High 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpHi = 0
/** Low 32 bits of the last fingerprint computed by {@link fingerprint}. */
export let fpLo = 0

/**
 * Computes the 64-bit fingerprint of `value` into {@link fpHi} and {@link fpLo}, with a
 * fingerprinter shared by its callers. Prefer a {@link Fingerprinter} of your own.
 *
 * @throws {StateEncodingError} when the value holds a function, symbol, class instance or cycle.
 */
export function fingerprint(value: unknown): void {
  shared.of(value)
  fpHi = shared.hi
  fpLo = shared.lo
}

/** The fingerprint of `value` as a 16-digit hex string (for tests and reports, not hot paths). */
export function fingerprintHex(value: unknown): string {
  shared.of(value)
  return shared.hex
}
