/**
 * What the shipped specs share: structural equality of the values a history carries (a read
 * that returns `[1, 2]` matches a register holding an equal array, not only the same array),
 * and the convention for outcomes nobody observed.
 *
 * @module
 */
import { HistoryError } from '../../errors.ts'
import { formatValue } from '../../format/value.ts'

/**
 * Structural equality of plain values: primitives by `Object.is` (except `0 === -0`), arrays
 * element by element, plain objects key by key (in any order), Map and Set entry by entry.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false
    return true
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !sameValue(v, b.get(k))) return false
    return true
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false
    for (const v of a) if (!b.has(v)) return false
    return true
  }
  if (Array.isArray(b) || b instanceof Map || b instanceof Set) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false
  }
  return true
}

/**
 * The shipped specs read an `output` of `undefined` as "not observed": the operation's outcome
 * is unknown (`return: Infinity`, Jepsen's `:info`), or the client did not record it. Any
 * output is then legal, and the operation's effect is what it would have been had it
 * succeeded (the checker may also leave it out altogether).
 */
export function unobserved(output: unknown): output is undefined {
  return output === undefined
}

/** An output in an operation's description: `?` when unobserved. */
export function describeOutput(output: unknown): string {
  return output === undefined ? '?' : formatValue(output)
}

/**
 * Refuses an input a shipped spec does not know (a typo such as `{ op: 'reed' }`), which would
 * otherwise be read as some other operation, or fail as "undefined is not iterable". The
 * checker adds which operation of the history has it.
 */
export function unknownInput(spec: string, input: unknown, expected: string): never {
  throw new HistoryError(
    `${spec} has no operation ${formatValue(input)}; its inputs are ${expected}`,
  )
}

/**
 * Where a shipped spec keeps how it was made (its factory and options), hidden from
 * enumeration so that a spec spread into a new one (`{ ...registerSpec(), equal }`) does not
 * inherit it: `expect(report).toBeLinearizable(registerSpec())` recognises the spec a report
 * was checked against even when it is another object made the same way.
 */
export const SPEC_ORIGIN: unique symbol = Symbol.for('musil.spec.origin')

/** Marks `spec` as made by `origin`, e.g. `registerSpec({ initial: null })` (see {@link SPEC_ORIGIN}). */
export function shipped<T extends object>(origin: string, spec: T): T {
  Object.defineProperty(spec, SPEC_ORIGIN, { value: origin })
  return spec
}
