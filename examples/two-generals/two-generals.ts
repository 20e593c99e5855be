/**
 * The two generals (Akkoyunlu, Ekanadham and Huber, 1975; named by Gray, 1978). General A picks
 * a plan (attack or retreat) and sends it to general B by messenger across a valley where any
 * messenger may be captured: a lossy link. B follows the plan it receives and acks every order;
 * A re-sends the order, up to `retries` more times, until an ack comes back.
 *
 * Three properties are wanted:
 * - agreement (safety): if both generals decide, they decide the same;
 * - validity (safety): nobody attacks unless A planned to;
 * - termination (liveness): both generals eventually decide.
 *
 * No protocol over a lossy link has all three, for any bound on retries. This model shows the
 * two ways a bounded protocol fails: a general that gives up after its last retry decides
 * alone (agreement breaks), and a general that waits until it is sure may wait forever
 * (termination breaks).
 */
import { action, defineModel, type Model } from '@musil/core'

/** A's plan, and what a general decides. */
export type Plan = 'attack' | 'retreat'
/** A general's decision so far. */
export type Decision = Plan | 'undecided'

/** The whole battlefield. */
export interface Battlefield {
  /** What A wants (both plans are initial states). */
  readonly plan: Plan
  /** Orders A has sent (at most 1 + retries). */
  readonly sent: number
  readonly a: Decision
  readonly b: Decision
  /** Orders on their way from A to B (messengers carrying the plan). */
  readonly orders: number
  /** Acks on their way from B to A. */
  readonly acks: number
}

/** What A does when its last order goes unanswered. */
export type OnSilence =
  /** Give up at dawn: decide to retreat. */
  | 'retreat'
  /** Stay undecided until an ack arrives: never act without knowing B got the plan. */
  | 'wait'

/** Options of {@link twoGenerals}. */
export interface TwoGeneralsOptions {
  /** How many times A may re-send the order after the first (default 1). */
  readonly retries?: number
  /** What A does when its retries are spent and no ack came (default `wait`). */
  readonly onSilence?: OnSilence
  /** Whether messengers can be captured (default true). */
  readonly lossy?: boolean
}

/** Agreement: two generals that have both decided have decided the same. */
export function agreement(s: Battlefield): boolean {
  return s.a === 'undecided' || s.b === 'undecided' || s.a === s.b
}

/** Termination's goal: both generals have decided. */
export function bothDecided(s: Battlefield): boolean {
  return s.a !== 'undecided' && s.b !== 'undecided'
}

/**
 * The generals and their link. A bounded protocol: A sends at most `1 + retries` orders, so
 * every behaviour stops; a stopped state is terminal (not a deadlock), and termination asks
 * whether both generals have decided by then.
 */
export function twoGenerals({
  retries = 1,
  onSilence = 'wait',
  lossy = true,
}: TwoGeneralsOptions = {}): Model<Battlefield> {
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(`twoGenerals: retries must be an integer of at least 0, got ${retries}`)
  }
  if (onSilence !== 'retreat' && onSilence !== 'wait') {
    throw new RangeError(
      `twoGenerals: onSilence must be 'retreat' or 'wait', got ${JSON.stringify(onSilence)}`,
    )
  }
  const maxOrders = 1 + retries
  const start = (plan: Plan): Battlefield => ({
    plan,
    sent: 0,
    a: 'undecided',
    b: 'undecided',
    orders: 0,
    acks: 0,
  })
  return defineModel<Battlefield>({
    name: `two-generals(retries ${retries}, ${onSilence}${lossy ? '' : ', no loss'})`,
    init: [start('attack'), start('retreat')],
    actions: [
      // A sends (or re-sends) the order while it has not heard an ack.
      action(
        'sendOrder',
        (s) => s.a === 'undecided' && s.sent < maxOrders,
        (s) => ({ ...s, sent: s.sent + 1, orders: s.orders + 1 }),
      ),
      // B gets an order: it follows the plan and acks (every order, so a lost ack is re-sent).
      action(
        'deliverOrder',
        (s) => s.orders > 0,
        (s) => ({
          ...s,
          orders: s.orders - 1,
          b: s.b === 'undecided' ? s.plan : s.b,
          acks: s.acks + 1,
        }),
      ),
      // A gets an ack: B knows the plan, so A decides it too.
      action(
        'deliverAck',
        (s) => s.acks > 0,
        (s) => ({ ...s, acks: s.acks - 1, a: s.a === 'undecided' ? s.plan : s.a }),
      ),
      ...(lossy
        ? [
            action<Battlefield>(
              'loseOrder',
              (s) => s.orders > 0,
              (s) => ({ ...s, orders: s.orders - 1 }),
            ),
            action<Battlefield>(
              'loseAck',
              (s) => s.acks > 0,
              (s) => ({ ...s, acks: s.acks - 1 }),
            ),
          ]
        : []),
      ...(onSilence === 'retreat'
        ? [
            // Dawn: A's last order is out and no ack has come; A cannot wait any longer.
            action<Battlefield>(
              'giveUp',
              (s) => s.a === 'undecided' && s.sent === maxOrders,
              (s) => ({ ...s, a: 'retreat' }),
            ),
          ]
        : []),
    ],
    invariants: {
      agreement,
      validity: (s) => s.plan === 'attack' || (s.a !== 'attack' && s.b !== 'attack'),
    },
    // The protocol has stopped once A sends no more and no messenger is on the way.
    terminal: (s) => s.orders === 0 && s.acks === 0,
  })
}
