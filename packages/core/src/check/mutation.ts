/**
 * Naming the action that mutated its input. Only runs after a mutation was detected, so it can
 * afford to clone the state once per enabled action instance.
 *
 * @module
 */
import { type Action, instanceLabel } from '../model/action.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'

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
