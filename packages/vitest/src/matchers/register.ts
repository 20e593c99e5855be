/**
 * Registers musil's matchers with Vitest's `expect` and types them by module augmentation.
 * Imported for its side effect by `@musil/vitest` and by the plugin's setup file.
 *
 * @module
 */

import type { Model } from '@musil/core'
import { expect } from 'vitest'
import { type SafetyMatcherOptions, toBeDeadlockFree, toBeSafe } from './model-matchers.ts'
import { type ConvergeMatcherOptions, toConverge } from './to-converge.ts'
import { type RefineMatcherOptions, toRefine } from './to-refine.ts'

/** The state type of a model, or `any` when `T` is not a model. */
type StateOf<T> = T extends Model<infer S> ? S : any

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
  /**
   * Checks liveness of `received` (a model): every fair behaviour reaches `options.goal` (with
   * `everywhere`, again and again), under TLA+ semantics (behaviours may stutter). On failure
   * the diff is the lasso: the prefix, then the cycle that repeats forever. An incomplete search
   * fails, and so does its `.not`.
   *
   * @example
   * expect(routeDelivery).toConverge({ goal: (s) => s.applied === s.desired, everywhere: true, fair: ['deliver'] })
   */
  toConverge: (options: ConvergeMatcherOptions<StateOf<R>>) => R
  /**
   * Checks that `received` (an implementation model) refines `spec` under `abstraction`: its
   * initial states map to initial states of `spec`, and each of its steps to a step of `spec`
   * or a stutter. On failure the diff sets the abstracted trace against the spec's allowed steps.
   *
   * @example
   * expect(atomicWorkers).toRefine(counter, (s) => ({ n: s.n }))
   */
  toRefine: <A>(
    spec: Model<A>,
    abstraction: (s: StateOf<R>) => A,
    options?: RefineMatcherOptions,
  ) => R
}

declare module 'vitest' {
  interface Matchers<T = any> extends MusilMatchers<T> {}
  interface AsymmetricMatchersContaining extends MusilMatchers {}
}

expect.extend({ toBeSafe, toBeDeadlockFree, toConverge, toRefine })
