import { check, stateGraph, symmetricIds } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  resourceManagers,
  twoPhaseCommit,
} from '../../../examples/two-phase-commit/two-phase-commit.ts'

/** A canonical text of a TwoPhase state, independent of the fingerprint code. */
function text(v: unknown): string {
  if (v instanceof Set) return `Set(${[...v].map(text).sort().join(',')})`
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${k}:${text(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

function renameRms(v: unknown, map: Map<string, string>): unknown {
  if (typeof v === 'string') return map.get(v) ?? v
  if (v instanceof Set) return new Set([...v].map((x) => renameRms(x, map)))
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [map.get(k) ?? k, renameRms(x, map)]),
    )
  }
  return v
}

function permutations(xs: string[]): string[][] {
  if (xs.length <= 1) return [xs]
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]),
  )
}

/** Orbits of the reachable states under renaming, counted by union-find on canonical texts. */
function orbitCount(n: number): number {
  const rms = resourceManagers(n)
  const graph = stateGraph(twoPhaseCommit(n), 100_000)
  expect(graph.complete).toBe(true)
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!
    return x
  }
  for (const node of graph.nodes) parent.set(text(node.state), text(node.state))
  for (const node of graph.nodes) {
    for (const perm of permutations(rms)) {
      const image = text(renameRms(node.state, new Map(rms.map((r, i) => [r, perm[i]!]))))
      expect(parent.has(image)).toBe(true) // the reachable set is closed under renaming
      parent.set(find(image), find(text(node.state)))
    }
  }
  return new Set([...parent.keys()].map(find)).size
}

describe('symmetricIds', () => {
  it('counts exact orbits: matches an independent union-find over all renamings', () => {
    const sym = check(twoPhaseCommit(3, { symmetry: symmetricIds(resourceManagers(3)) }))
    expect(sym.ok).toBe(true)
    expect(sym.stats.distinct).toBe(orbitCount(3))
    expect(sym.stats.distinct).toBe(80)
  })

  it('reproduces TLC SYMMETRY on TwoPhase with 5 resource managers: 314 orbits of 8,832 states', () => {
    const r = check(twoPhaseCommit(5, { symmetry: symmetricIds(resourceManagers(5)) }))
    expect(r.stats).toMatchObject({ distinct: 314, depth: 17 })
  })

  it('rejects ids that cannot work', () => {
    expect(() => symmetricIds(['a', 'a'])).toThrow(
      'symmetricIds(ids): ids must be distinct, got a, a',
    )
    expect(() => symmetricIds([1, 2] as never)).toThrow('ids must be an array of strings')
  })
})
