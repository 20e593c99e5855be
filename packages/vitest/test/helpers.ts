/** Test helpers shared by the matcher tests. */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { action, defineModel, type Model } from '@musil/core'
import { expect } from 'vitest'
import { NothingCheckedError } from '../src/index.ts'

/** What a failed assertion carries: its message and the two sides of the diff. */
export interface AssertionFailure {
  message: string
  actual: string
  expected: string
}

/**
 * Runs an assertion that must throw a NothingCheckedError and returns its message. Checked by
 * name: the error may come from another copy of the package.
 */
export function nothingChecked(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect((e as Error).name).toBe('NothingCheckedError')
    expect(e).toBeInstanceOf(NothingCheckedError)
    return (e as Error).message
  }
  throw new Error('expected the assertion to throw NothingCheckedError')
}

/** Runs an assertion that must fail and returns what it failed with. */
export function failureOf(f: () => void): AssertionFailure {
  try {
    f()
  } catch (e) {
    const err = e as AssertionFailure
    return { message: err.message, actual: err.actual, expected: err.expected }
  }
  throw new Error('expected the assertion to fail')
}

const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)

/**
 * Runs Vitest itself on the fixture project `fixtures/<name>/` (with `env` added, colours off)
 * and returns its exit status and everything it printed: what a user would see.
 */
export function runFixture(
  name: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): { status: number | null; output: string } {
  const root = fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url))
  const r = spawnSync(process.execPath, [vitestBin, 'run', '--root', root, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...env },
    timeout: 90_000,
  })
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` }
}

/**
 * A model counting from 0 up to `limit`, with no invariants and no terminal state: it
 * deadlocks at `limit`, and `toBeSafe()` has nothing to check on it.
 */
export function countTo(limit: number, name = `count-to-${limit}`): Model<{ n: number }> {
  return defineModel<{ n: number }>({
    name,
    init: { n: 0 },
    actions: [
      action(
        'inc',
        (s) => s.n < limit,
        (s) => ({ n: s.n + 1 }),
      ),
    ],
  })
}
