/**
 * The at-least-once queue as real callback nodes: a queue broker with SQS's visibility timeout,
 * two consumers whose processing time is usually short and sometimes long (a GC pause, a slow
 * downstream call), and the database the consumers apply their effects to.
 *
 * A message received by one consumer is invisible to the others for `VISIBILITY_TIMEOUT` ms. A
 * consumer that takes longer than that has not lost the message, but the queue cannot tell a
 * slow consumer from a dead one: the message becomes visible again, a second consumer receives
 * it, and both apply its effect. The fix is on the effect, not on the delivery: the database
 * records the ids it has applied in the same transaction as the effect, and skips a message it
 * has seen.
 */
import {
  BaseNode,
  type Context,
  type FaultSchedule,
  NetworkModel,
  type SimReport,
  simulate,
} from '@musil/core'

/** The messages on the queue at the start. */
export const MESSAGES: readonly string[] = ['m1', 'm2', 'm3']

/** How long a received message stays invisible to other consumers (ms). */
export const VISIBILITY_TIMEOUT = 30

/** How often an idle consumer polls the queue (ms). */
export const POLL_EVERY = 5

/** The run's horizon: consumers poll forever, so the run ends here (ms). */
export const HORIZON = 300

/** The consumers' addresses. */
export const CONSUMERS: readonly string[] = ['c1', 'c2']

type ToQueue = { type: 'receive' } | { type: 'delete'; id: string; receipt: number }
type FromQueue = { type: 'message'; id: string; receipt: number } | { type: 'empty' }

/** An in-flight message: who has it, under which receipt handle. */
interface InFlight {
  readonly consumer: string
  readonly receipt: number
}

/**
 * The queue broker. `ReceiveMessage` hides the first visible message for the visibility timeout
 * and hands out a fresh receipt handle; `DeleteMessage` deletes it only with the current handle
 * (SQS: with an older handle "the request succeeds, but the message might not be deleted").
 */
export class Queue extends BaseNode {
  readonly visibilityTimeout: number
  visible: string[] = [...MESSAGES]
  inFlight = new Map<string, InFlight>()
  deleted: string[] = []
  /** How many times each message was handed to a consumer. */
  receives: Record<string, number> = {}
  #nextReceipt = 1

  constructor(options: { visibilityTimeout?: number } = {}) {
    super()
    this.visibilityTimeout = options.visibilityTimeout ?? VISIBILITY_TIMEOUT
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as ToQueue
    if (msg.type === 'receive') {
      const id = this.visible.shift()
      if (id === undefined) {
        ctx.send(src, { type: 'empty' } satisfies FromQueue)
        return
      }
      const receipt = this.#nextReceipt++
      this.inFlight.set(id, { consumer: src, receipt })
      this.receives[id] = (this.receives[id] ?? 0) + 1
      ctx.setTimer(`visible ${id} ${receipt}`, this.visibilityTimeout)
      ctx.send(src, { type: 'message', id, receipt } satisfies FromQueue)
      return
    }
    const held = this.inFlight.get(msg.id)
    if (held?.receipt !== msg.receipt) return // a stale receipt handle: nothing is deleted
    this.inFlight.delete(msg.id)
    this.deleted.push(msg.id)
    ctx.cancelTimer(`visible ${msg.id} ${msg.receipt}`)
  }

  override onTimer(_ctx: Context, name: string): void {
    const [, id, receipt] = name.split(' ') as [string, string, string]
    // The queue cannot tell a slow consumer from a dead one: the message goes back.
    if (this.inFlight.get(id)?.receipt !== Number(receipt)) return
    this.inFlight.delete(id)
    this.visible.push(id)
  }
}

/**
 * A consumer: polls when idle, processes a message (5-15 ms, or 40-60 ms one time in ten),
 * applies its effect to the database, and deletes the message once the database has it.
 */
export class Consumer extends BaseNode {
  holding: { id: string; receipt: number } | undefined

