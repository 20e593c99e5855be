import { check } from '@musil/core'
import { type Chapter, count, replays, stepsOf } from '../chapter.ts'
import { failover } from './failure-detector.ts'
import { simulateDetector } from './failure-detector-sim.ts'

/** Failure detector: a false suspicion lets a deposed primary write; fencing refuses it. */
export const failureDetectorChapter: Chapter = {
  id: 'failure-detector',
  title: 'Failure detector / heartbeat',
  part: 'Messaging patterns',
  bug() {
    const v = check(failover({ fencing: false })).violation
    const perfect = check(failover({ fencing: false, detector: 'perfect' })).violation
    const slow = simulateDetector({ fencing: false, scenario: 'slow' }).failure
    const split = simulateDetector({ fencing: false, scenario: 'partition' }).failure
    return {
      ok:
        [v, perfect, slow, split].every((x) => x?.name === 'noDeposedWrite') &&
        replays(slow, (seeds) => simulateDetector({ fencing: false, scenario: 'slow' }, seeds)) &&
        replays(split, (seeds) =>
          simulateDetector({ fencing: false, scenario: 'partition' }, seeds),
        ),
      summary: `deposed primary's write lands: model ${stepsOf(v?.trace)} steps (${stepsOf(perfect?.trace)} with a perfect detector); paused primary at seed ${slow?.seed}, partition at seed ${split?.seed}; both replay`,
    }
  },
  fix() {
    const model = check(failover({ fencing: true }))
    const slow = simulateDetector({ fencing: true, scenario: 'slow' })
    const split = simulateDetector({ fencing: true, scenario: 'partition' })
    return {
      ok: model.ok && model.complete && slow.ok && split.ok,
      summary: `fencing epochs: no deposed write in ${count(model.stats.distinct)} states, ${count(slow.runs)} paused-primary seeds and ${count(split.runs)} partition seeds; one primary after GST`,
    }
  },
}
