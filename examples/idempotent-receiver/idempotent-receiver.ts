/**
 * The idempotent receiver (Hohpe and Woolf, Enterprise Integration Patterns), as a model.
 *
 * A payment service sends charge messages over an at-least-once channel: any message may be
 * delivered twice (a redelivery after a lost ack, a producer retry, a visibility timeout). A
 * receiver that charges on every delivery charges twice. A receiver that remembers the ids it
 * has processed, and skips an id it has seen, makes a redelivery harmless. But nobody keeps
 * every id forever: a dedup window bounded in time (SQS FIFO keeps ids for 5 minutes) is safe
 * only if no redelivery can arrive later than the window. The model has a clock, ticks of it,
 * and a network that delivers every copy within `maxDelay` ticks of the send.
 */
import { action, defineModel, type Model } from '@musil/core'

/** A message on the wire: a charge, and when it was first sent. */
export interface Charge {
  readonly id: string
  readonly sentAt: number
}

/** The sender, the channel, the receiver's dedup table and the account. */
export interface ReceiverState {
  readonly now: number
  /** Payments not yet sent. */
  readonly unsent: readonly string[]
  /** Messages on the wire: a bag (sorted, so that two orders of one bag are one state). */
  readonly channel: readonly Charge[]
  /** Ids the network has already duplicated (each message is duplicated at most once). */
  readonly duplicated: readonly string[]
  /** The dedup table: id → when it was first processed. Entries older than the window are evicted. */
  readonly seen: Readonly<Record<string, number>>
  /** How many times each payment was charged. */
  readonly charged: Readonly<Record<string, number>>
}

/** Options of {@link idempotentReceiver}. */
export interface ReceiverOptions {
  /**
   * `naive`: charge on every delivery. A number: remember each id for that many ticks after
   * processing it, and skip a delivery whose id is remembered. `forever`: never forget.
   */
  readonly dedup: 'naive' | 'forever' | number
  /** Every copy of a message is delivered within this many ticks of its send (default 2). */
  readonly maxDelay?: number
  /** Payments (default 2). */
  readonly payments?: number
  /** The channel may deliver a message twice (default true); false: exactly once. */
  readonly duplicating?: boolean
}

/** Each payment is charged at most once, however often it is delivered. */
export const chargedOnce = (s: ReceiverState): boolean =>
  Object.values(s.charged).every((n) => n <= 1)

const byIdThenTime = (a: Charge, b: Charge): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : a.sentAt - b.sentAt
const bag = (xs: readonly Charge[]): Charge[] => [...xs].sort(byIdThenTime)
/** The distinct messages of a bag: two copies of one message are one choice of what to deliver. */
const distinct = (xs: readonly Charge[]): Charge[] =>
  xs.filter((m, i) => i === 0 || byIdThenTime(xs[i - 1]!, m) !== 0)

/**
 * The payment sender, an at-least-once channel and the receiver, held to `chargedOnce`.
 * Terminal: everything sent and delivered.
 *
 * @example
 * check(idempotentReceiver({ dedup: 'naive' })).violation?.name   // 'chargedOnce'
 * check(idempotentReceiver({ dedup: 2, maxDelay: 2 })).ok         // true: the window covers the delay
 * check(idempotentReceiver({ dedup: 1, maxDelay: 2 })).ok         // false: a late copy outlives the window
 */
export function idempotentReceiver({
  dedup,
  maxDelay = 2,
  payments = 2,
  duplicating = true,
}: ReceiverOptions): Model<ReceiverState> {
  const ids = Array.from({ length: payments }, (_, i) => `p${i + 1}`)
  // Time only matters while something can still happen: after the last send and maxDelay more
  // ticks every copy has been delivered.
  const horizon = maxDelay + 1
  const remembered = (s: ReceiverState, id: string): boolean =>
    dedup !== 'naive' && s.seen[id] !== undefined
  return defineModel<ReceiverState>({
    name: `idempotent receiver (dedup ${dedup}, max delay ${maxDelay})`,
    init: {
      now: 0,
      unsent: ids,
      channel: [],
      duplicated: [],
      seen: {},
      charged: Object.fromEntries(ids.map((id) => [id, 0])),
    },
    actions: [
      action.each(
        'send',
        (s) => s.unsent,
        () => true,
        (s, id) => ({
          ...s,
          unsent: s.unsent.filter((x) => x !== id),
          channel: bag([...s.channel, { id, sentAt: s.now }]),
        }),
      ),
      // At-least-once: the network (or a retrying sender) puts a second copy on the wire.
      action.each(
        'duplicate',
        (s) => distinct(s.channel),
        (s, m) => duplicating && !s.duplicated.includes(m.id),
        (s, m) => ({
          ...s,
          channel: bag([...s.channel, m]),
          duplicated: [...s.duplicated, m.id].sort(),
        }),
      ),
      action.each(
        'deliver',
        (s) => distinct(s.channel),
        () => true,
        (s, m) => {
          const i = s.channel.findIndex((c) => c.id === m.id && c.sentAt === m.sentAt)
          const channel = s.channel.filter((_, j) => j !== i)
          if (remembered(s, m.id)) return { ...s, channel }
          return {
            ...s,
            channel,
            charged: { ...s.charged, [m.id]: s.charged[m.id]! + 1 },
            seen: dedup === 'naive' ? s.seen : { ...s.seen, [m.id]: s.now },
          }
        },
      ),
      // Time passes, but never past a message's delivery deadline; the table forgets old ids.
      action(
        'tick',
        (s) => s.now < horizon && s.channel.every((m) => s.now + 1 - m.sentAt <= maxDelay),
        (s) => {
          const now = s.now + 1
          const seen =
            typeof dedup === 'number'
              ? Object.fromEntries(Object.entries(s.seen).filter(([, at]) => now - at <= dedup))
              : s.seen
          return { ...s, now, seen }
        },
      ),
    ],
    invariants: { chargedOnce },
    terminal: (s) => s.unsent.length === 0 && s.channel.length === 0,
  })
}
