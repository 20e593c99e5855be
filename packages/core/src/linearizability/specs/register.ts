/**
 * A read/write/compare-and-set register, the object of Herlihy & Wing's examples and of
 * Jepsen's etcd and Knossos tests.
 *
 * @module
 */

import { formatValue } from '../../format/value.ts'
import { explainMissingMatchers } from '../../matcher-placeholders.ts'
import { checkOptions, keyList, type OptionKey } from '../../options.ts'
import type { SequentialSpec } from '../types.ts'
import { describeOutput, sameValue, shipped, unknownInput, unobserved } from './values.ts'

/**
 * An operation on a register: `read` (output: the value read), `write` (output ignored), `cas`
 * (compare-and-set: writes `to` if the register holds `from`; output: whether it did).
 */
export type RegisterInput<V> =
  | { readonly op: 'read' }
  | { readonly op: 'write'; readonly value: V }
  | { readonly op: 'cas'; readonly from: V; readonly to: V }

/**
 * What a register operation returned: the value for `read` (`null` before any write), `true`/`false` for `cas`, anything
 * for `write`; `undefined` when the outcome was not observed (see {@link RegisterInput}).
 */
export type RegisterOutput<V> = V | null | boolean | undefined

const REGISTER_INPUTS = "{ op: 'read' }, { op: 'write', value } and { op: 'cas', from, to }"

/** Options of {@link registerSpec}. */
export interface RegisterSpecOptions<V> {
  /** The register's value before any write (default `null`, Knossos' `nil`). */
  readonly initial?: V | null
}

/** The valid keys of {@link RegisterSpecOptions}. */
export const REGISTER_SPEC_OPTION_KEYS: readonly OptionKey<RegisterSpecOptions<unknown>>[] =
  keyList<RegisterSpecOptions<unknown>>()(['initial'])

/**
 * The sequential spec of a register holding a `V`. A read is legal when it returns the value
 * held (compared structurally); a write always is; a `cas` that reports success is legal when
 * the register holds `from`, one that reports failure when it does not. An output of
 * `undefined` means the outcome was not observed: a read is then legal whatever the register
 * holds, and a `cas` takes effect exactly when its compare holds.
 *
 * @example
 * const history: Operation<RegisterInput<number>, RegisterOutput<number>>[] = [
 *   { client: 'a', input: { op: 'write', value: 1 }, call: 0, output: undefined, return: 10 },
 *   { client: 'b', input: { op: 'read' }, call: 2, output: 1, return: 4 },
 * ]
 * checkLinearizability(history, registerSpec<number>()).ok // true
 */
export function registerSpec<V>(
  options: RegisterSpecOptions<V> = {},
): SequentialSpec<V | null, RegisterInput<V>, RegisterOutput<V>> {
  // Its histories are asserted with expect(history).toBeLinearizable(spec): explain a missing plugin.
  explainMissingMatchers()
  checkOptions(options, 'registerSpec()', REGISTER_SPEC_OPTION_KEYS)
  const initial = options.initial ?? null
  return shipped(`registerSpec({ initial: ${formatValue(initial)} })`, {
    init: () => initial,
    step(state, input, output) {
      switch (input.op) {
        case 'read':
          return [unobserved(output) || sameValue(output, state), state]
        case 'write':
          return [true, input.value]
        case 'cas': {
          const matches = sameValue(state, input.from)
          const legal = unobserved(output) || output === matches
          return [legal, matches ? input.to : state]
        }
        default:
          return unknownInput('registerSpec()', input, REGISTER_INPUTS)
      }
    },
    describeOperation(input, output) {
      switch (input.op) {
        case 'read':
          return `read() → ${describeOutput(output)}`
        case 'write':
          return `write(${formatValue(input.value)})`
        case 'cas':
          return `cas(${formatValue(input.from)}, ${formatValue(input.to)}) → ${describeOutput(output)}`
      }
    },
    describeState: (state) => formatValue(state),
  })
}
