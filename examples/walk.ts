/**
 * Test helper for the textbook: follows a path of named steps through a model, so a test can
 * show what one particular behaviour does (the counterexample a page describes, or a fixed
 * model's answer to the bug's own steps).
 */
import { type Model, successors } from '@musil/core'

/**
 * The state reached from the first initial state by taking `steps` in order: each is an action's
 * name and, for an `action.each`, its parameter (compared as JSON).
 *
 * @throws {Error} naming the first step that is not enabled.
 */
export function walk<S>(model: Model<S>, steps: readonly (readonly [string, unknown?])[]): S {
  let s: S = model.init[0]!
  for (const [name, param] of steps) {
    const next = successors(model, s).find(
      (x) =>
        model.actions[x.action]!.name === name && JSON.stringify(x.param) === JSON.stringify(param),
    )
    if (next === undefined) throw new Error(`${name}(${JSON.stringify(param)}) is not enabled`)
    s = next.state
  }
  return s
}
