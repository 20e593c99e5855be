import { check, checkLiveness } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { allPublished, outbox, outboxExactlyOnce } from './outbox.ts'

/** Outbox / dual write: a crash between two writes loses or invents an event; the outbox does not. */
export const outboxChapter: Chapter = {
  id: 'outbox',
  title: 'Outbox / dual write',
  part: 'Messaging patterns',
  bug() {
    const lost = check(outbox({ design: 'db-first' })).violation
    const invented = check(outbox({ design: 'publish-first' })).violation
    const steps = (v: typeof lost): number => (v?.trace.length ?? 1) - 1
    return {
      ok: lost?.name === 'noLostEvent' && invented?.name === 'noInventedEvent',
      summary: `crash between the writes: db-first loses the event (${steps(lost)} steps), publish-first invents one (${steps(invented)} steps)`,
    }
  },
  fix() {
    const safe = check(outbox({ design: 'outbox' }))
    const live = checkLiveness(outbox({ design: 'outbox' }), allPublished)
    const twice = check(outboxExactlyOnce()).violation
    return {
      ok: safe.ok && safe.complete && live.ok && twice?.name === 'publishedOnce',
      summary: `outbox + relay: none lost or invented in ${count(safe.stats.distinct)} states, every write published under a fair relay; a relay crash publishes twice (${(twice?.trace.length ?? 1) - 1} steps)`,
    }
  },
}
