/**
 * Rebuilding traces from the visited-state store. The store keeps only fingerprints and parent
 * pointers, so a path is replayed from its initial state, at each step picking the first
 * enabled action instance whose successor has the recorded fingerprint.
 *
 * @module
 */
import { instanceLabel } from '../model/action.ts'
import type { Model } from '../model/model.ts'
import type { KeyFingerprinter } from '../model/state-key.ts'
import { successors } from '../model/successors.ts'
import type { VisitedStore } from '../model/visited-store.ts'
import type { Step } from './types.ts'

/** The steps from an initial state to stored state `target`. */
export function rebuildTrace<S>(
  model: Model<S>,
  store: VisitedStore,
  key: KeyFingerprinter<S>,
  target: number,
): Step<S>[] {
  const path = store.pathTo(target)
  const first = path[0]!
  const start = model.init.find((s) => matches(key, s, store, first))
  if (start === undefined)
    throw new Error('musil internal error: no initial state matches the trace root')
  const trace: Step<S>[] = [{ action: 'init', state: start }]
  let current: S = start
  for (let k = 1; k < path.length; k++) {
    const want = path[k]!
    const step = successors(model, current).find(
      (x) => (!model.constraint || model.constraint(x.state)) && matches(key, x.state, store, want),
    )
    if (step === undefined) {
      throw new Error(
        `musil internal error: cannot replay step ${k} of a trace of ${model.name}; is an action nondeterministic (reading Math.random or a clock)?`,
      )
    }
    const a = model.actions[step.action]!
    trace.push({ action: instanceLabel(a as never, step.param), state: step.state })
    current = step.state
  }
  return trace
}

function matches<S>(key: KeyFingerprinter<S>, s: S, store: VisitedStore, i: number): boolean {
  key(s)
  return key.fp.hi === store.hi(i) && key.fp.lo === store.lo(i)
}
