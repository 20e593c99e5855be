/**
 * The at-least-once queue with a visibility timeout (Amazon SQS), as a model.
 *
 * A consumer receives a message, which hides it from the other consumers until the visibility
 * timeout elapses; the consumer processes it (applies its effect) and deletes it with the
 * receipt handle it got. If the timeout elapses first (the consumer is slow, or died), the
 * message becomes visible again and another consumer receives it. The model has no clock: in an
 * asynchronous system "the timeout elapsed before the delete arrived" can happen at any point,
 * which is the whole lesson. No choice of timeout makes delivery exactly-once; an idempotent
 * effect makes the *effect* exactly-once.
 *
 * Built with `compose`: consumers are crashable components (what they hold is volatile), the
 * queue's deletes travel on a channel, and the queue and the database are shared state.
 */
import {
  action,
  type ChannelValue,
  type Composed,
  channel,
  component,
  compose,
  localAction,
  type Model,
  symmetricIds,
} from '@musil/core'

/** A message on the queue: visible, deleted, or in flight under a receipt handle (a number). */
export type MessageState = 'visible' | 'deleted' | number

/** A message a consumer holds, with the receipt handle it got, and whether its work is done. */
export interface Held {
  readonly m: string
  readonly receipt: number
  /** `working` until the effect is applied, then `processed` until the delete is sent. */
  readonly phase: 'working' | 'processed'
}

/** A consumer's slice (volatile: a crash forgets it). */
export interface Consumer {
  readonly held: Held | null
}

/** A `DeleteMessage` request on its way to the queue. */
export interface DeleteRequest {
  readonly type: 'delete'
  readonly m: string
  readonly receipt: number
}

/** The shared state: the queue, the deletes on the wire and the database. */
export interface QueueShared {
  readonly queue: Readonly<Record<string, MessageState>>
  readonly net: ChannelValue<DeleteRequest>
  /** How many times each message was handed to a consumer. */
  readonly deliveries: Readonly<Record<string, number>>
  /** How many times each message's effect was applied. */
  readonly effects: Readonly<Record<string, number>>
  /** The dedup table: ids whose effect the database has applied (used by `idempotent`). */
  readonly applied: readonly string[]
}

/** A state of the composed model. */
export type QueueState = Composed<QueueShared>

/** Options of {@link visibilityTimeout}. */
export interface VisibilityTimeoutOptions {
  /** Messages on the queue (default 2). */
  readonly messages?: number
  /** Consumers (default 2). */
  readonly consumers?: number
  /**
   * The bound that keeps the model finite: behaviours that deliver a message more often than
   * this are not explored (a constraint, default 2: one redelivery).
   */
  readonly maxDeliveries?: number
  /**
   * Consumer crashes per behaviour (default 0). A crash is one more reason for the timeout to
   * elapse, which `expire` already allows at any moment; crashes add states, not behaviours of
   * the queue.
   */
  readonly maxCrashes?: number
  /**
   * `naive`: apply the effect on every delivery. `idempotent`: the database records the
   * message id in the same transaction as the effect and skips an id it has seen.
   */
  readonly processing?: 'naive' | 'idempotent'
}

/** Effects, not deliveries: no message's effect is applied twice. */
export const effectAtMostOnce = (s: QueueState): boolean =>
  Object.values(s.effects).every((n) => n <= 1)

/** Once every message is deleted, every effect was applied exactly once. */
export const exactlyOnceWhenDrained = (s: QueueState): boolean =>
  !Object.values(s.queue).every((m) => m === 'deleted') ||
  Object.values(s.effects).every((n) => n === 1)

/** Deliveries, not effects: no message is delivered twice. No queue can promise this. */
export const deliveredAtMostOnce = (s: QueueState): boolean =>
  Object.values(s.deliveries).every((n) => n <= 1)

const put = <T>(r: Readonly<Record<string, T>>, k: string, v: T): Record<string, T> => ({
  ...r,
  [k]: v,
})
const names = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)
const all = <T>(ks: readonly string[], v: T): Record<string, T> =>
  Object.fromEntries(ks.map((k) => [k, v]))

/** Deletes travel from the consumers to the queue in any order. */
const deletes = channel<DeleteRequest>({
  name: 'net',
  format: (d) => `delete(${d.m}, receipt ${d.receipt})`,
})

