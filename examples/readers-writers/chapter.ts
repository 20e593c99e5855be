import { check, checkLiveness } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { readersWriters, writerNotWaiting } from './readers-writers.ts'

/** Every action weakly fair, and the writer's entry strongly fair: the scheduler is as fair as it gets. */
export const fairScheduler = { fair: 'all', strongFair: ['startWrite'] } as const

/** Readers-writers: both policies are safe; reader preference starves the writer, writer priority does not. */
export const readersWritersChapter: Chapter = {
  id: 'readers-writers',
  title: 'Readers and writers',
  part: 'Shared-memory concurrency',
  bug() {
    const m = readersWriters({ policy: 'reader-preference' })
    const safe = check(m).ok
    const v = checkLiveness(m, {
      goal: writerNotWaiting,
      goalName: 'writer gets in',
      everywhere: true,
      ...fairScheduler,
    }).violation
    return {
      ok: safe && v !== undefined,
      summary: v
        ? `safe, but the writer starves: lasso of ${v.prefix.length - 1} + ${v.cycle.length} steps (${v.cycle.map((s) => s.action).join(', ')})`
        : 'no starvation found',
    }
  },
  fix() {
    const m = readersWriters({ policy: 'writer-priority' })
    const safety = check(m)
    const live = checkLiveness(m, { goal: writerNotWaiting, everywhere: true, ...fairScheduler })
    return {
      ok: safety.ok && live.ok,
      summary: `writer priority: ${count(live.stats.distinct)} states, safe, and the writer always gets in`,
    }
  },
}
