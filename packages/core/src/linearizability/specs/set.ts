/**
 * A set with `add`, `remove` and `contains`.
 *
 * @module
 */

import { formatValue } from '../../format/value.ts'
import { explainMissingMatchers } from '../../matcher-placeholders.ts'
import type { SequentialSpec } from '../types.ts'
import { describeOutput, shipped, unknownInput, unobserved } from './values.ts'

/**
 * An operation on a set. Outputs: `add` returns whether the element was new, `remove` whether
 * it was there, `contains` whether it is there.
 */
export type SetInput<V> =
  | { readonly op: 'add'; readonly value: V }
  | { readonly op: 'remove'; readonly value: V }
  | { readonly op: 'contains'; readonly value: V }

/** What a set operation returned; `undefined` when not observed (or not recorded). */
export type SetOutput = boolean | undefined

/**
 * The sequential spec of a set of primitive `V`s (members compared with `SameValueZero`, as
 * `Set` does). An operation is legal when its boolean output tells the truth: for `add`, that
 * the element was new; for `remove` and `contains`, that it was a member; an output of `undefined` is always legal (an `add` or `remove` whose
 * reply was lost, or a store whose `add` returns nothing).
 *
 * @example
 * checkLinearizability(history, setSpec<string>())
 */
export function setSpec<V extends string | number | bigint | boolean | null>(): SequentialSpec<
  ReadonlySet<V>,
  SetInput<V>,
  SetOutput
> {
  // Its histories are asserted with expect(history).toBeLinearizable(spec): explain a missing plugin.
  explainMissingMatchers()
  return shipped('setSpec()', {
    init: () => new Set<V>(),
    step(state, input, output) {
      if (input.op !== 'add' && input.op !== 'remove' && input.op !== 'contains') {
        return unknownInput('setSpec()', input, "{ op: 'add' | 'remove' | 'contains', value }")
      }
      const member = state.has(input.value)
      // add reports whether the element was new; remove and contains whether it was there.
      const truth = input.op === 'add' ? !member : member
      const legal = unobserved(output) || output === truth
      if (!legal || input.op === 'contains') return [legal, state]
      if (input.op === 'add') return [true, member ? state : new Set(state).add(input.value)]
      if (!member) return [true, state]
      const next = new Set(state)
      next.delete(input.value)
      return [true, next]
    },
    describeOperation: (input, output) =>
      `${input.op}(${formatValue(input.value)}) → ${describeOutput(output)}`,
    describeState: (state) =>
      `{${[...state]
        .map((v) => formatValue(v))
        .sort()
        .join(', ')}}`,
  })
}
