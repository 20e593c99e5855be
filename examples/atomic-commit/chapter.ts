import { check, checkLiveness } from '@musil/core'
import { actionsOf, type Chapter, count, stepsOf } from '../chapter.ts'
import {
  allDecided,
  allTerminated,
  COORDINATOR,
  THREE_PHASE_FAIR,
  TWO_PHASE_FAIR,
  threePhase,
  twoPhase,
} from './atomic-commit.ts'

/** Participants in the chapter's configurations. */
const N = 2

/**
 * Two- and three-phase commit as a textbook chapter: 2PC blocks when its coordinator dies after
 * prepare, 3PC decides anyway but splits under a partition; 2PC with a durable decision log and
 * 3PC under crash-stop are verified safe and terminating.
 */
export const atomicCommitChapter: Chapter = {
  id: 'atomic-commit',
  title: 'Two-phase commit and three-phase commit',
  part: 'Agreement and coordination',
  bug() {
    const blocking = twoPhase({ participants: N, coordinator: 'crash-stop' })
    const blocked = checkLiveness(blocking.model, {
      goal: allDecided(blocking),
      goalName: 'allDecided',
      fair: [...TWO_PHASE_FAIR],
    })
    const split = check(threePhase({ participants: N, faults: 'partition' }).model)
    const steps = stepsOf(blocked.violation?.prefix)
    const splitSteps = stepsOf(split.violation?.trace)
    // Green only for the classic stories: the behaviour stops with the coordinator down and a
    // participant prepared, and the split needs the partition.
    const stuck = blocked.violation?.prefix.at(-1)?.state
    const blocks =
      stuck !== undefined &&
      blocked.violation!.cycle.every((s) => s.action === '(stutter)') &&
      !blocking.coordinator.isUp(stuck, COORDINATOR) &&
      blocking.ids.some((r) => blocking.participant.of(stuck, r).st === 'prepared')
    const partitioned = actionsOf(split.violation?.trace ?? []).some((a) =>
      a.startsWith('partition('),
    )
    return {
      ok: blocks && split.violation?.name === 'consistent' && partitioned,
      summary: `2PC blocks: coordinator crash after prepare, a prepared participant waits forever (lasso after ${steps} steps); 3PC under a partition commits and aborts (trace of ${splitSteps} steps)`,
    }
  },
  fix() {
    const durable = twoPhase({ participants: N, coordinator: 'durable-log' })
    const safe2 = check(durable.model)
    const live2 = checkLiveness(durable.model, {
      goal: allDecided(durable),
      fair: [...TWO_PHASE_FAIR],
    })
    const stop = threePhase({ participants: N, faults: 'crash-stop' })
    const safe3 = check(stop.model)
    const live3 = checkLiveness(stop.model, {
      goal: allTerminated(stop),
      fair: [...THREE_PHASE_FAIR],
    })
    return {
      ok: safe2.ok && live2.ok && safe3.ok && live3.ok,
      summary: `2PC with a durable decision log: safe and every participant decides (${count(safe2.stats.distinct)} states); 3PC under crash-stop: safe and non-blocking (${count(safe3.stats.distinct)} states)`,
    }
  },
}
