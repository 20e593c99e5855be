import { check, checkLiveness } from '@musil/core'
import { type Chapter, count, stepsOf } from '../chapter.ts'
import { bothDecided, twoGenerals } from './two-generals.ts'

/** The retry bounds the chapter tries: every one of them fails the same way. */
export const RETRY_BOUNDS = [0, 1, 2, 3] as const

/** Termination, with every action of the protocol and the link weakly fair. */
export const termination = { goal: bothDecided, goalName: 'both decide', fair: 'all' } as const

/** The two generals: termination fails for every retry bound; agreement alone can be kept. */
export const twoGeneralsChapter: Chapter = {
  id: 'two-generals',
  title: 'The two generals',
  part: 'Agreement and coordination',
  bug() {
    const lassos = RETRY_BOUNDS.map(
      (retries) => checkLiveness(twoGenerals({ retries }), termination).violation,
    )
    const alone = RETRY_BOUNDS.map(
      (retries) => check(twoGenerals({ retries, onSilence: 'retreat' })).violation,
    )
    const steps = lassos.map((v) => (v ? stepsOf(v.prefix) : '-')).join(', ')
    const traces = alone.map((v) => (v ? v.trace.length : '-')).join(', ')
    return {
      ok: lassos.every((v) => v !== undefined) && alone.every((v) => v?.name === 'agreement'),
      summary: `retries ${RETRY_BOUNDS[0]}-${RETRY_BOUNDS.at(-1)}: waiting never decides (lassos after ${steps} steps); giving up attacks alone (traces of ${traces} states)`,
    }
  },
  fix() {
    const safe = RETRY_BOUNDS.map((retries) => check(twoGenerals({ retries })))
    const reliable = checkLiveness(twoGenerals({ retries: 0, lossy: false }), termination)
    const states = safe.map((r) => count(r.stats.distinct)).join(', ')
    return {
      ok: safe.every((r) => r.ok) && reliable.ok,
      summary: `safety only: agreement holds in all ${states} states; both decide only if no messenger is lost`,
    }
  },
}
