/**
 * The two generals (Akkoyunlu, Ekanadham and Huber, 1975; named by Gray, 1978). General A picks
 * a plan (attack or retreat) and sends it to general B by messenger across a valley where any
 * messenger may be captured: a lossy channel. B follows the plan it receives and acks every
 * order; A re-sends the order, up to `retries` more times, until an ack comes back.
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
import {
  type ChannelValue,
  type Composed,
  channel,
  component,
  compose,
  localAction,
  type Model,
} from '@musil/core'

/** A's plan, and what a general decides. */
export type Plan = 'attack' | 'retreat'
/** A general's decision so far. */
export type Decision = Plan | 'undecided'

/** What the messengers carry. */
export type Messenger = { readonly type: 'order'; readonly plan: Plan } | { readonly type: 'ack' }

/** What the generals share: the valley the messengers cross. */
export type Valley = { readonly net: ChannelValue<Messenger> }

/** General A: its plan (none yet at first), the orders it has sent, its decision. */
export interface Commander {
  readonly plan: Plan | null
  readonly sent: number
  readonly decision: Decision
}

/** General B: its decision. */
export interface Lieutenant {
  readonly decision: Decision
}

/** The battlefield: `s.commander.A`, `s.lieutenant.B` and the messengers in `s.net`. */
export type Battlefield = Composed<Valley>

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

/** General A's slice of a state. */
export const commanderOf = (s: Battlefield): Commander =>
  (s.commander as Readonly<Record<string, Commander>>).A!

/** General B's slice of a state. */
export const lieutenantOf = (s: Battlefield): Lieutenant =>
  (s.lieutenant as Readonly<Record<string, Lieutenant>>).B!

/** Agreement: two generals that have both decided have decided the same. */
export function agreement(s: Battlefield): boolean {
  const a = commanderOf(s).decision
  const b = lieutenantOf(s).decision
  return a === 'undecided' || b === 'undecided' || a === b
}

/** Validity: nobody attacks unless A planned to. */
export function validity(s: Battlefield): boolean {
  const a = commanderOf(s)
  return a.plan === 'attack' || (a.decision !== 'attack' && lieutenantOf(s).decision !== 'attack')
}

/** Termination's goal: both generals have decided. */
export function bothDecided(s: Battlefield): boolean {
  return commanderOf(s).decision !== 'undecided' && lieutenantOf(s).decision !== 'undecided'
}

/**
 * The generals and the valley. A bounded protocol: A sends at most `1 + retries` orders, so
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
  const net = channel<Messenger>({ name: 'net', lossy })
  const commander = component<Commander, Valley>({
    name: 'commander',
    ids: ['A'],
    init: { plan: null, sent: 0, decision: 'undecided' },
    actions: [
      // A makes up its mind: attack or retreat.
      localAction.each<Commander, Valley, Plan>(
        'choose',
        () => ['attack', 'retreat'],
        (self) => self.plan === null,
        (self, _, plan) => ({ ...self, plan }),
      ),
      // A sends (or re-sends) the order while it has not heard an ack.
      localAction<Commander, Valley>(
        'sendOrder',
        (self) => self.plan !== null && self.decision === 'undecided' && self.sent < maxOrders,
        (self, ctx) => {
          ctx.send('net', 'B', { type: 'order', plan: self.plan! })
          return { ...self, sent: self.sent + 1 }
        },
      ),
      ...(onSilence === 'retreat'
        ? [
            // Dawn: A's last order is out and no ack has come; A cannot wait any longer.
            localAction<Commander, Valley>(
              'giveUp',
              (self) => self.decision === 'undecided' && self.sent === maxOrders,
              (self) => ({ ...self, decision: 'retreat' }),
            ),
          ]
        : []),
    ],
    // An ack: B knows the plan, so A decides it too.
    receive: (self) => (self.decision === 'undecided' ? { ...self, decision: self.plan! } : self),
  })
  const lieutenant = component<Lieutenant, Valley>({
    name: 'lieutenant',
    ids: ['B'],
    init: { decision: 'undecided' },
    // An order: B follows the plan and acks (every order, so a lost ack is sent again).
    receive: (self, { msg }, ctx) => {
      ctx.send('net', 'A', { type: 'ack' })
      return self.decision === 'undecided' && msg.type === 'order' ? { decision: msg.plan } : self
    },
  })
  return compose<Valley>({
    name: `two-generals(retries ${retries}, ${onSilence}${lossy ? '' : ', no loss'})`,
    components: [commander, lieutenant],
    channels: { net },
    invariants: { agreement, validity },
    // The protocol has stopped once A sends no more and no messenger is on the way.
    terminal: (s) => net.size(s.net) === 0,
  })
}
