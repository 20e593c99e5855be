/**
 * Traces that cross a thread boundary lose what structured cloning drops: symbol-keyed
 * properties, among them the renderer a channel's envelopes carry (`n1 → n2 vote(term 2)`).
 * Replaying the trace in this thread, choosing at each step the successor with the same
 * fingerprint (symbols are invisible to fingerprints), gives back states as the model builds
 * them, so a trace from `checkParallel` reads like one from `check`.
 *
 * @module
 */
import { Fingerprinter } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'
import { forEachSuccessor } from '../model/successors.ts'
import type { Step } from './types.ts'

/**
 * `trace` with each state replaced by the equal state `model` builds in this thread. Returns
 * `trace` itself when some step cannot be replayed (a model that is not deterministic across
 * imports): its states are equal anyway, only their rendering may be plainer.
 */
export function rehydrateTrace<S>(model: Model<S>, trace: Step<S>[]): Step<S>[] {
  try {
    return replay(model, trace) ?? trace
  } catch {
    // A model that throws on replay: the worker's states are equal, only plainer to read.
    return trace
  }
}

function replay<S>(model: Model<S>, trace: readonly Step<S>[]): Step<S>[] | undefined {
  const fp = new Fingerprinter()
  const key = (s: unknown): string => {
    fp.of(s)
    return `${fp.hi}:${fp.lo}`
  }
  const out: Step<S>[] = []
  let candidates: readonly S[] = model.init
  for (const step of trace) {
    const want = key(step.state)
    const found = candidates.find((s) => key(s) === want)
    if (found === undefined) return undefined
    out.push({ action: step.action, state: found })
    // The last state's successors are not needed (and may be what threw, for an error trace).
    if (out.length === trace.length) break
    const next: S[] = []
    forEachSuccessor(model, found, (s) => next.push(s))
    candidates = next
  }
  return out
}