  override onStart(ctx: Context): void {
    ctx.setTimer('poll', POLL_EVERY)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'poll') {
      if (this.holding === undefined) ctx.send('queue', { type: 'receive' } satisfies ToQueue)
      return
    }
    // 'done': the work is finished; the effect goes to the database.
    ctx.send('db', { type: 'apply', id: this.holding!.id })
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (src === 'queue') {
      const msg = payload as FromQueue
      if (msg.type === 'empty') {
        ctx.setTimer('poll', POLL_EVERY)
        return
      }
      this.holding = { id: msg.id, receipt: msg.receipt }
      const slow = ctx.random() < 0.1
      const work = slow ? 40 + Math.floor(ctx.random() * 21) : 5 + Math.floor(ctx.random() * 11)
      ctx.setTimer('done', work)
      return
    }
    // The database applied the effect: delete the message, go back to polling. (A consumer
    // restarted after a crash ignores the answer to its previous life's request.)
    const { id } = payload as { id: string }
    if (this.holding?.id !== id) return
    const { receipt } = this.holding
    ctx.send('queue', { type: 'delete', id, receipt } satisfies ToQueue)
    this.holding = undefined
    ctx.setTimer('poll', POLL_EVERY)
  }
}

/**
 * The database the effects land in. `dedup` keeps a table of applied message ids, written in the
 * same transaction as the effect (one handler here), so a redelivered message changes nothing.
 */
export class Database extends BaseNode {
  readonly dedup: boolean
  /** How many times each message's effect was applied. */
  effects: Record<string, number> = {}
  applied = new Set<string>()

  constructor(options: { dedup: boolean }) {
    super()
    this.dedup = options.dedup
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const { id } = payload as { id: string }
    if (!(this.dedup && this.applied.has(id))) {
      this.effects[id] = (this.effects[id] ?? 0) + 1
      this.applied.add(id)
    }
    ctx.send(src, { type: 'applied', id }) // a duplicate is acknowledged too: it is done
  }
}

/** What the checks see. */
export interface QueueWorld {
  /** How many times each message was delivered to a consumer. */
  readonly receives: Readonly<Record<string, number>>
  /** How many times each message's effect was applied. */
  readonly effects: Readonly<Record<string, number>>
  readonly deleted: readonly string[]
}

type QueueNodes = { queue: Queue; c1: Consumer; c2: Consumer; db: Database }

/** Effects, not deliveries: no message's effect is applied twice. */
export const effectAtMostOnce = (w: QueueWorld): boolean =>
  MESSAGES.every((m) => (w.effects[m] ?? 0) <= 1)

/** By the horizon every message is deleted and its effect applied exactly once. */
export const exactlyOnceEffect = (w: QueueWorld): boolean =>
  MESSAGES.every((m) => w.effects[m] === 1 && w.deleted.includes(m))

/** Deliveries, not effects: no message is handed to a consumer twice (no system promises this). */
export const deliveredAtMostOnce = (w: QueueWorld): boolean =>
  MESSAGES.every((m) => (w.receives[m] ?? 0) <= 1)

/** Options of {@link simulateQueue}. */
export interface QueueOptions {
  /** The database keeps a dedup table of applied message ids. */
  readonly dedup: boolean
  /** Hold runs to `effectAtMostOnce` (default) or to `deliveredAtMostOnce`. */
  readonly invariant?: 'effects' | 'deliveries'
  /** The queue's visibility timeout (ms); default `VISIBILITY_TIMEOUT`. */
  readonly visibilityTimeout?: number
  /** Scheduled faults, such as a consumer's crash. */
  readonly faults?: FaultSchedule
}

/**
 * The queue, two consumers and the database, over `seeds`, held to `effectAtMostOnce` (or to
 * `deliveredAtMostOnce`, to show that no fix gives that) and, at the horizon, to
 * `exactlyOnceEffect`.
 */
export function simulateQueue(
  options: QueueOptions,
  seeds: number | Iterable<number> = 300,
): SimReport<QueueWorld> {
  return simulate(
    (): QueueNodes => ({
      queue: new Queue(options),
      c1: new Consumer(),
      c2: new Consumer(),
      db: new Database({ dedup: options.dedup }),
    }),
    {
      seeds,
      snapshot: (n) => ({
        receives: { ...n.queue.receives },
        effects: { ...n.db.effects },
        deleted: [...n.queue.deleted],
      }),
      network: new NetworkModel({ minLatency: 1, maxLatency: 3 }),
      invariants:
        options.invariant === 'deliveries' ? { deliveredAtMostOnce } : { effectAtMostOnce },
      goal: exactlyOnceEffect,
      goalName: 'every message deleted, its effect applied once',
      maxTime: HORIZON,
      ...(options.faults && { faults: options.faults }),
    },
  )
}
