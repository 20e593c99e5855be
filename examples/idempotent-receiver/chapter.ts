import { check } from '@musil/core'
import { type Chapter, count, replays, stepsOf } from '../chapter.ts'
import { idempotentReceiver } from './idempotent-receiver.ts'
import { MAX_LATENCY, simulatePayments } from './idempotent-receiver-sim.ts'

/** The delays the chapter checks the window against. */
const DELAYS = [2, 3, 4] as const

/** Idempotent receiver: a redelivery charges twice; dedup by id holds while its window lasts. */
export const idempotentReceiverChapter: Chapter = {
  id: 'idempotent-receiver',
  title: 'Idempotent receiver',
  part: 'Messaging patterns',
  bug() {
    const naive = check(idempotentReceiver({ dedup: 'naive' })).violation
    const short = check(idempotentReceiver({ dedup: 1, maxDelay: 2 })).violation
    const sim = simulatePayments({ window: 10 }).failure
    return {
      ok:
        naive?.name === 'chargedOnce' &&
        short?.name === 'chargedOnce' &&
        sim?.name === 'chargedOnce' &&
        sim.minimized.length < sim.originalLength &&
        replays(sim, (seeds) => simulatePayments({ window: 10 }, seeds)),
      summary: `a redelivery charges twice (${stepsOf(naive?.trace)} steps); a 1-tick dedup window under a 2-tick delay charges twice again (${stepsOf(short?.trace)} steps); in code, a 10 ms window at seed ${sim?.seed} (${sim?.originalLength} events, minimised to ${sim?.minimized.length}; the replay matches)`,
    }
  },
  fix() {
    const covered = DELAYS.map((d) => check(idempotentReceiver({ dedup: d, maxDelay: d })))
    const shortBy1 = DELAYS.map((d) => check(idempotentReceiver({ dedup: d - 1, maxDelay: d })))
    const sim = simulatePayments({ window: MAX_LATENCY })
    const ok =
      covered.every((r) => r.ok && r.complete) &&
      shortBy1.every((r) => r.violation?.name === 'chargedOnce') &&
      sim.ok
    return {
      ok,
      summary: `dedup by id, window ≥ max delay: charged once for delays ${DELAYS.join(', ')} (${covered.map((r) => count(r.stats.distinct)).join(', ')} states), one tick shorter fails for each; a ${MAX_LATENCY} ms window on ${count(sim.runs)} seeds`,
    }
  },
}
