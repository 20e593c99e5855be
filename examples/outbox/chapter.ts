import { check, checkLiveness } from '@musil/core'
import { type Chapter, count, replays, stepsOf } from '../chapter.ts'
import { allPublished, outbox, outboxExactlyOnce } from './outbox.ts'
import { simulateOrders } from './outbox-sim.ts'

/** Outbox / dual write: a crash between two writes loses or invents an event; the outbox does not. */
export const outboxChapter: Chapter = {
  id: 'outbox',
  title: 'Outbox / dual write',
  part: 'Messaging patterns',
  bug() {
    const lost = check(outbox({ design: 'db-first' })).violation
    const invented = check(outbox({ design: 'publish-first' })).violation
    const lostInCode = simulateOrders({ design: 'db-first' }).failure
    const inventedInCode = simulateOrders({ design: 'publish-first' }).failure
    // The goal fails either way; the world says which way: a committed order never published,
    // or a published one never committed.
    const missing = (from: readonly string[], inside: readonly string[]) =>
      from.some((o) => !inside.includes(o))
    return {
      ok:
        lost?.name === 'noLostEvent' &&
        invented?.name === 'noInventedEvent' &&
        lostInCode?.kind === 'goal' &&
        missing(lostInCode.world.committed, lostInCode.world.published) &&
        inventedInCode?.kind === 'goal' &&
        missing(inventedInCode.world.published, inventedInCode.world.committed) &&
        replays(lostInCode, (seeds) => simulateOrders({ design: 'db-first' }, seeds)) &&
        replays(inventedInCode, (seeds) => simulateOrders({ design: 'publish-first' }, seeds)),
      summary: `crash between the writes: db-first loses the event (${stepsOf(lost?.trace)} steps; seed ${lostInCode?.seed} in code), publish-first invents one (${stepsOf(invented?.trace)} steps; seed ${inventedInCode?.seed}); both replay`,
    }
  },
  fix() {
    const safe = check(outbox({ design: 'outbox' }))
    const live = checkLiveness(outbox({ design: 'outbox' }), allPublished)
    const twice = check(outboxExactlyOnce()).violation
    const sim = simulateOrders({ design: 'outbox' })
    return {
      ok: safe.ok && safe.complete && live.ok && twice?.name === 'publishedOnce' && sim.ok,
      summary: `outbox + relay: none lost or invented in ${count(safe.stats.distinct)} states and on ${count(sim.runs)} seeds, every write published under a fair relay; a relay crash publishes twice (${stepsOf(twice?.trace)} steps)`,
    }
  },
}
