import { fingerprintHex } from '@musil/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fingerprint,
  fingerprintParent,
  fpHi,
  fpLo,
  reuseParentHashes,
} from '../src/model/fingerprint.ts'

describe('fingerprintHex', () => {
  it('ignores the key order of plain objects', () => {
    expect(fingerprintHex({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      fingerprintHex({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    )
  })

  it('hashes Map and Set by content, not insertion order', () => {
    expect(fingerprintHex(new Set([1, 2, 3]))).toBe(fingerprintHex(new Set([3, 1, 2])))
    expect(
      fingerprintHex(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      fingerprintHex(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    )
    expect(fingerprintHex(new Set([{ x: 1 }]))).toBe(fingerprintHex(new Set([{ x: 1 }])))
  })

  it('keeps array order', () => {
    expect(fingerprintHex([1, 2])).not.toBe(fingerprintHex([2, 1]))
  })

  it('tells types apart', () => {
    const values = [
      1,
      '1',
      1n,
      true,
      null,
      undefined,
      [1],
      { 1: 1 },
      new Set([1]),
      new Map([[1, 1]]),
      1.5,
      -1,
      0,
      '',
      [],
    ]
    const prints = values.map(fingerprintHex)
    expect(new Set(prints).size).toBe(values.length)
  })

  it('tells apart structures a naive sum would confuse', () => {
    expect(fingerprintHex({ a: 1, b: 2 })).not.toBe(fingerprintHex({ a: 2, b: 1 }))
    expect(fingerprintHex(new Set([1, 2]))).not.toBe(fingerprintHex(new Set([3])))
    expect(fingerprintHex([[1], [2]])).not.toBe(fingerprintHex([[1, 2]]))
    expect(fingerprintHex({ a: { b: 1 } })).not.toBe(fingerprintHex({ a: 1, b: 1 }))
  })

  it('has no collisions among 200,000 small distinct states', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++)
      for (let j = 0; j < 1000; j++) seen.add(fingerprintHex({ i, j: [j, i % 7] }))
    expect(seen.size).toBe(200_000)
  })

  it('is stable: pinned values guard the encoding (a change here invalidates stored fingerprints)', () => {
    expect(fingerprintHex({ small: 0, big: 0 })).toBe('3c87e8d65c6c832e')
    expect(fingerprintHex(0)).toBe('3180b84cca00f369')
    expect(fingerprintHex({ q: ['a', 1.5, 2n], s: new Set([true]) })).toBe('6394f659f139c7b7')
  })
})

/** Random JSON-like trees with Maps and Sets, the shapes states are made of. */
const tree = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('a', 'b', 'working'),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('x', 'y', 'z', 'r1', 'r2'), tie('node'), { maxKeys: 4 }),
    fc.array(tie('leaf'), { maxLength: 3 }).map((xs) => new Set(xs)),
    fc
      .array(fc.tuple(fc.constantFrom('k1', 'k2', 3), tie('node')), { maxLength: 3 })
      .map((es) => new Map(es)),
  ),
})).node

/** An immutable update at a random path: copy the containers on the way, change one thing. */
function update(v: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof v !== 'object' || v === null || v instanceof Set)
    return replacement
  const [step, ...rest] = path as [number, ...number[]]
  if (Array.isArray(v)) {
    if (v.length === 0 || step % 5 === 4) return [...v, replacement]
    const i = step % v.length
    if (step % 7 === 6) return v.filter((_, j) => j !== i)
    return v.map((x, j) => (j === i ? update(x, rest, replacement) : x))
  }
  if (v instanceof Map) {
    const keys = [...v.keys()]
    const out = new Map(v)
    if (keys.length === 0 || step % 5 === 4) return out.set(`new${step}`, replacement)
    const k = keys[step % keys.length]
    if (step % 7 === 6) {
      out.delete(k)
      return out
    }
    return out.set(k, update(v.get(k), rest, replacement))
  }
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  if (keys.length === 0 || step % 5 === 4) return { ...o, [`n${step}`]: replacement }
  const k = keys[step % keys.length]!
  if (step % 7 === 6) {
    const { [k]: _, ...rest2 } = o
    return rest2
  }
  return { ...o, [k]: update(o[k], rest, replacement) }
}

describe('incremental fingerprints', () => {
  it('equal a full walk for any immutable update of any state', () => {
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.nat(20), { maxLength: 5 }),
        tree,
        (parent, path, replacement) => {
          const child = update(parent, path, replacement)
          const full = fingerprintHex(child)
          fingerprintParent(parent)
          reuseParentHashes(true)
          try {
            fingerprint(child)
          } finally {
            reuseParentHashes(false)
          }
          const incremental =
            (fpHi >>> 0).toString(16).padStart(8, '0') + (fpLo >>> 0).toString(16).padStart(8, '0')
          expect(incremental).toBe(full)
        },
      ),
      { numRuns: 2000, seed: 42 },
    )
  })
})
