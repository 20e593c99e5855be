/**
 * What changed between two states, as a list of path-level changes. Used to print one line per
 * trace step that shows only what the step did.
 *
 * @module
 */
import { fingerprintHex } from '../model/fingerprint.ts'
import { formatKey, formatValue } from './value.ts'

/** One change between two states. */
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
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) diff(a[i], b[i], `${path}[${i}]`, out)
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

/** `big: 0 → 5`, `msgs.prepared += "r1"`, `queue -= 3`. */
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
