import { fingerprintHex } from '@musil/core'
import { describe, expect, it } from 'vitest'

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
    expect(fingerprintHex({ small: 0, big: 0 })).toBe('9b33d02032a886b8')
    expect(fingerprintHex(0)).toBe('31f5f56b9f4849d7')
    expect(fingerprintHex({ q: ['a', 1.5, 2n], s: new Set([true]) })).toBe('a2552a6dd793bb8c')
  })
})
