/**
 * Compact, one-line rendering of state values for traces, labels and diagrams. Stable for a
 * given value (object keys keep their insertion order; sets and maps their iteration order).
 *
 * @module
 */

const IDENTIFIER = /^[A-Za-z_$][\w$.-]*$/

/**
 * A plain object of a state may carry, under this symbol, a function that renders it (channel
 * envelopes do: `n1 → n2 vote(term 2)`). Symbol-keyed properties are invisible to fingerprints,
 * diffs and structured clones, so this changes how a value reads, never what it is; a cloned copy
 * renders as the plain object it is.
 */
export const RENDER: unique symbol = Symbol.for('musil.render')

/** Renders any value on one line: `{big: 3, small: "x", q: [1, 2], s: Set{1}}`. */
export function formatValue(v: unknown, depth = 0): string {
  if (depth > 12) return '…'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v)
    case 'bigint':
      return `${v}n`
    case 'boolean':
    case 'undefined':
      return String(v)
    case 'symbol':
      return v.toString()
    case 'function':
      return `[function ${v.name || 'anonymous'}]`
  }
  if (v === null) return 'null'
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, depth + 1)).join(', ')}]`
  if (v instanceof Set) return `Set{${[...v].map((x) => formatValue(x, depth + 1)).join(', ')}}`
  if (v instanceof Map) {
    const entries = [...v].map(
      ([k, x]) => `${formatValue(k, depth + 1)} => ${formatValue(x, depth + 1)}`,
    )
    return `Map{${entries.join(', ')}}`
  }
  const render = (v as { [RENDER]?: unknown })[RENDER]
  if (typeof render === 'function') return String(render.call(v))
  const o = v as Record<string, unknown>
  const body = Object.keys(o).map((k) => `${formatKey(k)}: ${formatValue(o[k], depth + 1)}`)
  return `{${body.join(', ')}}`
}

/** Renders an object key: bare when it is an identifier, quoted otherwise. */
export function formatKey(k: string): string {
  return IDENTIFIER.test(k) ? k : JSON.stringify(k)
}

/** Renders an action parameter for a label: identifiers and numbers bare, the rest as values. */
export function formatParam(p: unknown): string {
  if (typeof p === 'string' && IDENTIFIER.test(p)) return p
  if (Array.isArray(p)) return p.map(formatParam).join(', ')
  return formatValue(p)
}
