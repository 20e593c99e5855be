import { fingerprintHex } from '@musil/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StateEncodingError } from '../src/errors.ts'
import { Fingerprinter } from '../src/model/fingerprint.ts'

// One fingerprinter for the whole file, as a search has one: records persist between calls.
const fp = new Fingerprinter()
const fingerprintParent = (v: unknown): void => fp.recordParent(v)
const parentIntact = (): boolean => fp.parentIntact()

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
    fc.double(),
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
  if (path.length === 0 || typeof v !== 'object' || v === null) return replacement
  const [step, ...rest] = path as [number, ...number[]]
  if (v instanceof Set) {
    // Add a member, drop one, or rebuild in another order.
    const members = [...v]
    if (step % 3 === 0) return new Set(v).add(replacement)
    if (step % 3 === 1) return new Set(members.filter((_, j) => j !== step % (members.length || 1)))
    return new Set(members.reverse())
  }
  if (Array.isArray(v)) {
    if (v.length > 0 && step % 11 === 10) return v.slice(1) // a queue's head taken off
    if (step % 13 === 12) return [replacement, ...v] // pushed at the front
    if (v.length === 0 || step % 5 === 4) return [...v, replacement]
    const i = step % v.length
    if (step % 7 === 6) return v.filter((_, j) => j !== i)
    return v.map((x, j) => (j === i ? update(x, rest, replacement) : x))
  }
  if (v instanceof Map) {
    const keys = [...v.keys()]
    if (step % 11 === 10) return new Map([...v].reverse())
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
  if (step % 11 === 10) {
    // The same entries in another key order, one of them replaced.
    const out: Record<string, unknown> = {}
    for (const k of [...keys].reverse()) out[k] = o[k]
    if (keys.length > 0) out[keys[step % keys.length]!] = replacement
    return out
  }
  if (keys.length === 0 || step % 5 === 4) return { ...o, [`n${step}`]: replacement }
  const k = keys[step % keys.length]!
  if (step % 7 === 6) {
    const { [k]: _, ...rest2 } = o
    return rest2
  }
  return { ...o, [k]: update(o[k], rest, replacement) }
}

const hex = (): string => fp.hex

/** The fingerprint of `child` computed against the record of `parent`. */
function incremental(parent: unknown, child: unknown): string {
  fingerprintParent(parent)
  expect(hex()).toBe(fingerprintHex(parent))
  fp.child(child)
  return hex()
}

/** Changes `v` in place somewhere along `path` (what a buggy effect does); false if it could not. */
function mutate(v: unknown, path: number[], replacement: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false
  const [step = 0, ...rest] = path
  if (v instanceof Set) {
    if (step % 2 === 0 || v.size === 0) v.add(replacement)
    else v.delete([...v][step % v.size])
    return true
  }
  if (v instanceof Map) {
    const keys = [...v.keys()]
    if (
      rest.length > 0 &&
      keys.length > 0 &&
      mutate(v.get(keys[step % keys.length]), rest, replacement)
    )
      return true
    if (step % 2 === 0 || keys.length === 0) v.set(`m${step}`, replacement)
    else v.delete(keys[step % keys.length])
    return true
  }
  const o = v as Record<string | number, unknown>
  const keys = Object.keys(o)
  if (rest.length > 0 && keys.length > 0 && mutate(o[keys[step % keys.length]!], rest, replacement))
    return true
  if (Array.isArray(v) && step % 3 === 0) v.push(replacement)
  else if (keys.length > 0 && step % 3 === 1) delete o[keys[step % keys.length]!]
  else o[keys.length > 0 ? keys[step % keys.length]! : `k${step}`] = replacement
  return true
}

