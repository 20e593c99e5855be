/**
 * Reconciliation under loss: a control plane pushes a route-table version to an agent over a
 * lossy link; the agent applies last-writer-wins and acks. Safety: the agent never applies a
 * version nobody intended. Liveness: the agent always catches up.
 *
 * The design is a two-field model; the implementation is two real event-driven nodes, simulated
 * over many seeds and held to the model by refinement.
 */
import {
  action,
  BaseNode,
  type Context,
  defineModel,
  type Model,
  NetworkModel,
  type SimReport,
  simulate,
} from '@musil/core'

/** The design's state: the version the control plane wants, the version the agent applied. */
export interface Routes {
  readonly desired: number
  readonly applied: number
}

/** The design: one step, the pushed version arrives and is applied. */
export function routesModel(): Model<Routes> {
  return defineModel<Routes>({
    name: 'route-delivery',
    init: { desired: 1, applied: 0 },
    actions: [
      action(
        'deliver',
        (s) => s.applied < s.desired,
        (s) => ({ desired: s.desired, applied: s.desired }),
      ),
    ],
    invariants: { noStaleOrInvented: (s) => s.applied <= s.desired },
    terminal: (s) => s.applied === s.desired,
  })
}

/**
 * Pushes the desired version to the agent. With `repush` it re-sends every `period` ms until
 * the agent acks; without it (fire-and-forget) the first push is all the agent ever gets.
 */
export class ControlPlane extends BaseNode {
  desired = 1
  acked = false
  readonly repush: boolean
  readonly period: number

  constructor(options: { repush: boolean; period?: number }) {
    super()
    this.repush = options.repush
    this.period = options.period ?? 2
  }

  override onStart(ctx: Context): void {
    ctx.send('agent', this.desired)
    if (this.repush) ctx.setTimer('push', this.period)
  }

  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    if (payload === 'ack') this.acked = true
  }

  override onTimer(ctx: Context): void {
    if (this.repush && !this.acked) {
      ctx.send('agent', this.desired)
      ctx.setTimer('push', this.period)
    }
  }
}

/** Applies the newest version it has seen (last-writer-wins) and acks every push. */
export class Agent extends BaseNode {
  applied = 0

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (typeof payload !== 'number')
      throw new TypeError(`agent expects a version number, got ${String(payload)}`)
    this.applied = Math.max(this.applied, payload)
    ctx.send(src, 'ack')
  }
}

/** The two nodes of the world. */
export type RouteNodes = { readonly cp: ControlPlane; readonly agent: Agent }

/** Builds a fresh world (called once per seed). */
export function routeNodes(repush: boolean): () => RouteNodes {
  return () => ({ cp: new ControlPlane({ repush }), agent: new Agent() })
}

/** What the checks see: the two versions, as a plain value. */
export function routeSnapshot(nodes: RouteNodes): Routes {
  return { desired: nodes.cp.desired, applied: nodes.agent.applied }
}

/** A link that drops 30% of messages and reorders the rest (latency 1-3 ms). */
export const lossyLink: NetworkModel = new NetworkModel({ loss: 0.3, minLatency: 1, maxLatency: 3 })

/** The convergence goal. */
export const caughtUp = (w: Routes): boolean => w.applied === w.desired

/** Simulates fire-and-forget or re-push over `seeds`, held to the model and the goal. */
export function simulateRouteDelivery(
  repush: boolean,
  seeds: number | Iterable<number> = 300,
): SimReport<Routes> {
  return simulate(routeNodes(repush), {
    seeds,
    snapshot: routeSnapshot,
    network: lossyLink,
    invariants: { noStaleOrInvented: (w) => w.applied <= w.desired },
    model: routesModel(),
    abstraction: (w) => w,
    goal: caughtUp,
    goalName: 'applied==desired',
  })
}
