/**
 * The dual write and the transactional outbox, as a model.
 *
 * A service handles an order by writing it to its database and publishing an `OrderPlaced`
 * event to a message broker. The two are different systems, with no transaction spanning them,
 * so a crash between the two writes leaves them disagreeing: write first and the event is lost,
 * publish first and an event is invented for an order that never committed. The transactional
 * outbox writes the order and the event into the database in one local transaction; a relay
 * reads the outbox, publishes, and marks the row sent. A relay crash between publishing and
 * marking publishes the event again: at least once, never lost, never invented.
 */
import { action, defineModel, type LivenessOptions, type Model } from '@musil/core'

/** How the service writes an order and its event. */
export type OutboxDesign = 'db-first' | 'publish-first' | 'outbox'

/** What a process is in the middle of: its volatile state, lost in a crash. */
export type Step =
  | 'idle'
  | 'down'
  | { readonly next: 'publish' | 'write' | 'mark'; readonly order: string }

/** The service, its database, the relay and the broker. */
export interface OutboxState {
  /** Orders clients have yet to send. */
  readonly requests: readonly string[]
  readonly service: Step
  /** The database (durable): committed orders, and the outbox table. */
  readonly db: { readonly orders: readonly string[]; readonly outbox: readonly string[] }
  readonly relay: Step
  /** Events the broker has accepted, in order (a duplicate appears twice). */
  readonly published: readonly string[]
  /** Crashes so far (bounded by `maxCrashes`). */
  readonly crashes: number
}

/** Options of {@link outbox}. */
export interface OutboxOptions {
  readonly design: OutboxDesign
  /** Orders (default 2). */
  readonly orders?: number
  /** At most this many crashes, of the service or the relay, per behaviour (default 1). */
  readonly maxCrashes?: number
}

const about = (p: Step, next: 'publish' | 'write' | 'mark'): string | undefined =>
  typeof p === 'object' && p.next === next ? p.order : undefined

/**
 * No event lost: every committed order is published, or in the outbox, or the service is about
 * to publish it. A crash that loses the last of these loses the event.
 */
export const noLostEvent = (s: OutboxState): boolean =>
  s.db.orders.every(
    (o) => s.published.includes(o) || s.db.outbox.includes(o) || about(s.service, 'publish') === o,
  )

/** No event invented: every published order is committed, or the service is about to commit it. */
export const noInventedEvent = (s: OutboxState): boolean =>
  s.published.every((o) => s.db.orders.includes(o) || about(s.service, 'write') === o)

/** Each event is published once. The outbox does not promise this: it is at-least-once. */
export const publishedOnce = (s: OutboxState): boolean =>
  new Set(s.published).size === s.published.length

/**
 * Liveness: every committed order is eventually published (and again from every reachable
 * state), if the relay keeps working and crashed processes restart.
 */
export const allPublished: LivenessOptions<OutboxState> = {
  goal: (s) => s.db.orders.every((o) => s.published.includes(o)),
  goalName: 'every committed order published',
  everywhere: true,
  fair: ['write', 'relay', 'markSent', 'restart(service)', 'restart(relay)'],
}

const without = (xs: readonly string[], x: string): string[] => xs.filter((y) => y !== x)
const up = (p: Step): boolean => p !== 'down'

/**
 * The order service, held to `noLostEvent` and `noInventedEvent`. Terminal: every order handled,
 * both processes idle, the outbox empty.
 *
 * @example
 * check(outbox({ design: 'db-first' })).violation?.name        // 'noLostEvent'
 * check(outbox({ design: 'publish-first' })).violation?.name   // 'noInventedEvent'
 * check(outbox({ design: 'outbox' })).ok                       // true
 */
export function outbox(options: OutboxOptions): Model<OutboxState> {
  return outboxModel(options, { noLostEvent, noInventedEvent })
}

