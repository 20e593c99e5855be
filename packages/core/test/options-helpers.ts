/**
 * Helpers shared by the core and vitest option tests: untyped options as a JavaScript caller
 * passes them, the assertion every unknown-key error must pass, a small model to check, and the
 * options tables of docs/api/options.md, which the tests hold equal to the key lists in code.
 */
import { readFileSync } from 'node:fs'
import { action, defineModel, MusilError, OptionsError } from '@musil/core'
import { expect } from 'vitest'

/** A counter from 0 to 2, terminal at 2. */
export interface Counter {
  readonly n: number
}
export const inc = action<Counter>(
  'inc',
  (s) => s.n < 2,
  (s) => ({ n: s.n + 1 }),
)
export const counter = defineModel<Counter>({
  name: 'counter',
  init: { n: 0 },
  actions: [inc],
  terminal: (s) => s.n === 2,
})

/**
 * Options as a JavaScript caller delivers them, untyped: TypeScript's excess-property check does
 * not apply, so only musil's own check stands between a typo and a silent no-op.
 */
export function loose(options: object): any {
  return options
}

/** The error `run` throws (or rejects with). */
export async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (e) {
    return e
  }
  throw new Error('expected an exception')
}

/** One entry point called with options holding one mistyped key, and the error it must raise. */
export interface OptionsCase {
  /** The public entry point exercised. */
  readonly entry: string
  readonly run: () => unknown
  readonly key: string
  readonly where: string
  readonly suggestion: string
}

/** Asserts that `e` is the OptionsError for `key` given at `where`, suggesting `suggestion`. */
export function expectOptionsError(
  e: unknown,
  { key, where, suggestion }: Pick<OptionsCase, 'key' | 'where' | 'suggestion'>,
): void {
  expect(MusilError.is(e)).toBe(true)
  expect(e).toBeInstanceOf(OptionsError)
  const error = e as OptionsError
  expect(error.name).toBe('OptionsError')
  expect(error.message).toBe(`unknown option '${key}' in ${where}; did you mean '${suggestion}'?`)
  expect({ key: error.key, where: error.where, suggestion: error.suggestion }).toEqual({
    key,
    where,
    suggestion,
  })
}

const OPTIONS_DOC = new URL('../../../docs/api/options.md', import.meta.url)

/**
 * Asserts that the table under the heading `` ## `<pkg>` `` of docs/api/options.md lists exactly
 * the options objects of `lists`, in order, each with exactly its keys, in order.
 */
export function expectOptionTable(pkg: string, lists: Record<string, readonly string[]>): void {
  const text = readFileSync(OPTIONS_DOC, 'utf8')
  const heading = `## \`${pkg}\``
  const start = text.indexOf(heading)
  expect(start, `docs/api/options.md has a section ${heading}`).toBeGreaterThanOrEqual(0)
  const end = text.indexOf('\n## ', start + heading.length)
  const table: Record<string, string[]> = {}
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    // A row is `| `name` | given to | `key`, `key` |`; the header and the rule are skipped.
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1]
    if (name === undefined || cells.length < 5) continue
    table[name] = [...cells[cells.length - 2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
  }
  expect(Object.keys(table)).toEqual(Object.keys(lists))
  for (const [name, keys] of Object.entries(lists))
    expect([name, table[name]]).toEqual([name, keys])
}
