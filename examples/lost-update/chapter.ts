import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { lostUpdate } from './lost-update.ts'

/** Two threads, one racy `counter++` each: an increment is lost; a lock or a CAS loop keeps it. */
export const lostUpdateChapter: Chapter = {
  id: 'lost-update',
  title: 'The lost update',
  part: 'Shared-memory concurrency',
  bug() {
    const v = check(lostUpdate({ threads: 2 })).violation
    return {
      ok: v?.kind === 'invariant' && v.name === 'noLostUpdate',
      summary: v ? `increment lost: trace of ${v.trace.length} states` : 'no lost update found',
    }
  },
  fix() {
    const lock = check(lostUpdate({ threads: 3, increment: 'lock' }))
    const cas = check(lostUpdate({ threads: 3, increment: 'cas' }))
    return {
      ok: lock.ok && cas.ok && lock.stats.distinct === 44 && cas.stats.distinct === 48,
      summary: `3 threads: lock ${count(lock.stats.distinct)} states, CAS ${count(cas.stats.distinct)} states, no violation`,
    }
  },
}
