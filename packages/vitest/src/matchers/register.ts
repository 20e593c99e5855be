/**
 * Registers musil's matchers with Vitest's `expect` and types them by module augmentation.
 * Imported for its side effect by `@musil/vitest` and by the plugin's setup file.
 *
 * @module
 */
import { expect } from 'vitest'
import { type SafetyMatcherOptions, toBeDeadlockFree, toBeSafe } from './model-matchers.ts'

/** The matchers musil adds to `expect`. */
export interface MusilMatchers<R = unknown> {
  /**
   * Model-checks `received` (a model from `defineModel`): every reachable state satisfies every
   * invariant. On failure the diff is the shortest counterexample, one line per step. An
   * incomplete search (a bound was reached) fails, and so does its `.not`.
   *
   * @example
   * expect(dieHard()).not.toBeSafe()
   */
  toBeSafe: (options?: SafetyMatcherOptions) => R
  /**
   * Model-checks `received` for deadlocks: every reachable state that is not `terminal` has a
   * successor. On failure the diff is the shortest path to a deadlock.
   */
  toBeDeadlockFree: (options?: Omit<SafetyMatcherOptions, 'deadlock'>) => R
}

declare module 'vitest' {
  interface Matchers<T = any> extends MusilMatchers<T> {}
  interface AsymmetricMatchersContaining extends MusilMatchers {}
}

expect.extend({ toBeSafe, toBeDeadlockFree })
