import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { gCounter, lwwRegister, orSet, tombstoneSet } from './crdts.ts'
import { addWins, countsEveryIncrement, replicated } from './replication.ts'

/** CRDTs: a tombstone set loses a concurrent add, LWW without a tiebreak diverges; the CRDTs converge. */
export const crdtsChapter: Chapter = {
  id: 'crdts',
  title: 'CRDTs: G-counter, OR-set, LWW-register',
  part: 'Replication and consistency',
  bug() {
    const set = check(replicated(tombstoneSet(), { expect: addWins })).violation
    const lww = check(replicated(lwwRegister(false))).violation
    return {
      ok: set?.name === 'addWins' && lww?.name === 'convergent',
      summary:
        set && lww
          ? `tombstone set loses a concurrent add, trace of ${set.trace.length} states; LWW without tiebreak diverges, trace of ${lww.trace.length} states`
          : 'no lost add or divergence found',
    }
  },
  fix() {
    const runs = [
      check(replicated(gCounter(), { expect: countsEveryIncrement })),
      check(replicated(orSet(), { expect: addWins })),
      check(replicated(lwwRegister(true))),
    ]
    const [g, o, l] = runs.map((r) => count(r.stats.distinct))
    return {
      ok: runs.every((r) => r.ok),
      summary: `strong eventual consistency in every interleaving: G-counter ${g}, OR-set ${o}, LWW-register ${l} states`,
    }
  },
}
