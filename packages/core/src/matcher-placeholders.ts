/**
 * When a Vitest test file uses musil's matchers but nothing registered them (no `musil()` plugin
 * in vitest.config.ts and no import of `@musil/vitest`), Chai would fail with "Invalid Chai
 * property: toBeSafe. Did you mean "toBeNaN"?", which says nothing about the missing setup step.
 * So the functions whose results those matchers take (`defineModel`, `simulate`, `explore`,
 * `replay`) register placeholders that fail saying what to add. The real matchers replace them.
 *
 * `@musil/core` does not depend on Vitest: this only looks for Vitest's global `expect` (the
 * symbols `@vitest/expect` defines), and does nothing outside a Vitest worker.
 *
 * @module
 */
import { PluginMissingError } from './errors.ts'

/** Vitest's global `expect` (`GLOBAL_EXPECT` in `@vitest/expect`). */
const GLOBAL_EXPECT = Symbol.for('expect-global')
/** Where `expect.extend` records the matchers it added (`JEST_MATCHERS_OBJECT`). */
const MATCHERS_OBJECT = Symbol.for('$$jest-matchers-object')

/**
 * The names of the matchers `@musil/vitest` registers; its registration is typed against this
 * list, so the two cannot drift apart.
 */
export const MUSIL_MATCHERS = [
  'toBeSafe',
  'toBeDeadlockFree',
  'toConverge',
  'toRefine',
  'toRunWithoutError',
  'toBeLinearizable',
] as const

/** The name of a matcher `@musil/vitest` registers. */
export type MusilMatcherName = (typeof MUSIL_MATCHERS)[number]

interface ExtendableExpect {
  extend(matchers: Record<string, (...args: unknown[]) => never>): void
}

/**
 * Inside a Vitest worker, registers a failing placeholder for every musil matcher that is not
 * registered yet (a project's own matcher of the same name is left alone). Cheap and idempotent.
 */
export function explainMissingMatchers(): void {
  const g = globalThis as Record<symbol, unknown>
  const expect = g[GLOBAL_EXPECT] as Partial<ExtendableExpect> | undefined
  if (typeof expect?.extend !== 'function') return
  const known = (g[MATCHERS_OBJECT] as { matchers?: Record<string, unknown> } | undefined)?.matchers
  const missing = MUSIL_MATCHERS.filter((name) => known?.[name] === undefined)
  if (missing.length === 0) return
  const placeholders: Record<string, () => never> = {}
  for (const name of missing) {
    placeholders[name] = () => {
      throw new PluginMissingError(
        `expect(…).${name}() is a musil matcher, and musil's matchers are not registered in this test file (with musil({ registerMatchers: false }), import '@musil/vitest' in it instead)`,
      )
    }
  }
  expect.extend(placeholders)
}
