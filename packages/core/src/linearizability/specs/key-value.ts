/**
 * A key-value store of strings with `get`, `put` and `append`, partitioned by key: the model of
 * Porcupine's key-value tests (MIT 6.824's labs), where each key is an independent register.
 *
 * @module
 */

import { formatValue } from '../../format/value.ts'
import { explainMissingMatchers } from '../../matcher-placeholders.ts'
import { checkOptions, keyList, type OptionKey } from '../../options.ts'
import type { Operation, SequentialSpec } from '../types.ts'
import { describeOutput, shipped, unknownInput, unobserved } from './values.ts'

/**
 * An operation on a key-value store: `get` (output: the value), `put` (replaces the value),
 * `append` (adds to the end of the value); the outputs of `put` and `append` are ignored.
 */
export type KeyValueInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'append'; readonly key: string; readonly value: string }

/** What a key-value operation returned: the value for `get`; `undefined` when not observed. */
export type KeyValueOutput = string | undefined

const KEY_VALUE_INPUTS =
  "{ op: 'get', key }, { op: 'put', key, value } and { op: 'append', key, value }"

/** Options of {@link keyValueSpec}. */
export interface KeyValueSpecOptions {
  /** The value of a key never written (default `''`, as Porcupine's model has it). */
  readonly initial?: string
}

/** The valid keys of {@link KeyValueSpecOptions}. */
export const KEY_VALUE_SPEC_OPTION_KEYS: readonly OptionKey<KeyValueSpecOptions>[] =
  keyList<KeyValueSpecOptions>()(['initial'])

/**
 * The sequential spec of a key-value store. Histories are partitioned by key, and the state of
 * a partition is the value of its key: each key is checked on its own (P-compositionality),
 * which keeps the search small however many keys the history touches. A `get` is legal when it
 * returns the key's value (or its output is `undefined`: not observed).
 *
 * @example
 * checkLinearizability(history, keyValueSpec())
 */
export function keyValueSpec(
  options: KeyValueSpecOptions = {},
): SequentialSpec<string, KeyValueInput, KeyValueOutput> {
  // Its histories are asserted with expect(history).toBeLinearizable(spec): explain a missing plugin.
  explainMissingMatchers()
  checkOptions(options, 'keyValueSpec()', KEY_VALUE_SPEC_OPTION_KEYS)
  const initial = options.initial ?? ''
  return shipped(`keyValueSpec({ initial: ${formatValue(initial)} })`, {
    init: () => initial,
    step(state, input, output) {
      switch (input.op) {
        case 'get':
          return [unobserved(output) || output === state, state]
        case 'put':
          return [true, input.value]
        case 'append':
          return [true, state + input.value]
        default:
          return unknownInput('keyValueSpec()', input, KEY_VALUE_INPUTS)
      }
    },
    partition: partitionByKey,
    describeOperation(input, output) {
      switch (input.op) {
        case 'get':
          return `get(${formatValue(input.key)}) → ${describeOutput(output)}`
        case 'put':
          return `put(${formatValue(input.key)}, ${formatValue(input.value)})`
        case 'append':
          return `append(${formatValue(input.key)}, ${formatValue(input.value)})`
      }
    },
    describeState: (state) => formatValue(state),
  })
}

/** One part per key, in the order the keys first appear. */
function partitionByKey<O>(
  history: readonly Operation<KeyValueInput, O>[],
): Operation<KeyValueInput, O>[][] {
  const parts = new Map<string, Operation<KeyValueInput, O>[]>()
  for (const op of history) {
    const part = parts.get(op.input.key)
    if (part === undefined) parts.set(op.input.key, [op])
    else part.push(op)
  }
  return [...parts.values()]
}
