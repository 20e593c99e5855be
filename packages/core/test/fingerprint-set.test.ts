// check's visited set: fingerprints only (at most 12 bytes a state), parents found again by
// replaying the search, so that every trace is the one a store with parent pointers gives.
import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { twoPhaseCommit } from '../../../examples/two-phase-commit/two-phase-commit.ts'
import { BreadthFirstSearch } from '../src/check/engine.ts'
import { FingerprintSet } from '../src/model/fingerprint-set.ts'

/** Deterministic, well-mixed 32-bit values (xorshift32). */
function* randomInts(seed: number): Generator<number> {
  let x = seed | 0 || 1
  for (;;) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    yield x | 0
  }
}

describe('FingerprintSet', () => {
  it('numbers new fingerprints in order, rejects duplicates and keeps (0, 0)', () => {
    const set = new FingerprintSet()
    expect(set.add(0, 0)).toBe(0)
    expect(set.add(0, 0)).toBe(-1)
    expect(set.add(5, 7)).toBe(1)
    expect(set.add(5, 8)).toBe(2)
    expect(set.add(5, 7)).toBe(-1)
    expect(set.indexOf(0, 0)).toBe(0)
    expect(set.indexOf(5, 8)).toBe(0)
    expect(set.indexOf(8, 5)).toBe(-1)
    expect(set.size).toBe(3)
  })

  it('finds every fingerprint after growing, and stays within 12 bytes a state', () => {
    const set = new FingerprintSet()
    const ints = randomInts(42)
    const fps: number[] = []
    let misnumbered = 0
    let worstBytes = 0
    for (let n = 0; n < 200_000; n++) {
      const hi = ints.next().value as number
      const lo = ints.next().value as number
      fps.push(hi, lo)
      if (set.add(hi, lo) !== n) misnumbered++
      if (n > 20_000) worstBytes = Math.max(worstBytes, set.bytesInUse / set.size)
    }
    expect(misnumbered).toBe(0)
    expect(worstBytes).toBeLessThanOrEqual(12)
    let lost = 0
    for (let k = 0; k < fps.length; k += 2) {
      if (set.indexOf(fps[k]!, fps[k + 1]!) !== 0 || set.add(fps[k]!, fps[k + 1]!) !== -1) lost++
    }
    expect(lost).toBe(0)
    const other = randomInts(7)
    let found = 0
    for (let k = 0; k < 1000; k++) {
      if (set.indexOf(other.next().value as number, other.next().value as number) >= 0) found++
    }
    expect(found).toBe(0)
  })
})

describe("check's memory and traces", () => {
  it('reports bytesPerState of at most 12 on TwoPhase RM=6', () => {
    const r = check(twoPhaseCommit(6))
    expect(r.stats.distinct).toBe(50816)
    expect(r.stats.bytesPerState).toBe(r.stats.storeBytes / r.stats.distinct)
    expect(r.stats.bytesPerState).toBeLessThanOrEqual(12)
  })

  it('replays to the same trace a store with parent pointers gives, for every state', () => {
    const model = twoPhaseCommit(3)
    const withParents = new BreadthFirstSearch(model, {}).run()
    const fingerprintsOnly = new BreadthFirstSearch(model, {}, {}, new FingerprintSet()).run()
    expect(fingerprintsOnly.store.size).toBe(withParents.store.size)
    for (let i = 0; i < withParents.store.size; i++) {
      expect(fingerprintsOnly.traceTo(i)).toEqual(withParents.traceTo(i))
    }
  })
})
