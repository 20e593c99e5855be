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
 */
import { action, defineModel, type Model } from '@musil/core'

/** A message on the queue: visible, deleted, or in flight under a receipt handle (a number). */
export type MessageState = 'visible' | 'deleted' | number

/** A message a consumer holds, with the receipt handle it got, and whether its work is done. */
export interface Held {
  readonly m: string
  readonly receipt: number
  /** `working` until the effect is applied, then `deleting`. */
  readonly phase: 'working' | 'deleting'
}

/** The queue, its consumers, and the effects they applied, keyed by message and consumer. */
export interface QueueState {
  readonly queue: Readonly<Record<string, MessageState>>
  readonly consumers: Readonly<Record<string, Held | 'idle'>>
  /** How many times each message was handed to a consumer. */
  readonly deliveries: Readonly<Record<string, number>>
  /** How many times each message's effect was applied. */
  readonly effects: Readonly<Record<string, number>>
  /** The dedup table: ids whose effect the database has applied (used by `idempotent`). */
  readonly applied: readonly string[]
}

/** Options of {@link visibilityTimeout}. */
export interface VisibilityTimeoutOptions {
  /** Messages on the queue (default 2). */
  readonly messages?: number
  /** Consumers (default 2). */
  readonly consumers?: number
  /**
   * The bound that keeps the model finite: a message's timeout elapses (or its consumer
   * crashes) only while it has been delivered fewer times than this (default 3).
   */
  readonly maxDeliveries?: number
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

/**
 * The queue and its consumers, held to `effectAtMostOnce` and `exactlyOnceWhenDrained`.
 * Terminal: every message deleted and every consumer idle.
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
    maxDeliveries = 3,
    processing = 'naive',
  }: VisibilityTimeoutOptions,
  invariants: Record<string, (s: QueueState) => boolean>,
): Model<QueueState> {
  const ms = names('m', messages)
  const cs = names('c', consumers)
  const canExpire = (s: QueueState, m: string): boolean => s.deliveries[m]! < maxDeliveries
  const held = (s: QueueState, c: string, phase: Held['phase']): Held | undefined => {
    const h = s.consumers[c]
    return h !== 'idle' && h?.phase === phase ? h : undefined
  }
  return defineModel<QueueState>({
    name: `visibility-timeout (${processing})`,
    init: {
      queue: all<MessageState>(ms, 'visible'),
      consumers: all<Held | 'idle'>(cs, 'idle'),
      deliveries: all(ms, 0),
      effects: all(ms, 0),
      applied: [],
    },
    actions: [
      // ReceiveMessage: the message hides under a fresh receipt handle.
      action.each(
        'receive',
        () => cs.flatMap((c) => ms.map((m) => [c, m] as const)),
        (s, [c, m]) => s.consumers[c] === 'idle' && s.queue[m] === 'visible',
        (s, [c, m]) => {
          const receipt = s.deliveries[m]! + 1
          return {
            ...s,
            queue: put(s.queue, m, receipt),
            consumers: put(s.consumers, c, { m, receipt, phase: 'working' }),
            deliveries: put(s.deliveries, m, receipt),
          }
        },
      ),
      // The work is done: the effect lands in the database.
      action.each(
        'process',
        () => cs,
        (s, c) => held(s, c, 'working') !== undefined,
        (s, c) => {
          const h = held(s, c, 'working')!
          const skip = processing === 'idempotent' && s.applied.includes(h.m)
          return {
            ...s,
            consumers: put(s.consumers, c, { ...h, phase: 'deleting' }),
            effects: skip ? s.effects : put(s.effects, h.m, s.effects[h.m]! + 1),
            applied: processing === 'naive' || skip ? s.applied : [...s.applied, h.m].sort(),
          }
        },
      ),
      // DeleteMessage with the receipt handle: only the newest handle deletes.
      action.each(
        'delete',
        () => cs,
        (s, c) => held(s, c, 'deleting') !== undefined,
        (s, c) => {
          const h = held(s, c, 'deleting')!
          const current = s.queue[h.m] === h.receipt
          return {
            ...s,
            queue: current ? put(s.queue, h.m, 'deleted') : s.queue,
            consumers: put(s.consumers, c, 'idle'),
          }
        },
      ),
      // The visibility timeout elapses before the delete: the message is visible again.
      action.each(
        'expire',
        () => ms,
        (s, m) => typeof s.queue[m] === 'number' && canExpire(s, m),
        (s, m) => ({ ...s, queue: put(s.queue, m, 'visible') }),
      ),
      // A consumer dies holding a message: only the timeout will bring the message back.
      action.each(
        'crash',
        () => cs,
        (s, c) => {
          const h = s.consumers[c]!
          return h !== 'idle' && canExpire(s, h.m)
        },
        (s, c) => ({ ...s, consumers: put(s.consumers, c, 'idle') }),
      ),
    ],
    invariants,
    terminal: (s) =>
      Object.values(s.queue).every((m) => m === 'deleted') &&
      Object.values(s.consumers).every((c) => c === 'idle'),
  })
}