/**
 * The queue and its consumers, held to `effectAtMostOnce` and `exactlyOnceWhenDrained`.
 * Terminal: every message deleted, every consumer up and idle.
 *
 * @example
 * check(visibilityTimeout()).violation?.name                              // 'effectAtMostOnce'
 * check(visibilityTimeout({ processing: 'idempotent' })).ok               // true
 */
export function visibilityTimeout(options: VisibilityTimeoutOptions = {}): Model<QueueState> {
  return queueModel(options, { effectAtMostOnce, exactlyOnceWhenDrained })
}

/** The same model held to `deliveredAtMostOnce` instead: what "exactly-once delivery" would mean. */
export function exactlyOnceDelivery(options: VisibilityTimeoutOptions = {}): Model<QueueState> {
  return queueModel(options, { deliveredAtMostOnce })
}

function queueModel(
  {
    messages = 2,
    consumers = 2,
    maxDeliveries = 2,
    maxCrashes = 0,
    processing = 'naive',
  }: VisibilityTimeoutOptions,
  invariants: Record<string, (s: QueueState) => boolean>,
): Model<QueueState> {
  const ms = names('m', messages)
  const consumer = component<Consumer, QueueShared>({
    name: 'consumers',
    ids: names('c', consumers),
    init: { held: null },
    actions: [
      // ReceiveMessage: the message hides under a fresh receipt handle.
      localAction.each<Consumer, QueueShared, string>(
        'receive',
        () => ms,
        (self, { state }, m) => self.held === null && state.queue[m] === 'visible',
        (_self, ctx, m) => {
          const receipt = ctx.state.deliveries[m]! + 1
          ctx.set('queue', put(ctx.state.queue, m, receipt))
          ctx.set('deliveries', put(ctx.state.deliveries, m, receipt))
          return { held: { m, receipt, phase: 'working' } }
        },
      ),
      // The work is done: the effect lands in the database.
      localAction<Consumer, QueueShared>(
        'process',
        (self) => self.held?.phase === 'working',
        (self, ctx) => {
          const { m } = self.held!
          const { effects, applied } = ctx.state
          const skip = processing === 'idempotent' && applied.includes(m)
          if (!skip) ctx.set('effects', put(effects, m, effects[m]! + 1))
          if (processing === 'idempotent' && !skip) ctx.set('applied', [...applied, m].sort())
          return { held: { ...self.held!, phase: 'processed' } }
        },
      ),
      // DeleteMessage, with the receipt handle: a request on its way to the queue.
      localAction<Consumer, QueueShared>(
        'delete',
        (self) => self.held?.phase === 'processed',
        (self, ctx) => {
          const { m, receipt } = self.held!
          ctx.send('net', 'sqs', { type: 'delete', m, receipt })
          return { held: null }
        },
      ),
    ],
    crash: maxCrashes > 0 ? { maxCrashes } : undefined,
  })
  // The queue takes a delete only with the newest receipt handle ("the request succeeds, but
  // the message might not be deleted" otherwise).
  const sqs = component<Record<string, never>, QueueShared>({
    name: 'sqs',
    ids: ['sqs'],
    init: {},
    receive: (self, { msg }, ctx) => {
      if (ctx.state.queue[msg.m] === msg.receipt)
        ctx.set('queue', put(ctx.state.queue, msg.m, 'deleted'))
      return self
    },
  })
  return compose<QueueShared>({
    name: `visibility-timeout (${processing})`,
    components: [consumer, sqs],
    channels: { net: deletes },
    shared: {
      queue: all<MessageState>(ms, 'visible'),
      deliveries: all(ms, 0),
      effects: all(ms, 0),
      applied: [],
    },
    actions: [
      // The visibility timeout elapses before the delete: the message is visible again.
      action.each(
        'expire',
        () => ms,
        (s, m) => typeof s.queue[m] === 'number',
        (s, m) => ({ ...s, queue: put(s.queue, m, 'visible') }),
      ),
    ],
    // TLC's CONSTRAINT: behaviours that deliver a message more often are not explored.
    constraint: (s) => Object.values(s.deliveries).every((n) => n <= maxDeliveries),
    invariants,
    // Consumers are interchangeable: a state and its renamings are one state.
    symmetry: symmetricIds(consumer.ids),
    terminal: (s) =>
      Object.values(s.queue).every((m) => m === 'deleted') &&
      Object.values(consumer.all(s)).every((c) => c.held === null) &&
      Object.keys((s.down as object | undefined) ?? {}).length === 0,
  })
}
