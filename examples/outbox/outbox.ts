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
import {
  type Component,
  type Composed,
  component,
  compose,
  type LivenessOptions,
  localAction,
  type Model,
} from '@musil/core'

/** How the service writes an order and its event. */
export type OutboxDesign = 'db-first' | 'publish-first' | 'outbox'

/** What a process is in the middle of: its volatile state, lost in a crash. */
export type Step = 'idle' | { readonly next: 'publish' | 'commit' | 'mark'; readonly order: string }

/** A process's slice: one volatile field. */
export interface Proc {
  readonly step: Step
}

/** The durable world the processes share: the clients' requests, the database, the broker. */
export interface OutboxShared {
  /** Orders clients have yet to send. */
  readonly requests: readonly string[]
  /** The database: committed orders, and the outbox table. */
  readonly db: { readonly orders: readonly string[]; readonly outbox: readonly string[] }
  /** Events the broker has accepted, in order (a duplicate appears twice). */
  readonly published: readonly string[]
}

/** A state of the composed model (`service`, `relay`, the shared fields, `down`, `crashes`). */
export type OutboxState = Composed<OutboxShared>

/** Options of {@link outbox}. */
export interface OutboxOptions {
  readonly design: OutboxDesign
  /** Orders (default 2). */
  readonly orders?: number
  /** At most this many crashes of the service, and as many of the relay (default 1; 0: none). */
  readonly maxCrashes?: number
}

const stepOf = (s: OutboxState, who: 'service' | 'relay'): Step =>
  (s[who] as Record<string, Proc> | undefined)?.[who]?.step ?? 'idle'
const about = (p: Step, next: 'publish' | 'commit' | 'mark'): string | undefined =>
  typeof p === 'object' && p.next === next ? p.order : undefined

/**
 * No event lost: every committed order is published, or in the outbox, or the service is about
 * to publish it. A crash that loses the last of these loses the event.
 */
export const noLostEvent = (s: OutboxState): boolean =>
  s.db.orders.every(
    (o) =>
      s.published.includes(o) ||
      s.db.outbox.includes(o) ||
      about(stepOf(s, 'service'), 'publish') === o,
  )

/** No event invented: every published order is committed, or the service is about to commit it. */
export const noInventedEvent = (s: OutboxState): boolean =>
  s.published.every((o) => s.db.orders.includes(o) || about(stepOf(s, 'service'), 'commit') === o)

/** Each event is published once. The outbox does not promise this: it is at-least-once. */
export const publishedOnce = (s: OutboxState): boolean =>
  new Set(s.published).size === s.published.length

/**
 * Liveness: every committed order is eventually published (and again from every reachable
 * state), if the processes keep working and crashed ones restart.
 */
export const allPublished: LivenessOptions<OutboxState> = {
  goal: (s) => s.db.orders.every((o) => s.published.includes(o)),
  goalName: 'every committed order published',
  everywhere: true,
  fair: ['write', 'publish', 'markSent', 'restart'],
}

/** `xs` without `x`: an order taken off a list (the requests, the outbox table). */
export const without = (xs: readonly string[], x: string): string[] => xs.filter((y) => y !== x)

/**
 * The order service, held to `noLostEvent` and `noInventedEvent`. Terminal: every order handled,
 * both processes up and idle, the outbox empty.
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

type Act = ReturnType<typeof localAction<Proc, OutboxShared>>

/** The service's two writes, in the design's order (the outbox: one transaction). */
function serviceActions(design: OutboxDesign): Act[] {
  const first = localAction.each<Proc, OutboxShared, string>(
    design === 'publish-first' ? 'publish' : 'write',
    (_self, { state }) => state.requests,
    (self) => self.step === 'idle',
    (_self, ctx, o) => {
      const { requests, db, published } = ctx.state
      ctx.set('requests', without(requests, o))
      if (design === 'publish-first') {
        ctx.set('published', [...published, o])
        return { step: { next: 'commit', order: o } }
      }
      if (design === 'db-first') {
        ctx.set('db', { ...db, orders: [...db.orders, o] })
        return { step: { next: 'publish', order: o } }
      }
      // The order and its event, in one local transaction.
      ctx.set('db', { orders: [...db.orders, o], outbox: [...db.outbox, o] })
      return { step: 'idle' }
    },
  )
  if (design === 'outbox') return [first]
  const second = localAction<Proc, OutboxShared>(
    design === 'db-first' ? 'publish' : 'commit',
    (self) => typeof self.step === 'object',
    (self, ctx) => {
      const o = (self.step as Exclude<Step, 'idle'>).order
      const { db, published } = ctx.state
      if (design === 'db-first') ctx.set('published', [...published, o])
      else ctx.set('db', { ...db, orders: [...db.orders, o] })
      return { step: 'idle' }
    },
  )
  return [first, second]
}

/** The message relay: publish an unsent outbox row, then mark it sent. */
const relayActions: Act[] = [
  localAction.each<Proc, OutboxShared, string>(
    'publish',
    (_self, { state }) => state.db.outbox,
    (self) => self.step === 'idle',
    (_self, ctx, o) => {
      ctx.set('published', [...ctx.state.published, o])
      return { step: { next: 'mark', order: o } }
    },
  ),
  localAction<Proc, OutboxShared>(
    'markSent',
    (self) => about(self.step, 'mark') !== undefined,
    (self, ctx) => {
      const { db } = ctx.state
      ctx.set('db', { ...db, outbox: without(db.outbox, about(self.step, 'mark')!) })
      return { step: 'idle' }
    },
  ),
]

function outboxModel(
  { design, orders = 2, maxCrashes = 1 }: OutboxOptions,
  invariants: Record<string, (s: OutboxState) => boolean>,
): Model<OutboxState> {
  const names = Array.from({ length: orders }, (_, i) => `o${i + 1}`)
  // A crash loses what a process was in the middle of (its one volatile field); the database
  // and the broker are shared state, and survive.
  const proc = (who: 'service' | 'relay', actions: Act[]): Component<Proc, OutboxShared> =>
    component<Proc, OutboxShared>({
      name: who,
      ids: [who],
      init: { step: 'idle' },
      actions,
      ...(maxCrashes > 0 && { crash: { maxCrashes } }),
    })
  const components = [proc('service', serviceActions(design))]
  if (design === 'outbox') components.push(proc('relay', relayActions))
  return compose<OutboxShared>({
    name: `outbox (${design})`,
    components,
    shared: { requests: names, db: { orders: [], outbox: [] }, published: [] },
    invariants,
    terminal: (s) =>
      s.requests.length === 0 &&
      Object.keys((s.down as object | undefined) ?? {}).length === 0 &&
      stepOf(s, 'service') === 'idle' &&
      stepOf(s, 'relay') === 'idle' &&
      s.db.outbox.length === 0,
  })
}
