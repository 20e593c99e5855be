/**
 * Refinement of a simulated run against a model, one step at a time: the first abstraction must
 * be an initial state of the model, and each later one must equal the previous abstraction (a
 * stutter) or be one of its successors. States are compared by the model's own fingerprints
 * (honouring its `view` and `symmetry`), so the check costs one fingerprint per step and a
 * successor enumeration only when the abstraction actually moves.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { instanceLabel } from '../model/action.ts'
import type { Model } from '../model/model.ts'
import { type KeyFingerprinter, keyFingerprinter } from '../model/state-key.ts'
import { forEachSuccessor } from '../model/successors.ts'

/** Follows one run's abstract states through a model. */
export class RefinementTracker<A> {
  readonly model: Model<A>
  readonly #key: KeyFingerprinter<A>
  #prev: A | undefined
  #hi = 0
  #lo = 0

  constructor(model: Model<A>) {
    this.model = model
    this.#key = keyFingerprinter(model)
  }

  /**
   * Starts a run at abstract state `abs`. Returns why it does not refine the model (not an
   * initial state), or undefined. Throws what the model's fingerprinting throws.
   */
  start(abs: A): string | undefined {
    const { model } = this
    this.#key(abs)
    const hi = this.#key.fp.hi
    const lo = this.#key.fp.lo
    let initial = false
    for (const s of model.init) {
      this.#key(s)
      if (this.#key.fp.hi === hi && this.#key.fp.lo === lo) initial = true
    }
    if (!initial) {
      return `refinement of model '${model.name}': the first world maps to ${formatValue(abs)}, which is not an initial state of the model (initial: ${model.init.map((s) => formatValue(s)).join(', ')})`
    }
    this.#move(abs, hi, lo)
    return undefined
  }

  /**
   * Moves to abstract state `abs` after a step described by `when` (called only when the move
   * breaks refinement: describing a step formats its payload, too dear for every step). Returns why the move is not
   * a step of the model, or undefined. Throws what the model's actions throw.
   */
  step(abs: A, when: () => string): string | undefined {
    const { model } = this
    const key = this.#key
    key(abs)
    const hi = this.#key.fp.hi
    const lo = this.#key.fp.lo
    if (hi === this.#hi && lo === this.#lo) return undefined // a stutter
    const prev = this.#prev as A
    let found = false
    forEachSuccessor(model, prev, (next) => {
      if (found) return
      key(next)
      if (this.#key.fp.hi === hi && this.#key.fp.lo === lo) found = true
    })
    if (!found) {
      const steps: string[] = []
      forEachSuccessor(model, prev, (next, ai, p) => {
        if (steps.length < 4) {
          steps.push(`${instanceLabel(model.actions[ai] as never, p)} -> ${formatValue(next)}`)
        }
      })
      return `refinement of model '${model.name}' broken ${when()}: the abstract state moved from ${formatValue(prev)} to ${formatValue(abs)}, which is neither a stutter nor a step of the model (its steps from there: ${steps.length > 0 ? steps.join('; ') : 'none'})`
    }
    this.#move(abs, hi, lo)
    return undefined
  }

  #move(abs: A, hi: number, lo: number): void {
    this.#prev = abs
    this.#hi = hi
    this.#lo = lo
  }
}
