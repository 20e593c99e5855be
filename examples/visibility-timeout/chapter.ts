import { check } from '@musil/core'
import { type Chapter, count, replays, stepsOf } from '../chapter.ts'
import { exactlyOnceDelivery, visibilityTimeout } from './visibility-timeout.ts'
import { simulateQueue } from './visibility-timeout-sim.ts'

/** At-least-once queue: a slow consumer's message is processed twice; idempotent effects fix it. */
export const visibilityTimeoutChapter: Chapter = {
  id: 'visibility-timeout',
  title: 'At-least-once queue + visibility timeout',
  part: 'Messaging patterns',
  bug() {
    const v = check(visibilityTimeout()).violation
    const f = simulateQueue({ dedup: false }).failure
    return {
      ok:
        v?.name === 'effectAtMostOnce' &&
        f?.name === 'effectAtMostOnce' &&
        f.minimized.length < f.originalLength &&
        replays(f, (seeds) => simulateQueue({ dedup: false }, seeds)),
      summary: `effect applied twice after the timeout: model trace of ${stepsOf(v?.trace)} steps; simulation seed ${f?.seed} (${f?.originalLength} events, minimised to ${f?.minimized.length}; the replay matches)`,
    }
  },
  fix() {
    const model = check(visibilityTimeout({ processing: 'idempotent' }))
    const sim = simulateQueue({ dedup: true })
    const delivery = check(exactlyOnceDelivery({ processing: 'idempotent' })).violation
    return {
      ok: model.ok && model.complete && sim.ok && delivery?.name === 'deliveredAtMostOnce',
      summary: `dedup table: each effect once in ${count(model.stats.distinct)} states and on ${count(sim.runs)} seeds; deliveries still repeat (${stepsOf(delivery?.trace)}-step trace)`,
    }
  },
}
