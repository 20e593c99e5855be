import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { dieHard } from './die-hard.ts'

/** The Die Hard puzzle as a textbook chapter: the "bug" is the solution. */
export const dieHardChapter: Chapter = {
  id: 'die-hard',
  title: 'The Die Hard jugs',
  part: 'Finite-state machines',
  bug() {
    const r = check(dieHard())
    const v = r.violation
    return {
      ok: v?.name === 'bigNotFour',
      summary: v ? `4 gallons measured: trace of ${v.trace.length} states` : 'no solution found',
    }
  },
  fix() {
    const full = check(dieHard({ solve: false }))
    return {
      ok: full.ok && full.stats.distinct === 16,
      summary: `${count(full.stats.distinct)} reachable states, every one within the jugs' capacity`,
    }
  },
}
