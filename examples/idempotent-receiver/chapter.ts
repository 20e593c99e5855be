import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { idempotentReceiver } from './idempotent-receiver.ts'

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
    const steps = (v: typeof naive): number => (v?.trace.length ?? 1) - 1
    return {
      ok: naive?.name === 'chargedOnce' && short?.name === 'chargedOnce',
      summary: `a redelivery charges twice (${steps(naive)} steps); a 1-tick dedup window under a 2-tick delay charges twice again (${steps(short)} steps)`,
    }
  },
  fix() {
    const covered = DELAYS.map((d) => check(idempotentReceiver({ dedup: d, maxDelay: d })))
    const shortBy1 = DELAYS.map((d) => check(idempotentReceiver({ dedup: d - 1, maxDelay: d })))
    const ok = covered.every((r) => r.ok && r.complete) && shortBy1.every((r) => !r.ok)
    return {
      ok,
      summary: `dedup by id, window ≥ max delay: charged once for delays ${DELAYS.join(', ')} (${covered.map((r) => count(r.stats.distinct)).join(', ')} states); one tick shorter fails for each`,
    }
  },
}
