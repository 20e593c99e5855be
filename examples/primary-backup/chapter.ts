import { check, checkRefinement } from '@musil/core'
import { type Chapter, count, replays } from '../chapter.ts'
import { primaryBackup, registerOf, singleRegister } from './primary-backup.ts'
import { simulatePrimaryBackup } from './primary-backup-nodes.ts'

const WRITES = 2

/** Primary-backup: ack before replicate loses an acked write on failover; replicate then ack refines one register. */
export const primaryBackupChapter: Chapter = {
  id: 'primary-backup',
  title: 'Primary-backup',
  part: 'Replication and consistency',
  bug() {
    const v = check(primaryBackup({ replication: 'ack-then-replicate', writes: WRITES })).violation
    const sim = simulatePrimaryBackup('ack-then-replicate').failure
    return {
      ok:
        v?.name === 'ackedWritesSurvive' &&
        sim?.name === 'ackedWritesSurvive' &&
        replays(sim, (seeds) => simulatePrimaryBackup('ack-then-replicate', seeds)),
      summary:
        v && sim
          ? `ack then replicate: the crash loses an acknowledged write, trace of ${v.trace.length} states; the nodes lose one on seed ${sim.seed} (${sim.minimized.length}-event trace, replays byte for byte)`
          : 'no acknowledged write lost',
    }
  },
  fix() {
    const model = primaryBackup({ replication: 'replicate-then-ack', writes: WRITES })
    const safe = check(model)
    const refines = checkRefinement(model, singleRegister(WRITES), registerOf)
    const sim = simulatePrimaryBackup('replicate-then-ack', 200, { refine: true })
    return {
      ok: safe.ok && refines.ok && sim.ok && sim.runs === 200,
      summary: `replicate then ack: ${count(safe.stats.distinct)} states, no acknowledged write lost, refines a single-copy register; the nodes refine it on ${count(sim.runs)} seeds`,
    }
  },
}
