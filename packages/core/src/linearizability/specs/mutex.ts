/**
 * A mutex (or lease) with an owner: `acquire` and `release`, as a lock service such as etcd's
 * or ZooKeeper's recipes offers. It catches two clients holding the lock at once, and a
 * release by a client that did not hold it.
 *
 * @module
 */

import { formatValue } from '../../format/value.ts'
import { explainMissingMatchers } from '../../matcher-placeholders.ts'
import type { SequentialSpec } from '../types.ts'
import { describeOutput, shipped, unknownInput, unobserved } from './values.ts'

/** An operation on a mutex, by an owner (a client, a session, a lease id). */
export type MutexInput =
  | { readonly op: 'acquire'; readonly owner: string | number }
  | { readonly op: 'release'; readonly owner: string | number }

/**
 * What a mutex operation returned: `true` when it acquired (released) the lock, `false` when it
 * was refused (a try-lock on a held lock, a release by a non-holder); `undefined` when not
 * observed.
 */
export type MutexOutput = boolean | undefined

/**
 * The sequential spec of a non-reentrant mutex (the state: its holder, or `null`). An acquire
 * that succeeds is legal only on a free lock, a refused one only on a held lock; a release
 * that succeeds only by the holder, a refused one only by someone else. An output of
 * `undefined` (not observed) takes effect when it could have succeeded. A lease that expires
 * is a release by its owner: record the expiry as one (a `release` with the lease holder as
 * owner, at the time the lease ran out).
 *
 * @example
 * checkLinearizability(history, mutexSpec())
 */
export function mutexSpec(): SequentialSpec<string | number | null, MutexInput, MutexOutput> {
  // Its histories are asserted with expect(history).toBeLinearizable(spec): explain a missing plugin.
  explainMissingMatchers()
  return shipped('mutexSpec()', {
    init: () => null,
    step(state, input, output) {
      if (input.op !== 'acquire' && input.op !== 'release') {
        return unknownInput('mutexSpec()', input, "{ op: 'acquire' | 'release', owner }")
      }
      const canSucceed = input.op === 'acquire' ? state === null : state === input.owner
      if (unobserved(output)) {
        if (!canSucceed) return [true, state]
        return [true, input.op === 'acquire' ? input.owner : null]
      }
      if (output !== canSucceed) return [false, state]
      if (!output) return [true, state]
      return [true, input.op === 'acquire' ? input.owner : null]
    },
    describeOperation: (input, output) =>
      `${input.op}(${formatValue(input.owner)}) → ${describeOutput(output)}`,
    describeState: (state) => (state === null ? 'free' : `held by ${formatValue(state)}`),
  })
}
