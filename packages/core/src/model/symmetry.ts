/**
 * TLC-style symmetry over interchangeable ids ("model values"): the canonical representative
 * of a state's orbit is, among all renamings of the ids, the one with the smallest fingerprint.
 * That choice depends only on the orbit, so the checker counts exact orbits, as TLC's SYMMETRY
 * does (a cheaper "sort by something" canonicaliser usually merges fewer states).
 *
 * @module
 */
import { ModelDefinitionError } from '../errors.ts'
import { Fingerprinter } from './fingerprint.ts'

/**
 * A `symmetry` function for `defineModel` that treats `ids` as interchangeable: renaming them
 * consistently everywhere in a state (as string values, object keys, Map keys and Set members)
 * yields an equivalent state. Costs `ids.length!` renamings per state, like TLC.
 *
 * The ids must not occur in the state with any other meaning (e.g. as an ordinary string that
 * happens to equal an id), and the model must treat them symmetrically: no `id === 'r1'` tests,
 * no ordering between ids, no position-indexed arrays (use records keyed by id).
 *
 * @example
 * const rms = ['r1', 'r2', 'r3']
 * defineModel({ init, actions, symmetry: symmetricIds(rms) })
 */
export function symmetricIds<S>(ids: readonly string[]): (s: S) => S {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new ModelDefinitionError('symmetricIds(ids): ids must be an array of strings')
  }
  if (new Set(ids).size !== ids.length) {
    throw new ModelDefinitionError(`symmetricIds(ids): ids must be distinct, got ${ids.join(', ')}`)
  }
  if (ids.length > 9) {
    throw new ModelDefinitionError(
      `symmetricIds(ids): ${ids.length} ids means ${ids.length}! renamings per state; split them into smaller symmetric groups`,
    )
  }
  const renamings = permutations(ids).map((perm) => new Map(ids.map((id, i) => [id, perm[i]!])))
  // The identity comes first, so a state is its own representative on ties.
  // Its own fingerprinter: it runs inside a search's keying, which must not be disturbed.
  const fp = new Fingerprinter()
  return (s: S): S => {
    let best = s
    fp.of(s)
    let bestHi = fp.hi
    let bestLo = fp.lo
    for (let k = 1; k < renamings.length; k++) {
      const t = rename(s, renamings[k]!) as S
      fp.of(t)
      if (fp.hi < bestHi || (fp.hi === bestHi && fp.lo < bestLo)) {
        best = t
        bestHi = fp.hi
        bestLo = fp.lo
      }
    }
    return best
  }
}

function rename(v: unknown, map: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return map.get(v) ?? v
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map((x) => rename(x, map))
  if (v instanceof Set) return new Set([...v].map((x) => rename(x, map)))
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [rename(k, map), rename(x, map)]))
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v))
    out[map.get(k) ?? k] = rename((v as Record<string, unknown>)[k], map)
  return out
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]]
  const out: T[][] = []
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest])
  })
  // Identity first.
  out.sort(
    (a, b) => Number(b.every((y, j) => y === xs[j])) - Number(a.every((y, j) => y === xs[j])),
  )
  return out
}
