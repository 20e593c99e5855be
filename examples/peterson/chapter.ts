import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { twoProcessMutex } from './peterson.ts'

/** Two flag-based locks fail; Peterson's algorithm is verified over every interleaving. */
export const petersonChapter: Chapter = {
  id: 'peterson',
  title: "Peterson's mutual exclusion",
  part: 'Shared-memory concurrency',
  bug() {
    const v = check(twoProcessMutex('check-then-flag')).violation
    return {
      ok: v?.kind === 'invariant' && v.name === 'mutualExclusion',
      summary: v
        ? `both in the critical section: trace of ${v.trace.length} states`
        : 'no violation found',
    }
  },
  fix() {
    const r = check(twoProcessMutex('peterson'))
    return {
      ok: r.ok && r.stats.distinct === 20,
      summary: r.ok
        ? `${count(r.stats.distinct)} states, mutual exclusion and no deadlock`
        : `${r.violation?.name ?? r.incomplete?.message}`,
    }
  },
}
