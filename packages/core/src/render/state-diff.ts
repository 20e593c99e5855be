/**
 * What changed between two states, as a list of path-level changes. Used to print one line per
 * trace step that shows only what the step did.
 *
 * @module
 */
import { fingerprintHex } from '../model/fingerprint.ts'
import { alignArrays } from './array-diff.ts'
import { formatKey, formatValue, RENDER } from './value.ts'

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

/** An envelope of a channel (it renders itself), still carrying its rendering. */
function isEnvelope(x: unknown): boolean {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { [RENDER]?: unknown })[RENDER] === 'function'
  )
}

/**
 * The queues of a FIFO channel value, `{ [from]: { [to]: envelopes } }`, by link; undefined when
 * `x` does not have that shape (an empty object has it, holding no link).
 */
function fifoLinks(x: unknown): Map<string, readonly unknown[]> | undefined {
  if (!isPlainObject(x)) return undefined
  const links = new Map<string, readonly unknown[]>()
  for (const from of Object.keys(x)) {
    const row = x[from]
    if (!isPlainObject(row)) return undefined
    for (const to of Object.keys(row)) {
      const q = row[to]
      if (!Array.isArray(q) || q.length === 0 || !q.every(isEnvelope)) return undefined
      links.set(`${from}\u0000${to}`, q)
    }
  }
  return links
}

/**
 * A FIFO channel's change as the messages that left and came (`net -= n1 → n2 vote(term 2)`),
 * not as links appearing and disappearing. False when `a` and `b` are not both channel values.
 */
function diffFifo(a: unknown, b: unknown, path: string, out: StateChange[]): boolean {
  const la = fifoLinks(a)
  const lb = la && fifoLinks(b)
  if (la === undefined || lb === undefined || (la.size === 0 && lb.size === 0)) return false
  const at = path || 'state'
  for (const key of new Set([...la.keys(), ...lb.keys()])) {
    const qa = la.get(key) ?? []
    const qb = lb.get(key) ?? []
    for (const e of alignArrays(qa, qb)) {
      if (e.op === 'remove') out.push({ kind: 'remove', path: at, value: qa[e.from] })
      else if (e.op === 'add') out.push({ kind: 'add', path: at, value: qb[e.to] })
      else if (e.op === 'change') {
        out.push({ kind: 'remove', path: at, value: qa[e.from] })
        out.push({ kind: 'add', path: at, value: qb[e.to] })
      }
    }
  }
  return true
}

function diff(a: unknown, b: unknown, path: string, out: StateChange[]): void {
  if (same(a, b)) return
  if (diffFifo(a, b, path, out)) return
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
    // Members are compared as a multiset: a Set of distinct objects may hold equal ones (a
    // channel's bag holds a message twice), and one copy going is a change.
    const keyed = (s: Set<unknown>) => {
      const m = new Map<string, unknown[]>()
      for (const x of s) {
        const k = fingerprintHex(x)
        const list = m.get(k)
        if (list === undefined) m.set(k, [x])
        else list.push(x)
      }
      return m
    }
    const ka = keyed(a)
    const kb = keyed(b)
    for (const [k, xs] of ka) {
      const kept = kb.get(k)?.length ?? 0
      for (const x of xs.slice(kept)) out.push({ kind: 'remove', path: path || 'state', value: x })
    }
    for (const [k, xs] of kb) {
      const had = ka.get(k)?.length ?? 0
      for (const x of xs.slice(had)) out.push({ kind: 'add', path: path || 'state', value: x })
    }
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