describe('incremental fingerprints', () => {
  it('equal a full walk for any immutable update of any state', () => {
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.nat(40), { maxLength: 5 }),
        tree,
        (parent, path, replacement) => {
          const child = update(parent, path, replacement)
          expect(incremental(parent, child)).toBe(fingerprintHex(child))
        },
      ),
      { numRuns: 3000, seed: 42 },
    )
  })

  it('equal a full walk along chains of updates, each child becoming the next parent', () => {
    // Records and memos are reused from one parent to the next: a chain exercises that.
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.tuple(fc.array(fc.nat(40), { maxLength: 4 }), tree), { maxLength: 8 }),
        (start, steps) => {
          let parent = start
          for (const [path, replacement] of steps) {
            for (const sibling of [update(parent, [...path, 1], replacement), parent]) {
              expect(incremental(parent, sibling)).toBe(fingerprintHex(sibling))
            }
            const child = update(parent, path, replacement)
            expect(incremental(parent, child)).toBe(fingerprintHex(child))
            parent = child
          }
        },
      ),
      { numRuns: 500, seed: 7 },
    )
  })

  it('handle long arrays, wide objects and Maps updated out of order', () => {
    const queue = Array.from({ length: 40 }, (_, i) => ({ id: i, body: `m${i % 3}` }))
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]))
    const map = new Map(Array.from({ length: 20 }, (_, i) => [i, { n: i }]))
    const parent = { queue, wide, map, set: new Set(Array.from({ length: 20 }, (_, i) => i)) }
    const children = [
      { ...parent, queue: queue.slice(1) },
      { ...parent, queue: [...queue.slice(1), { id: 99, body: 'x' }] },
      { ...parent, queue: [{ id: -1, body: 'y' }, ...queue] },
      { ...parent, wide: Object.fromEntries(Object.entries(wide).reverse()) },
      { ...parent, wide: { ...wide, k3: undefined, k40: 1 } },
      { ...parent, map: new Map([...map].reverse().slice(2)) },
      { ...parent, set: new Set([...parent.set].reverse().filter((x) => x % 7 !== 0)) },
      { ...parent, set: new Set([Number.NaN, ...parent.set]) },
    ]
    for (const child of children) expect(incremental(parent, child)).toBe(fingerprintHex(child))
  })
})

describe('parentIntact (the mutation check)', () => {
  it('vouches for an untouched state', () => {
    fc.assert(
      fc.property(tree, (state) => {
        fingerprintParent(state)
        expect(parentIntact()).toBe(true)
      }),
      { numRuns: 500, seed: 3 },
    )
  })

  it('never vouches for a state whose fingerprint changed in place', () => {
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.nat(40), { maxLength: 4 }),
        fc.oneof(tree, fc.constant('changed')),
        (state, path, replacement) => {
          fingerprintParent(state)
          const before = hex()
          if (!mutate(state, path, replacement)) return
          if (parentIntact()) expect(fingerprintHex(state)).toBe(before)
        },
      ),
      { numRuns: 3000, seed: 11 },
    )
  })

  it('sees a change at any depth, in objects, arrays, Maps and Sets', () => {
    const state = {
      a: [{ b: new Map([['c', new Set([1, 2])]]) }],
      d: { e: 'x' },
    }
    const changes: (() => void)[] = [
      () => state.a[0]!.b.get('c')!.add(3),
      () => state.a[0]!.b.set('z', new Set()),
      () => state.a.push({ b: new Map() }),
      () => {
        ;(state.d as Record<string, unknown>).f = 1
      },
      () => {
        state.d.e = 'y'
      },
    ]
    for (const change of changes) {
      fingerprintParent(state)
      change()
      expect(parentIntact()).toBe(false)
    }
  })

  it('does not vouch for a Map keyed by containers (the checker then re-hashes)', () => {
    fingerprintParent({ m: new Map([[{ k: 1 }, 1]]) })
    expect(parentIntact()).toBe(false)
  })
})

describe('consecutive parents sharing containers', () => {
  it('reuse the records of a shared container only while it is unchanged', () => {
    const shared = { ids: new Set(['r1', 'r2']), log: [{ n: 1 }] }
    const first = { x: 1, shared }
    const second = { x: 2, shared }
    fingerprintParent(first)
    fingerprintParent(second)
    expect(hex()).toBe(fingerprintHex(second))
    expect(parentIntact()).toBe(true)
    // A change in place between two recordings must not be hidden by the reuse.
    shared.ids.add('r3')
    shared.log[0]!.n = 5
    fingerprintParent({ x: 3, shared })
    expect(hex()).toBe(fingerprintHex({ x: 3, shared }))
    const child = { x: 3, shared: { ...shared, log: [...shared.log, { n: 2 }] } }
    expect(incremental({ x: 3, shared }, child)).toBe(fingerprintHex(child))
  })
})

describe('fingerprintParent on an unencodable state', () => {
  it('throws every time, also after a state of the same shape was recorded', () => {
    const fn = () => 1
    fingerprintParent({ a: 'x', f: 'y' })
    for (let i = 0; i < 2; i++) {
      expect(() => fingerprintParent({ a: 'x', f: fn })).toThrow(StateEncodingError)
    }
    fingerprintParent({ a: 'x', f: 'y' })
    expect(hex()).toBe(fingerprintHex({ a: 'x', f: 'y' }))
    expect(parentIntact()).toBe(true)
  })
})
