/**
 * Naming the action that mutated its input. Only runs after a mutation was detected, so it can
 * afford to clone the state once per enabled action instance.
 *
 * @module
 */
import { StateMutationError } from '../errors.ts'
import { type Action, instanceLabel } from '../model/action.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'
import type { Step } from './types.ts'

/** Label of the first action instance whose guard or effect changes a copy of `s`, if any. */
export function findMutatingAction<S>(model: Model<S>, s: S): string | undefined {
  for (const a of model.actions) {
    const params =
      a.kind === 'single'
        ? [undefined]
        : (safely(() => Array.from(a.domain(structuredClone(s)))) ?? [])
    for (const p of params) {
      const copy = structuredClone(s)
      const before = fingerprintHex(copy)
      safely(() => {
        const enabled = a.kind === 'single' ? a.guard(copy) : a.guard(copy, p)
        if (fingerprintHex(copy) !== before) return
        if (enabled) (a.kind === 'single' ? a.effect(copy) : a.effect(copy, p)) as unknown
      })
      if (fingerprintHex(copy) !== before) return instanceLabel(a as Action<unknown>, p)
    }
  }
  return undefined
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f()
  } catch {
    return undefined
  }
}

/**
 * The error for a state that changed while its successors were generated: the trace to it and
 * the action that changed it, found by replaying the expansion on copies, from the state as
 * the trace rebuilds it or else (when the mutation also corrupted an initial state, so the
 * trace cannot be rebuilt) from the mutated state itself.
 */
export function mutationError<S>(
  model: Model<S>,
  traceTo: (i: number) => Step<S>[],
  s: S,
  si: number,
): StateMutationError {
  let trace: Step<S>[] = []
  try {
    trace = traceTo(si)
  } catch {
    // The mutation may have broken replay too; report what we know.
  }
  const last = trace.at(-1)?.state
  const culprit =
    (last !== undefined ? findMutatingAction(model, last) : undefined) ??
    findMutatingAction(model, s)
  const label = culprit ?? 'an action'
  return new StateMutationError(
    `${label} of ${model.name} mutated the state it was given (after ${Math.max(trace.length - 1, 0)} steps): effects must return a new state, e.g. ({ ...s, x: s.x + 1 }) or [...s.queue, m], never assign to s`,
    label,
    trace,
  )
}
