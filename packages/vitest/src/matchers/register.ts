/**
 * Registers musil's matchers with Vitest's `expect` and types them by module augmentation.
 * Imported for its side effect by `@musil/vitest` and by the plugin's setup file.
 *
 * @module
 */

import type { LinearizabilityOptions, Model, SequentialSpec } from '@musil/core'
import type { MusilMatcherName } from '@musil/core/internal'
import { expect } from 'vitest'
import { bySubject } from './dispatch.ts'
import { type SafetyMatcherOptions, toBeDeadlockFree, toBeSafe } from './model-matchers.ts'
import { reportToBeLinearizable } from './report-linearizable.ts'
import {
  simulationToBeSafe,
  simulationToConverge,
  simulationToRefine,
  simulationToRunWithoutError,
} from './simulation-matchers.ts'
import { linearizabilityBySubject } from './to-be-linearizable.ts'
import { type ConvergeMatcherOptions, toConverge } from './to-converge.ts'
import { type RefineMatcherOptions, toRefine } from './to-refine.ts'

/** The state type of a model, or `any` when `T` is not a model. */
type StateOf<T> = T extends Model<infer S> ? S : any

/**
 * The matchers musil adds to `expect`. None gives a verdict on nothing: when what a matcher
 * asserts was never checked (no invariant, goal or model; no seed run), the matcher and its
 * `.not` both throw a `NothingCheckedError` that says what to add.
 */
export interface MusilMatchers<R = unknown> {
  /**
   * On a model from `defineModel`: model-checks it; every reachable state satisfies every
   * invariant. On failure the diff is the shortest counterexample, one line per step. An
   * incomplete search (a bound was reached) fails, and so does its `.not`. A model with no
   * invariants has nothing to check unless `{ deadlock: true }` is given (then it is checked
   * for deadlock freedom only, and the message says so).
   *
   * On a simulation report (`simulate`, `explore`, a `simTest` fixture, a sweep): no seed broke
   * an invariant, threw or deadlocked. On failure the diff is the minimised trace, one event per
   * line, and the message names the seed and the command that replays it. A report whose runs
   * checked no invariant (`checked.invariants` empty) does not pass: use
   * `toRunWithoutError()` to say only that it ran.
   *
   * @example
   * expect(dieHard()).not.toBeSafe()
   * expect(simulate(factory, { seeds: [seed], snapshot, invariants })).toBeSafe()
   */
  toBeSafe: (options?: SafetyMatcherOptions) => R
  /**
   * Model-checks `received` for deadlocks: every reachable state that is not `terminal` has a
   * successor. On failure the diff is the shortest path to a deadlock. Options that turn
   * deadlock checking off (`deadlock: false`, from JavaScript) leave nothing to check: it throws.
   */
  toBeDeadlockFree: (options?: Omit<SafetyMatcherOptions, 'deadlock'>) => R
  /**
   * On a model: checks liveness of `received`: every fair behaviour reaches `options.goal`
   * (with `everywhere`, again and again), under TLA+ semantics (behaviours may stutter). On
   * failure the diff is the lasso: the prefix, then the cycle that repeats forever. An
   * incomplete search fails, and so does its `.not`.
   *
   * On a simulation report (no options): every seed reached its goal (`simulate`'s `goal` when
   * the run settled or hit its horizon; `explore`'s `runUntil` deadline). The diff is the
   * minimised trace.
   *
   * @example
   * expect(routeDelivery).toConverge({ goal: (s) => s.applied === s.desired, everywhere: true, fair: ['deliver'] })
   * expect(simulate(factory, { seeds: 300, snapshot, network, goal })).toConverge()
   */
  toConverge: {
    (options: ConvergeMatcherOptions<StateOf<R>>): R
    (): R
  }
  /**
   * On a model: checks that `received` (an implementation model) refines `spec` under
   * `abstraction`: its initial states map to initial states of `spec`, and each of its steps to
   * a step of `spec` or a stutter. On failure the diff sets the abstracted trace against the
   * spec's allowed steps.
   *
   * On a simulation report (no arguments): every step of every seed refined the model given to
   * `simulate` (its `model` and `abstraction` options). The diff is the minimised trace.
   *
   * @example
   * expect(atomicWorkers).toRefine(counter, (s) => ({ n: s.n }))
   * expect(simulate(factory, { seeds: 100, snapshot, model, abstraction })).toRefine()
   */
  toRefine: {
    <A>(spec: Model<A>, abstraction: (s: StateOf<R>) => A, options?: RefineMatcherOptions): R
    (): R
  }
  /**
   * On a simulation report only: at least one seed ran and no seed failed in any way (an
   * invariant, goal, refinement, error or deadlock failure). It claims nothing about what the
   * runs checked: the honest assertion for "it ran without error", where `toBeSafe()` would
   * need invariants. On failure the diff is the minimised trace.
   *
   * @example
   * expect(await explore(scenarioThatThrowsOnABug)).toRunWithoutError()
   */
  toRunWithoutError: () => R
  /**
   * On a history (an array of operations `{ client, input, call, output, return }`): checks it
   * with `checkLinearizability(history, spec, options)`; there is an order of all its
   * operations, consistent with real time, in which every step of `spec` is legal. On failure
   * the diff is the history as a per-client timeline, the longest linearizable prefix (`=`) and
   * the operations that cannot come next (`!`) marked, with a legend. An empty history, and a
   * search that ran out of `timeoutMs` before a verdict, throw a `NothingCheckedError` under
   * the matcher and its `.not` alike.
   *
   * On a simulation report (`simulate`, `explore`, `replay`, a `simTest` fixture, a sweep): no
   * seed's history failed its linearizability check (not linearizable, or no verdict within
   * the `linearizable` option's `timeoutMs`). The runs must have checked their histories; with
   * `spec`, a `simulate` report of this thread that checked none (or another spec) runs its
   * seeds again against `spec`. On failure the message shows the failing run's history as a
   * per-client timeline, the operation that cannot be placed marked; the diff is the minimised
   * trace. A report whose runs checked no history throws a `NothingCheckedError`.
   *
   * @example
   * expect(history).toBeLinearizable(registerSpec())
   * expect(staleRead).not.toBeLinearizable(registerSpec(), { timeoutMs: 10_000 })
   * expect(simulate(factory, { seeds: 100, snapshot, linearizable: registerSpec() })).toBeLinearizable()
   * expect(simulate(factory, { seeds: 100, snapshot, faults })).not.toBeLinearizable(registerSpec())
   */
  toBeLinearizable: (spec?: SequentialSpec<any, any, any>, options?: LinearizabilityOptions) => R
}

declare module 'vitest' {
  interface Matchers<T = any> extends MusilMatchers<T> {}
  interface AsymmetricMatchersContaining extends MusilMatchers {}
}

expect.extend({
  toBeSafe: bySubject('toBeSafe', toBeSafe, simulationToBeSafe),
  toBeDeadlockFree,
  toConverge: bySubject('toConverge', toConverge, simulationToConverge),
  toRefine: bySubject('toRefine', toRefine, simulationToRefine),
  toRunWithoutError: bySubject('toRunWithoutError', undefined, simulationToRunWithoutError),
  toBeLinearizable: linearizabilityBySubject(reportToBeLinearizable),
} satisfies Record<MusilMatcherName, unknown>)
