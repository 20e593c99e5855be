/**
 * Producers and consumers share a bounded buffer. A producer that first checks for room and
 * then, in a separate step, puts its item, races another producer: both see one free slot and
 * both put, overflowing the buffer. Checking and putting in one atomic step (under the buffer's
 * lock) is safe. Progress is a liveness question: a waiting consumer eventually gets an item only
 * if producers keep producing and the lock does not keep passing it over.
 */
import { action, defineModel, type Model } from '@musil/core'

/** What a producer is doing: idle, or holding the result of its "is there room?" check. */
export type ProducerPhase = 'idle' | 'sawRoom'
/** What a consumer is doing: idle, or waiting for an item. */
export type ConsumerPhase = 'idle' | 'waiting'

/** The buffer and its users. */
export interface Buffer {
  /** Items in the buffer. */
  readonly items: number
  readonly producers: readonly ProducerPhase[]
  readonly consumers: readonly ConsumerPhase[]
}

/**
 * How a producer puts an item:
 * - `check-then-act`: one step checks for room, a later step puts (the race);
 * - `atomic`: the check and the put are one step.
 */
export type PutStyle = 'check-then-act' | 'atomic'

/** Options of {@link producerConsumer}. */
export interface ProducerConsumerOptions {
  /** Buffer capacity (at least 1; default 2). */
  readonly capacity?: number
  /** Number of producers (at least 1; default 2). */
  readonly producers?: number
  /** Number of consumers (at least 1; default 2). */
  readonly consumers?: number
  /** How producers put (default `check-then-act`). */
  readonly put?: PutStyle
}

/** The buffer never holds more items than its capacity, nor fewer than none. */
export function withinCapacity(capacity: number): (s: Buffer) => boolean {
  return (s) => s.items >= 0 && s.items <= capacity
}

/** Liveness goal for consumer `i`: it is not waiting (checked with `everywhere`: it always gets an item). */
export function consumerServed(i: number): (s: Buffer) => boolean {
  return (s) => s.consumers[i] !== 'waiting'
}

const set = <T>(xs: readonly T[], i: number, x: T): T[] => xs.map((y, j) => (j === i ? x : y))

function requireCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`producerConsumer: ${name} must be an integer of at least 1, got ${v}`)
  }
}

/**
 * The bounded-buffer problem. Consumers take items atomically; producers put them in the chosen
 * style. Every process loops forever.
 *
 * @example
 * check(producerConsumer()).violation?.name                 // 'withinCapacity'
 * check(producerConsumer({ put: 'atomic' })).ok             // true
 */
export function producerConsumer({
  capacity = 2,
  producers = 2,
  consumers = 2,
  put = 'check-then-act',
}: ProducerConsumerOptions = {}): Model<Buffer> {
  requireCount('capacity', capacity)
  requireCount('producers', producers)
  requireCount('consumers', consumers)
  if (put !== 'check-then-act' && put !== 'atomic') {
    throw new RangeError(
      `producerConsumer: put must be 'check-then-act' or 'atomic', got ${JSON.stringify(put)}`,
    )
  }
  const ps = Array.from({ length: producers }, (_, i) => i)
  const cs = Array.from({ length: consumers }, (_, i) => i)
  const produce =
    put === 'atomic'
      ? [
          action.each<Buffer, number>(
            'put',
            () => ps,
            (s) => s.items < capacity,
            (s) => ({ ...s, items: s.items + 1 }),
          ),
        ]
      : [
          action.each<Buffer, number>(
            'checkRoom',
            () => ps,
            (s, i) => s.producers[i] === 'idle' && s.items < capacity,
            (s, i) => ({ ...s, producers: set(s.producers, i, 'sawRoom') }),
          ),
          // Acts on a check made earlier: another producer may have filled the slot since.
          action.each<Buffer, number>(
            'put',
            () => ps,
            (s, i) => s.producers[i] === 'sawRoom',
            (s, i) => ({ ...s, items: s.items + 1, producers: set(s.producers, i, 'idle') }),
          ),
        ]
  return defineModel<Buffer>({
    name: `producer-consumer(${capacity}, ${put})`,
    init: {
      items: 0,
      producers: ps.map((): ProducerPhase => 'idle'),
      consumers: cs.map((): ConsumerPhase => 'idle'),
    },
    actions: [
      ...produce,
      action.each<Buffer, number>(
        'want',
        () => cs,
        (s, i) => s.consumers[i] === 'idle',
        (s, i) => ({ ...s, consumers: set(s.consumers, i, 'waiting') }),
      ),
      action.each<Buffer, number>(
        'take',
        () => cs,
        (s, i) => s.consumers[i] === 'waiting' && s.items > 0,
        (s, i) => ({ ...s, items: s.items - 1, consumers: set(s.consumers, i, 'idle') }),
      ),
    ],
    invariants: { withinCapacity: withinCapacity(capacity) },
  })
}
