/**
 * Failover on a heartbeat failure detector, as a model: a primary writes to a storage over the
 * network, a backup takes over when its timeout fires.
 *
 * The model has no clock. In an asynchronous system a timeout is a guess, and the guess can be
 * wrong at any moment: the primary may be slow, or behind a partition, rather than dead. So the
 * backup's `timeout` is enabled whenever it is a backup. Without fencing, the deposed primary's
 * write (made before it learns, or still on the wire) lands after the takeover. A perfect
 * detector, which only ever suspects a crashed node, does not save it either: a dead primary's
 * last write can still be in flight. With fencing the storage is the authority on epochs: a
 * takeover claims the next epoch there, and a write from an older epoch is refused.
 *
 * Built with `compose`: two crashable peers (crash-stop, one crash per behaviour) and the storage,
 * sharing a FIFO network of capacity 1 per link (one write in flight per node).
 */
import {
  type ChannelValue,
  type Component,
  type Composed,
  channel,
  component,
  compose,
  localAction,
  type Model,
} from '@musil/core'

/** The two nodes. n1 starts as the primary of epoch 1. */
export const NODES = ['n1', 'n2'] as const

/** One of them. */
export type NodeId = (typeof NODES)[number]

/** A peer's slice: its role, and the newest epoch it knows of. */
export interface PeerState {
  readonly role: 'primary' | 'backup'
  readonly epoch: number
}

/** What travels: writes to the storage, and its refusals. */
export type FailoverMsg =
  | { readonly type: 'write'; readonly epoch: number }
  | { readonly type: 'rejected'; readonly epoch: number }

/** The shared state: the network, the storage's epoch and a history variable. */
export interface FailoverShared {
  readonly net: ChannelValue<FailoverMsg>
  /** The storage's newest epoch (with fencing it hands them out; without, it stays 1). */
  readonly storageEpoch: number
  /** History: the node that took over last, the one whose writes should land. */
  readonly primary: NodeId
}

/** The storage's slice, a history variable: its last accepted write, and who was primary then. */
export interface StorageState {
  readonly lastWrite: { readonly by: string; readonly primary: NodeId } | null
}

/** A state of the composed model. */
export type FailoverState = Composed<FailoverShared>

/** Options of {@link failover}. */
export interface FailoverOptions {
  /** Take over through the storage's epochs and have the storage refuse older epochs. */
  readonly fencing: boolean
  /**
   * `timeout` (default): the backup may suspect the primary at any moment, as a timeout does in
   * an asynchronous system. `perfect`: only once the primary has crashed (Chandra and Toueg's
   * P, which no real system can build).
   */
  readonly detector?: 'timeout' | 'perfect'
  /** Epochs up to this are explored (default 3): the bound that keeps the model finite. */
  readonly maxEpoch?: number
}

/** The storage never accepts a write from a node after another has taken over. */
export const noDeposedWrite = (s: FailoverState): boolean => {
  const { lastWrite } = (s.storage as Record<string, StorageState>).storage!
  return lastWrite === null || lastWrite.by === lastWrite.primary
}

const other = (n: string): NodeId => (n === 'n1' ? 'n2' : 'n1')

/** The network: FIFO per link, one message in flight per link. */
export const failoverNet = channel<FailoverMsg>({ name: 'net', kind: 'fifo', capacity: 1 })

/**
 * The failover design, held to `noDeposedWrite`.
 *
 * @example
 * check(failover({ fencing: false })).violation?.trace.length   // 4: write, timeout, delivery
 * check(failover({ fencing: true })).ok                         // true
 */
export function failover({
  fencing,
  detector = 'timeout',
  maxEpoch = 3,
}: FailoverOptions): Model<FailoverState> {
  const peer: Component<PeerState, FailoverShared> = component<PeerState, FailoverShared>({
    name: 'peers',
    ids: NODES,
    init: (id) => ({ role: id === 'n1' ? 'primary' : 'backup', epoch: 1 }),
    actions: [
      // The primary sends a write, stamped with its epoch.
      localAction<PeerState, FailoverShared>(
        'write',
        (self, { id, state }) =>
          self.role === 'primary' && failoverNet.canSend(state.net, id, 'storage'),
        (self, ctx) => {
          ctx.send('net', 'storage', { type: 'write', epoch: self.epoch })
          return self
        },
      ),
      // The backup's timeout fires: it takes over.
      localAction<PeerState, FailoverShared>(
        'timeout',
        (self, { id, state }) =>
          self.role === 'backup' && (detector === 'timeout' || !peer.isUp(state, other(id))),
        (self, ctx) => {
          ctx.set('primary', ctx.id as NodeId)
          if (!fencing) return { role: 'primary', epoch: self.epoch + 1 } // its own next epoch
          // A compare-and-set at the storage: the next epoch is claimed there.
          const epoch = ctx.state.storageEpoch + 1
          ctx.set('storageEpoch', epoch)
          return { role: 'primary', epoch }
        },
      ),
      // It hears a heartbeat from a live primary with a newer epoch, and becomes its backup.
      localAction<PeerState, FailoverShared>(
        'hear',
        (self, { id, state }) => {
          const p = peer.of(state, other(id))
          return peer.isUp(state, other(id)) && p.role === 'primary' && p.epoch > self.epoch
        },
        (_self, ctx) => ({ role: 'backup', epoch: peer.of(ctx.state, other(ctx.id)).epoch }),
      ),
    ],
    // A refused write: someone else took over. Step down.
    receive: (_self, env) => ({ role: 'backup', epoch: env.msg.epoch }),
    crash: { maxCrashes: 1, restart: false },
  })
  const storage = component<StorageState, FailoverShared>({
    name: 'storage',
    ids: ['storage'],
    init: { lastWrite: null },
    // It takes a write when it could answer it (one message in flight per link).
    accepts: (_self, env, { state }) => failoverNet.canSend(state.net, 'storage', env.from),
    receive: (self, env, ctx) => {
      const { storageEpoch, primary } = ctx.state
      if (fencing && env.msg.epoch < storageEpoch) {
        ctx.send('net', env.from, { type: 'rejected', epoch: storageEpoch })
        return self
      }
      return { lastWrite: { by: env.from, primary } }
    },
  })
  return compose<FailoverShared>({
    name: `failover (${fencing ? 'fencing' : 'no fencing'}, ${detector} detector)`,
    components: [peer, storage],
    channels: { net: failoverNet },
    shared: { storageEpoch: 1, primary: 'n1' },
    invariants: { noDeposedWrite },
    constraint: (s) => NODES.every((n) => peer.of(s, n).epoch <= maxEpoch),
  })
}
