/**
 * The error a musil matcher (or `modelTest`) throws when what it asserts was never checked: a
 * simulation without invariants under `toBeSafe`, a model with no invariants and no deadlock
 * check, a report of no seed at all.
 *
 * It is thrown rather than returned as a failed assertion on purpose. A matcher result only says
 * pass or fail, and Vitest flips it for `.not` and for `expect.not.*`; but a run that checked
 * nothing is neither safe nor unsafe, so `expect(x).toBeSafe()`, `expect(x).not.toBeSafe()` and
 * `expect.not.toBeSafe()` inside `toEqual` must all fail, each with the reason and the fix.
 *
 * @module
 */
import { MusilError } from '@musil/core'

/**
 * A matcher or `modelTest` was asked for a verdict on something that checked nothing of what it
 * asserts. The message names what was not checked and how to check it (or which matcher says
 * what was really meant, such as `toRunWithoutError()`).
 *
 * @example
 * // simulate() without invariants: toBeSafe has nothing to go on.
 * expect(() => expect(report).toBeSafe()).toThrow(NothingCheckedError)
 */
export class NothingCheckedError extends MusilError {
  override name = 'NothingCheckedError'
}
