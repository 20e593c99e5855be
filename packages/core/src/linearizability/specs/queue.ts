/**
 * A FIFO queue with `enqueue` and `dequeue`, including dequeue from an empty queue: the object
 * of Herlihy & Wing's queue examples.
 *
 * @module
 */

import { formatValue } from '../../format/value.ts'
import { explainMissingMatchers } from '../../matcher-placeholders.ts'
import type { SequentialSpec } from '../types.ts'
import { describeOutput, sameValue, shipped, unknownInput, unobserved } from './values.ts'

/** An operation on a queue: `enqueue` (output ignored), `dequeue` (output: the value taken). */
export type QueueInput<V> =
  | { readonly op: 'enqueue'; readonly value: V }
  | { readonly op: 'dequeue' }

/**
 * What a queue operation returned: for `dequeue` the value taken, or `null` when the queue was
 * empty; `undefined` when not observed.
 */
export type QueueOutput<V> = V | null | undefined

/**
 * The sequential spec of a FIFO queue of `V`s (the state: its items, oldest first). A dequeue
 * is legal when it returns the oldest item (compared structurally), or `null` on an empty
 * queue; one whose output is `undefined` (not observed) takes the oldest item, if any.
 *
 * @example
 * checkLinearizability(history, queueSpec<number>())
 */
export function queueSpec<V>(): SequentialSpec<readonly V[], QueueInput<V>, QueueOutput<V>> {
  // Its histories are asserted with expect(history).toBeLinearizable(spec): explain a missing plugin.
  explainMissingMatchers()
  return shipped('queueSpec()', {
    init: () => [],
    step(state, input, output) {
      if (input.op === 'enqueue') return [true, [...state, input.value]]
      if (input.op !== 'dequeue') {
        return unknownInput('queueSpec()', input, "{ op: 'enqueue', value } and { op: 'dequeue' }")
      }
      if (state.length === 0) return [unobserved(output) || output === null, state]
      return [unobserved(output) || sameValue(output, state[0]), state.slice(1)]
    },
    describeOperation(input, output) {
      return input.op === 'enqueue'
        ? `enqueue(${formatValue(input.value)})`
        : `dequeue() → ${output === null ? 'empty' : describeOutput(output)}`
    },
    describeState: (state) => `[${state.map((v) => formatValue(v)).join(', ')}]`,
  })
}
