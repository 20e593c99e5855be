/**
 * What a model's visited-state store keys on: the fingerprint of `view(symmetry(s))`, with
 * each part present only when the model defines it.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { Fingerprinter } from './fingerprint.ts'
import type { Model } from './model.ts'

/**
 * Fingerprints the key of a state of a model into `fp.hi`/`fp.lo`. A search keys successors
 * with `child`, which starts from the parent recorded with `fp.recordParent`.
 */
export interface KeyFingerprinter<S> {
  (s: S): void
  /** Like calling the keyer, starting from the parent recorded in {@link fp}. */
  readonly child: (s: S) => void
  /** The fingerprinter the keys are left in. */
  readonly fp: Fingerprinter
}

/**
 * The fingerprinting function of a model's states, honouring `symmetry` and `view`, with a
 * fingerprinter of its own unless one is given.
 */
export function keyFingerprinter<S>(
  model: Model<S>,
  fp: Fingerprinter = new Fingerprinter(),
): KeyFingerprinter<S> {
  const { symmetry, view } = model
  if (!symmetry && !view) {
    return Object.assign((s: S) => fp.of(s), { child: (s: S) => fp.child(s), fp })
  }
  const keyOf = (s: S): unknown => {
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
    return x
  }
  return Object.assign((s: S) => fp.of(keyOf(s)), { child: (s: S) => fp.child(keyOf(s)), fp })
}