/** The outbox design held to `publishedOnce`: what it does not promise. */
export function outboxExactlyOnce(options: Omit<OutboxOptions, 'design'> = {}): Model<OutboxState> {
  return outboxModel({ ...options, design: 'outbox' }, { publishedOnce })
}

function outboxModel(
  { design, orders = 2, maxCrashes = 1 }: OutboxOptions,
  invariants: Record<string, (s: OutboxState) => boolean>,
): Model<OutboxState> {
  const names = Array.from({ length: orders }, (_, i) => `o${i + 1}`)
  const canCrash = (s: OutboxState): boolean => s.crashes < maxCrashes
  const serviceActions = [
    // The service takes the next request and does its first write: the database, or the broker.
    action.each(
      design === 'publish-first' ? 'publish' : 'write',
      (s: OutboxState) => s.requests,
      (s) => s.service === 'idle',
      (s, o): OutboxState => {
        const requests = without(s.requests, o)
        if (design === 'publish-first') {
          return {
            ...s,
            requests,
            published: [...s.published, o],
            service: { next: 'write', order: o },
          }
        }
        const outboxRows = design === 'outbox' ? [...s.db.outbox, o] : s.db.outbox
        return {
          ...s,
          requests,
          // With the outbox, the order and its event commit in one local transaction.
          db: { orders: [...s.db.orders, o], outbox: outboxRows },
          service: design === 'outbox' ? 'idle' : { next: 'publish', order: o },
        }
      },
    ),
    // The second write of the dual write.
    action(
      design === 'publish-first' ? 'commit' : 'publishEvent',
      (s: OutboxState) =>
        about(s.service, design === 'publish-first' ? 'write' : 'publish') !== undefined,
      (s): OutboxState => {
        const o = (s.service as Exclude<Step, 'idle' | 'down'>).order
        return design === 'publish-first'
          ? { ...s, db: { ...s.db, orders: [...s.db.orders, o] }, service: 'idle' }
          : { ...s, published: [...s.published, o], service: 'idle' }
      },
    ),
  ]
  const relayActions = [
    // The relay reads an unsent row of the outbox and publishes it.
    action.each(
      'relay',
      (s: OutboxState) => s.db.outbox,
      (s) => s.relay === 'idle',
      (s, o): OutboxState => ({
        ...s,
        published: [...s.published, o],
        relay: { next: 'mark', order: o },
      }),
    ),
    // It marks the row sent (deletes it) once the broker has the event.
    action(
      'markSent',
      (s: OutboxState) => about(s.relay, 'mark') !== undefined,
      (s): OutboxState => {
        const o = about(s.relay, 'mark')!
        return { ...s, db: { ...s.db, outbox: without(s.db.outbox, o) }, relay: 'idle' }
      },
    ),
  ]
  // A crash loses what a process was in the middle of; the database and the broker survive.
  const crashable = (who: 'service' | 'relay') => [
    action(
      `crash(${who})`,
      (s: OutboxState) => up(s[who]) && canCrash(s),
      (s): OutboxState => ({ ...s, [who]: 'down', crashes: s.crashes + 1 }),
    ),
    action(
      `restart(${who})`,
      (s: OutboxState) => s[who] === 'down',
      (s): OutboxState => ({ ...s, [who]: 'idle' }),
    ),
  ]
  return defineModel<OutboxState>({
    name: `outbox (${design})`,
    init: {
      requests: names,
      service: 'idle',
      db: { orders: [], outbox: [] },
      relay: 'idle',
      published: [],
      crashes: 0,
    },
    actions: [
      ...serviceActions,
      ...crashable('service'),
      ...(design === 'outbox' ? [...relayActions, ...crashable('relay')] : []),
    ],
    invariants,
    terminal: (s) =>
      s.requests.length === 0 &&
      s.service === 'idle' &&
      s.db.outbox.length === 0 &&
      (s.relay === 'idle' || design !== 'outbox'),
  })
}
