import { check } from '@musil/core'
import { type Chapter, count, replays } from '../chapter.ts'
import { simulateLock } from './lock-fencing.nodes.ts'
import { lockFencing } from './lock-fencing.ts'

/** Seeds the simulation sweeps. */
export const SEEDS = 300

/** The lock and fencing: an expired lease still writes; fencing tokens checked by the storage stop it. */
export const lockFencingChapter: Chapter = {
  id: 'lock-fencing',
  title: 'Distributed lock and fencing tokens',
  part: 'Agreement and coordination',
  bug() {
    const v = check(lockFencing({ fenced: false })).violation
    const sim = simulateLock(false, SEEDS).failure
    return {
      ok:
        v?.name === 'writesInLeaseOrder' &&
        sim?.name === 'writesInLeaseOrder' &&
        replays(sim, (seeds) => simulateLock(false, seeds)),
      summary: v
        ? `an expired lease still writes: trace of ${v.trace.length} states; the code's GC pause at seed ${sim?.seed} (${sim?.minimized.length} events, replays byte for byte)`
        : 'every write in lease order',
    }
  },
  fix() {
    const model = check(lockFencing({ fenced: true }))
    const three = check(lockFencing({ fenced: true, clients: 3 }))
    const sim = simulateLock(true, SEEDS)
    return {
      ok: model.ok && three.ok && sim.ok && sim.runs === SEEDS,
      summary: `fencing tokens: writes in lease order in all ${count(model.stats.distinct)} states (${count(three.stats.distinct)} with 3 clients); the code refines the model on ${count(sim.runs)} seeds`,
    }
  },
}
