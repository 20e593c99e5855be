import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { diningPhilosophers } from './dining-philosophers.ts'

/** Five philosophers: left-fork-first deadlocks (circular wait); resource ordering does not. */
export const diningPhilosophersChapter: Chapter = {
  id: 'dining-philosophers',
  title: 'Dining philosophers',
  part: 'Shared-memory concurrency',
  bug() {
    const v = check(diningPhilosophers({ philosophers: 5 })).violation
    return {
      ok: v?.kind === 'deadlock',
      summary: v ? `deadlock: trace of ${v.trace.length} states` : 'no deadlock found',
    }
  },
  fix() {
    const r = check(diningPhilosophers({ philosophers: 5, order: 'ordered' }))
    return {
      ok: r.ok && r.stats.distinct === 70,
      summary: r.ok
        ? `${count(r.stats.distinct)} states, no deadlock`
        : `${r.violation?.name ?? r.incomplete?.message}`,
    }
  },
}
