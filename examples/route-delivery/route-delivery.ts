/**
 * Route delivery, the design behind musil's guide: a control plane wants route version
 * `desired` applied at an agent; the agent applies what it receives (last writer wins). Safety:
 * the agent never applies a version that was not intended. Liveness: the agent always
 * eventually catches up.
 *
 * Two models. The design is two numbers and one action: delivery. It converges only if delivery
 * is assumed fair: without that assumption the behaviour that never delivers is allowed, and
 * musil answers with a stuttering lasso. The link model spells the assumption out: messages on
 * a lossy wire (a channel), a control plane that pushes once (fire-and-forget) or re-pushes until
 * the agent has caught up. It refines the design, and with re-push it converges on a fair-lossy
 * link.
 */
import { action, type ChannelValue, channel, defineModel, type Model } from '@musil/core'

/** The design's state: the intended version and the one the agent applied. */
export interface Route {
  readonly desired: number
  readonly applied: number
}

/** Options of {@link routeDeliveryDesign}. */
export interface DesignOptions {
  /** How many versions the control plane publishes (at least 1; default 1, as in the guide). */
  readonly versions?: number
}

/** The agent never applies a version the control plane did not intend. */
export function noStaleOrInvented(s: Route): boolean {
  return s.applied >= 0 && s.applied <= s.desired
}

/** The convergence goal: the agent has applied the intended version. */
export function converged(s: Route): boolean {
  return s.applied === s.desired
}

/**
 * The design: `deliver` brings the agent up to date; with `versions > 1`, `publish` bumps the
 * intended version meanwhile.
 *
 * @example
 * checkLiveness(routeDeliveryDesign(), { goal: converged, everywhere: true, fair: ['deliver'] }).ok // true
 */
export function routeDeliveryDesign({ versions = 1 }: DesignOptions = {}): Model<Route> {
  if (!Number.isInteger(versions) || versions < 1) {
    throw new RangeError(
      `routeDeliveryDesign: versions must be an integer of at least 1, got ${versions}`,
    )
  }
  return defineModel<Route>({
    name: versions === 1 ? 'route-delivery' : `route-delivery(${versions} versions)`,
    init: { desired: 1, applied: 0 },
    actions: [
      action<Route>(
        'deliver',
        (s) => s.applied < s.desired,
        (s) => ({ ...s, applied: s.desired }),
      ),
      ...(versions > 1
        ? [
            action<Route>(
              'publish',
              (s) => s.desired < versions,
              (s) => ({ ...s, desired: s.desired + 1 }),
            ),
          ]
        : []),
    ],
    invariants: { noStaleOrInvented },
    terminal: converged,
  })
}

/** The link model's state: the design's two numbers plus the wire. */
export interface Link extends Route {
  /** Copies of the pushed version on their way from the control plane to the agent. */
  readonly wire: ChannelValue<number>
  /** Whether the control plane has pushed at least once. */
  readonly sent: boolean
}

/**
 * How the control plane pushes:
 * - `fire-and-forget`: once;
 * - `repush`: again and again until the agent has caught up (standing for "until acked").
 */
export type PushPolicy = 'fire-and-forget' | 'repush'

/** Options of {@link routeDeliveryLink}. */
export interface LinkOptions {
  /** The push policy (default `repush`). */
  readonly push?: PushPolicy
  /** How many copies the wire holds at once (at least 1; default 1). */
  readonly slots?: number
}

/**
 * The design over a lossy wire: `push` puts a copy of the desired version on the wire, a lossy
 * channel holding at most `slots` copies, whose generated actions lose a copy (`lose cp → agent
 * version 1`) or hand one to the agent, which applies it (`cp → agent version 1`).
 */
export function routeDeliveryLink({ push = 'repush', slots = 1 }: LinkOptions = {}): Model<Link> {
  if (push !== 'fire-and-forget' && push !== 'repush') {
    throw new RangeError(
      `routeDeliveryLink: push must be 'fire-and-forget' or 'repush', got ${JSON.stringify(push)}`,
    )
  }
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`routeDeliveryLink: slots must be an integer of at least 1, got ${slots}`)
  }
  const wire = channel<number>({ lossy: true, capacity: slots, format: (v) => `version ${v}` })
  const mayPush = push === 'repush' ? (s: Link) => s.applied < s.desired : (s: Link) => !s.sent
  return defineModel<Link>({
    name: `route-delivery-link(${push})`,
    init: { desired: 1, applied: 0, wire: wire.empty(), sent: false },
    actions: [
      action<Link>(
        'push',
        (s) => mayPush(s) && wire.canSend(s.wire, 'cp', 'agent'),
        (s) => ({ ...s, wire: wire.send(s.wire, 'cp', 'agent', s.desired), sent: true }),
      ),
      ...wire.actions<Link>({
        at: 'wire',
        deliver: (s, { msg }) => ({ ...s, applied: Math.max(s.applied, msg) }),
      }),
    ],
    invariants: { noStaleOrInvented },
    terminal: (s) => converged(s) && wire.size(s.wire) === 0,
  })
}

/** What the design sees of the link model. */
export function designView(s: Link): Route {
  return { desired: s.desired, applied: s.applied }
}

/**
 * A fair-lossy link: the control plane keeps pushing (weak fairness), and a copy sent again and
 * again is eventually delivered (strong fairness of `deliver`: it cannot be enabled infinitely
 * often and never happen).
 */
export const fairLossyLink = { fair: ['push'], strongFair: ['deliver'] } as const
