/**
 * What a model's visited-state store keys on: the fingerprint of `view(symmetry(s))`, with
 * each part present only when the model defines it.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { fingerprint } from './fingerprint.ts'
import type { Model } from './model.ts'

/** Sets `fpHi`/`fpLo` to the key of a state of `model`. */
export type KeyFingerprinter<S> = (s: S) => void

/** The fingerprinting function of a model's states, honouring `symmetry` and `view`. */
export function keyFingerprinter<S>(model: Model<S>): KeyFingerprinter<S> {
  const { symmetry, view } = model
  if (!symmetry && !view) return fingerprint
  return (s: S) => {
    let x: unknown = s
    if (symmetry) {
      try {
        x = symmetry(s)
      } catch (e) {
        throw new UserCodeError('symmetry', model.name, e)
      }
    }
    if (view) {
      try {
        x = view(x as S)
      } catch (e) {
        throw new UserCodeError('view', model.name, e)
      }
    }
    fingerprint(x)
  }
}
