/**
 * The dual write and the outbox as real callback nodes: a client places orders, an order service
 * keeps its database in durable `ctx.storage`, and a broker records the events it accepts. The
 * service crashes once and restarts; what it held only in memory (which event it still owed) is
 * gone.
 *
 * The second write of a dual write happens `SECOND_WRITE_AFTER` ms after the first (the first
 * write's round trip), so a crash can fall between them. The outbox commits the order and its
 * event in one storage write, and a relay in the service publishes unsent rows every
 * `RELAY_EVERY` ms until the broker acknowledges them, and again after a restart.
 */
import { BaseNode, type Context, crash, NetworkModel, type SimReport, simulate } from '@musil/core'
import { type OutboxDesign, without } from './outbox.ts'

/** The orders the client places, 5 ms apart. */
export const ORDERS: readonly string[] = ['o1', 'o2', 'o3', 'o4']

/** The gap between the two writes of a dual write (ms). */
export const SECOND_WRITE_AFTER = 2

/** How often the relay publishes unsent outbox rows (ms). */
export const RELAY_EVERY = 5

/** The service crashes at 12 ms and restarts at 20 ms. */
export const SERVICE_CRASH = { at: 12, restartAt: 20 } as const

/** Places the orders. */
export class Client extends BaseNode {
  override onStart(ctx: Context): void {
    ORDERS.forEach((_, i) => {
      ctx.setTimer(`order ${i}`, i * 5)
    })
  }

  override onTimer(ctx: Context, name: string): void {
    ctx.send('service', { order: ORDERS[Number(name.slice('order '.length))] })
  }
}

/**
 * The order service. Its database is `ctx.storage` (`orders`, `outbox`), mirrored in fields that
 * `onStart` reloads after a restart. The design decides the order of the two writes.
 */
export class OrderService extends BaseNode {
  readonly design: OutboxDesign
  orders: string[] = []
  outbox: string[] = []
  #relayArmed = false

  constructor(options: { readonly design: OutboxDesign }) {
    super()
    this.design = options.design
  }

  override onStart(ctx: Context): void {
    this.orders = (ctx.storage.get('orders') as string[] | undefined) ?? []
    this.outbox = (ctx.storage.get('outbox') as string[] | undefined) ?? []
    this.#armRelay(ctx)
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (src === 'broker') {
      // The broker has the event: mark the outbox row sent.
      this.#commit(ctx, this.orders, without(this.outbox, (payload as { ack: string }).ack))
      return
    }
    const { order } = payload as { order: string }
    if (this.design === 'outbox') {
      // The order and its event, in one transaction.
      this.#commit(ctx, [...this.orders, order], [...this.outbox, order])
    } else if (this.design === 'db-first') {
      this.#commit(ctx, [...this.orders, order], this.outbox)
      ctx.setTimer(`publish ${order}`, SECOND_WRITE_AFTER)
    } else {
      ctx.send('broker', { event: order })
      ctx.setTimer(`commit ${order}`, SECOND_WRITE_AFTER)
    }
  }

  override onTimer(ctx: Context, name: string): void {
    const [what, order] = name.split(' ') as [string, string | undefined]
    if (what === 'publish') ctx.send('broker', { event: order })
    else if (what === 'commit') this.#commit(ctx, [...this.orders, order!], this.outbox)
    else {
      this.#relayArmed = false
      for (const row of this.outbox) ctx.send('broker', { event: row })
      this.#armRelay(ctx)
    }
  }

  /** The relay polls while the outbox has unsent rows (so a run settles once all are sent). */
  #armRelay(ctx: Context): void {
    if (this.#relayArmed || this.outbox.length === 0) return
    this.#relayArmed = true
    ctx.setTimer('relay', RELAY_EVERY)
  }

  #commit(ctx: Context, orders: string[], outbox: string[]): void {
    ctx.storage.set('orders', orders)
    ctx.storage.set('outbox', outbox)
    this.orders = orders
    this.outbox = outbox
    this.#armRelay(ctx)
  }
}

/** The broker: records every event it accepts, duplicates included, and acknowledges it. */
export class Broker extends BaseNode {
  published: string[] = []

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const { event } = payload as { event: string }
    this.published.push(event)
    ctx.send(src, { ack: event })
  }
}

/** What the checks see. */
export interface Events {
  readonly committed: readonly string[]
  readonly published: readonly string[]
}

/** Once the run settles: every committed order was published, and no other. */
export const publishedExactlyTheCommitted = (w: Events): boolean =>
  w.committed.every((o) => w.published.includes(o)) &&
  w.published.every((o) => w.committed.includes(o))

/** Each event published once: what the outbox does not promise (its relay re-sends until acked). */
export const publishedOnce = (w: Events): boolean =>
  new Set(w.published).size === w.published.length

/**
 * The client, the service (crashing once) and the broker, over `seeds`: held, once the run
 * settles, to `publishedExactlyTheCommitted` (or, with `exactlyOnce`, to `publishedOnce` as
 * well).
 */
export function simulateOrders(
  options: { design: OutboxDesign; exactlyOnce?: boolean },
  seeds: number | Iterable<number> = 200,
): SimReport<Events> {
  return simulate(
    () => ({
      client: new Client(),
      service: new OrderService(options),
      broker: new Broker(),
    }),
    {
      seeds,
      snapshot: (n) => ({ committed: [...n.service.orders], published: [...n.broker.published] }),
      network: new NetworkModel({ minLatency: 1, maxLatency: 4 }),
      faults: [crash('service', SERVICE_CRASH)],
      ...(options.exactlyOnce && { invariants: { publishedOnce } }),
      goal: publishedExactlyTheCommitted,
      goalName: 'every committed order published, none invented',
    },
  )
}
