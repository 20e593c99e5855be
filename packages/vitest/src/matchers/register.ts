/**
 * Registers musil's matchers with Vitest's `expect` and types them by module augmentation.
 * Imported for its side effect by `@musil/vitest` and by the plugin's setup file.
 *
 * @module
 */
import { expect } from 'vitest'
import { bySubject } from './dispatch.ts'
import { type SafetyMatcherOptions, toBeDeadlockFree, toBeSafe } from './model-matchers.ts'
import {
  simulationToBeSafe,
  simulationToConverge,
  simulationToRefine,
} from './simulation-matchers.ts'

/** The matchers musil adds to `expect`. */
export interface MusilMatchers<R = unknown> {
  /**
   * On a model from `defineModel`: model-checks it; every reachable state satisfies every
   * invariant. On failure the diff is the shortest counterexample, one line per step. An
   * incomplete search (a bound was reached) fails, and so does its `.not`.
   *
   * On a simulation report (`simulate`, `explore`, a `simTest` fixture, a sweep): no seed broke
   * an invariant, threw or deadlocked. On failure the diff is the minimised trace, one event per
   * line, and the message names the seed and the command that replays it.
   *
   * @example
   * expect(dieHard()).not.toBeSafe()
   * expect(simulate(factory, { seeds: [seed], snapshot, invariants })).toBeSafe()
   */
  toBeSafe: (options?: SafetyMatcherOptions) => R
  /**
   * Model-checks `received` for deadlocks: every reachable state that is not `terminal` has a
   * successor. On failure the diff is the shortest path to a deadlock.
   */
  toBeDeadlockFree: (options?: Omit<SafetyMatcherOptions, 'deadlock'>) => R
  /**
   * On a simulation report: every seed reached its goal (`simulate`'s `goal` when the run
   * settled or hit its horizon; `explore`'s `runUntil` deadline). The diff is the minimised trace.
   *
   * @example
   * expect(report).toConverge()
   */
  toConverge: () => R
  /**
   * On a simulation report: every step of every seed refined the model given to `simulate`
   * (`model` and `abstraction` options). The diff is the minimised trace up to the bad step.
   *
   * @example
   * expect(simulate(factory, { seeds: 100, snapshot, model, abstraction })).toRefine()
   */
  toRefine: () => R
}

declare module 'vitest' {
  interface Matchers<T = any> extends MusilMatchers<T> {}
  interface AsymmetricMatchersContaining extends MusilMatchers {}
}

expect.extend({
  toBeSafe: bySubject('toBeSafe', toBeSafe, simulationToBeSafe),
  toBeDeadlockFree,
  toConverge: bySubject('toConverge', undefined, simulationToConverge),
  toRefine: bySubject('toRefine', undefined, simulationToRefine),
})
