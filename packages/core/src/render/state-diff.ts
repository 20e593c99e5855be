/**
 * What changed between two states, as a list of path-level changes. Used to print one line per
 * trace step that shows only what the step did.
 *
 * @module
 */

import { formatKey, formatValue } from '../format/value.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
import { alignArrays } from './array-diff.ts'

/**
 * One change between two states. `set` replaces the value at `path`. `add` and `remove` name a
 * member that came or went: a Set member (`path` is the set), a Map entry (`m["k"]`) or an array
 * element (`q[2]`). A removed element is indexed where it was before the step, an added one
 * where it is after it: `[m1, m2]` becoming `[m2, m3]` is `q[0] -= m1, q[1] += m3`.
 */
export type StateChange =
  | {
      readonly kind: 'set'
      readonly path: string
      readonly before: unknown
      readonly after: unknown
    }
  | { readonly kind: 'add'; readonly path: string; readonly value: unknown }
  | { readonly kind: 'remove'; readonly path: string; readonly value: unknown }

/** The changes that turn `before` into `after`, deepest paths first where structures match. */
export function diffStates(before: unknown, after: unknown): StateChange[] {
  const out: StateChange[] = []
  diff(before, after, '', out)
  return out
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false
  const p = Object.getPrototypeOf(x)
  return p === Object.prototype || p === null
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Object.is(a, b)
  return fingerprintHex(a) === fingerprintHex(b)
}

function join(path: string, key: string): string {
  return path === '' ? formatKey(key) : `${path}.${formatKey(key)}`
}

function diff(a: unknown, b: unknown, path: string, out: StateChange[]): void {
  if (same(a, b)) return
  if (isPlainObject(a) && isPlainObject(b)) {
    // A key that appears or disappears reads as a value that was or becomes undefined.
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(b, k))
        out.push({ kind: 'set', path: join(path, k), before: a[k], after: undefined })
      else diff(a[k], b[k], join(path, k), out)
    }
    for (const k of Object.keys(b)) {
      if (!Object.hasOwn(a, k))
        out.push({ kind: 'set', path: join(path, k), before: undefined, after: b[k] })
    }
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const edits = alignArrays(a, b)
    // Nothing in common and a new length: the whole array, before and after, reads best.
    if (a.length !== b.length && !edits.some((e) => e.op === 'keep')) {
      out.push({ kind: 'set', path: path || 'state', before: a, after: b })
      return
    }
    for (const e of edits) {
      if (e.op === 'change') diff(a[e.from], b[e.to], `${path}[${e.to}]`, out)
      else if (e.op === 'remove')
        out.push({ kind: 'remove', path: `${path}[${e.from}]`, value: a[e.from] })
      else if (e.op === 'add') out.push({ kind: 'add', path: `${path}[${e.to}]`, value: b[e.to] })
    }
    return
  }
  if (a instanceof Set && b instanceof Set) {
    const keyed = (s: Set<unknown>) => new Map([...s].map((x) => [fingerprintHex(x), x]))
    const ka = keyed(a)
    const kb = keyed(b)
    for (const [k, x] of ka)
      if (!kb.has(k)) out.push({ kind: 'remove', path: path || 'state', value: x })
    for (const [k, x] of kb)
      if (!ka.has(k)) out.push({ kind: 'add', path: path || 'state', value: x })
    return
  }
  if (a instanceof Map && b instanceof Map) {
    for (const [k, x] of a) {
      const p = `${path || 'state'}[${formatValue(k)}]`
      if (!b.has(k)) out.push({ kind: 'remove', path: p, value: x })
      else diff(x, b.get(k), p, out)
    }
    for (const [k, x] of b)
      if (!a.has(k))
        out.push({ kind: 'add', path: `${path || 'state'}[${formatValue(k)}]`, value: x })
    return
  }
  out.push({ kind: 'set', path: path || 'state', before: a, after: b })
}

/** `big: 0 → 5`, `msgs.prepared += "r1"`, `queue[0] -= 3`. */
export function formatChange(c: StateChange): string {
  switch (c.kind) {
    case 'set':
      return `${c.path}: ${formatValue(c.before)} → ${formatValue(c.after)}`
    case 'add':
      return `${c.path} += ${formatValue(c.value)}`
    case 'remove':
      return `${c.path} -= ${formatValue(c.value)}`
  }
}
