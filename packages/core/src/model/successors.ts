/**
 * Enumerating the successors of a state, with user-code exceptions wrapped so they name the
 * action that threw. Searches use the engine's own loop (`check/engine.ts`); everything else (trace
 * rebuilding, refinement, liveness graphs, simulation) uses this.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { type Action, instanceLabel } from './action.ts'
import type { Model } from './model.ts'

/** One enabled action instance and the state it leads to. */
export interface Successor<S> {
  /** The action's index in `model.actions`. */
  readonly action: number
  /** The parameter of an `action.each` instance (undefined for a plain action). */
  readonly param: unknown
  readonly state: S
}

/**
 * Calls `visit` for every enabled instance of every action at `s`, in action order, then
 * parameter order. Returns how many successors there were.
 *
 * @throws {UserCodeError} when a domain, guard or effect throws.
 */
export function forEachSuccessor<S>(
  model: Model<S>,
  s: S,
  visit: (next: S, actionIndex: number, param: unknown) => void,
): number {
  let count = 0
  const actions = model.actions
  for (let ai = 0; ai < actions.length; ai++) {
    const a = actions[ai]!
    if (a.kind === 'single') {
      if (!runGuard(a, s, undefined)) continue
      count++
      visit(runEffect(a, s, undefined), ai, undefined)
    } else {
      for (const p of runDomain(a, s)) {
        if (!runGuard(a, s, p)) continue
        count++
        visit(runEffect(a, s, p), ai, p)
      }
    }
  }
  return count
}

/** All successors of `s` as a list. */
export function successors<S>(model: Model<S>, s: S): Successor<S>[] {
  const out: Successor<S>[] = []
  forEachSuccessor(model, s, (state, action, param) => out.push({ action, param, state }))
  return out
}

/** Evaluates an action's guard, wrapping exceptions. */
export function runGuard<S>(a: Action<S>, s: S, p: unknown): boolean {
  try {
    return Boolean(a.kind === 'single' ? a.guard(s) : a.guard(s, p))
  } catch (e) {
    throw new UserCodeError('guard', instanceLabel(a as Action<unknown>, p), e)
  }
}

/** Evaluates an action's effect, wrapping exceptions. */
export function runEffect<S>(a: Action<S>, s: S, p: unknown): S {
  try {
    return a.kind === 'single' ? a.effect(s) : a.effect(s, p)
  } catch (e) {
    throw new UserCodeError('effect', instanceLabel(a as Action<unknown>, p), e)
  }
}

/** Whether `s` satisfies the model's constraint (true without one), wrapping exceptions. */
export function runConstraint<S>(model: Model<S>, s: S): boolean {
  if (model.constraint === undefined) return true
  try {
    return Boolean(model.constraint(s))
  } catch (e) {
    throw new UserCodeError('constraint', 'constraint', e)
  }
}

/** Whether the model lets `s` have no successor (its `terminal`), wrapping exceptions. */
export function runTerminal<S>(model: Model<S>, s: S): boolean {
  if (model.terminal === undefined) return false
  try {
    return Boolean(model.terminal(s))
  } catch (e) {
    throw new UserCodeError('terminal', model.name, e)
  }
}

/** Evaluates an `action.each` domain into an array, wrapping exceptions. */
export function runDomain<S>(a: Action<S> & { kind: 'each' }, s: S): readonly unknown[] {
  try {
    const d = a.domain(s)
    // An array is iterated as it is (the common case: a fixed list of ids); others are copied.
    return Array.isArray(d) ? d : Array.from(d)
  } catch (e) {
    throw new UserCodeError('domain', a.name, e)
  }
}
