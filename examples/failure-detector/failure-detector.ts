/**
 * Failover on a heartbeat failure detector, as a model: a primary writes to a storage, a backup
 * takes over when its timeout fires.
 *
 * The model has no clock. In an asynchronous system a timeout is a guess, and the guess can be
 * wrong at any moment: the primary may be slow, or behind a partition, rather than dead. So the
 * backup's `timeout` is enabled whenever it is a backup. Without fencing, the deposed primary's
 * write (made before it learns, or still on the wire) lands after the takeover. A perfect
 * detector, which only ever suspects a crashed node, does not save it either: a dead primary's
 * last write can still be in flight. With fencing the storage is the authority on epochs: a
 * takeover claims the next epoch there, and a write from an older epoch is refused.
 */
import { action, defineModel, type Model } from '@musil/core'

/** The two nodes. n1 starts as the primary of epoch 1. */
export const NODES = ['n1', 'n2'] as const

/** One of them. */
export type NodeId = (typeof NODES)[number]

/** A node: its role, and the newest epoch it knows of. */
export interface PeerState {
  readonly role: 'primary' | 'backup' | 'crashed'
  readonly epoch: number
}

/** The nodes, the storage and the writes on the wire. */
export interface FailoverState {
  readonly nodes: Readonly<Record<NodeId, PeerState>>
  /** The storage's newest epoch (with fencing, it hands them out; without, it stays 1). */
  readonly storageEpoch: number
  /** A write on its way to the storage, with its writer's epoch (at most one per node). */
  readonly inFlight: Readonly<Record<NodeId, number | null>>
  /** History: the node that took over last, the one whose writes should land. */
  readonly primary: NodeId
  /** History: the write the storage accepted last, and who was primary when it did. */
  readonly lastWrite: { readonly by: NodeId; readonly primary: NodeId } | null
}

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
export const noDeposedWrite = (s: FailoverState): boolean =>
  s.lastWrite === null || s.lastWrite.by === s.lastWrite.primary

const other = (n: NodeId): NodeId => (n === 'n1' ? 'n2' : 'n1')
const withNode = (s: FailoverState, n: NodeId, p: PeerState): FailoverState['nodes'] => ({
  ...s.nodes,
  [n]: p,
})
const withWrite = (s: FailoverState, n: NodeId, w: number | null): FailoverState['inFlight'] => ({
  ...s.inFlight,
  [n]: w,
})

/**
 * The failover design, held to `noDeposedWrite`.
 *
 * @example
 * check(failover({ fencing: false })).violation?.trace.length   // 4: write, timeout, accept
 * check(failover({ fencing: true })).ok                         // true
 */
export function failover({
  fencing,
  detector = 'timeout',
  maxEpoch = 3,
}: FailoverOptions): Model<FailoverState> {
  return defineModel<FailoverState>({
    name: `failover (${fencing ? 'fencing' : 'no fencing'}, ${detector} detector)`,
    init: {
      nodes: { n1: { role: 'primary', epoch: 1 }, n2: { role: 'backup', epoch: 1 } },
      storageEpoch: 1,
      inFlight: { n1: null, n2: null },
      primary: 'n1',
      lastWrite: null,
    },
    actions: [
      // The primary sends a write, stamped with its epoch.
      action.each(
        'write',
        () => NODES,
        (s, n) => s.nodes[n].role === 'primary' && s.inFlight[n] === null,
        (s, n) => ({ ...s, inFlight: withWrite(s, n, s.nodes[n].epoch) }),
      ),
      // The write reaches the storage (even from a node that has crashed since it sent it).
      action.each(
        'arrive',
        () => NODES,
        (s, n) => s.inFlight[n] !== null,
        (s, n) => {
          const epoch = s.inFlight[n]!
          if (fencing && epoch < s.storageEpoch) {
            // Refused: the writer learns it was deposed and steps down.
            const me = s.nodes[n]
            const nodes =
              me.role === 'crashed'
                ? s.nodes
                : withNode(s, n, { role: 'backup', epoch: s.storageEpoch })
            return { ...s, nodes, inFlight: withWrite(s, n, null) }
          }
          return { ...s, inFlight: withWrite(s, n, null), lastWrite: { by: n, primary: s.primary } }
        },
      ),
      // The backup's timeout fires: it takes over.
      action.each(
        'timeout',
        () => NODES,
        (s, n) =>
          s.nodes[n].role === 'backup' &&
          (detector === 'timeout' || s.nodes[other(n)].role === 'crashed'),
        (s, n) => {
          // Without fencing the node picks its own next epoch; with it, the storage does.
          const epoch = (fencing ? s.storageEpoch : s.nodes[n].epoch) + 1
          return {
            ...s,
            nodes: withNode(s, n, { role: 'primary', epoch }),
            storageEpoch: fencing ? epoch : s.storageEpoch,
            primary: n,
          }
        },
      ),
      // A heartbeat from a primary with a newer epoch makes the other node a backup.
      action.each(
        'heartbeat',
        () => NODES,
        (s, n) => {
          const [me, peer] = [s.nodes[n], s.nodes[other(n)]]
          return me.role === 'primary' && peer.role !== 'crashed' && me.epoch > peer.epoch
        },
        (s, n) => ({
          ...s,
          nodes: withNode(s, other(n), { role: 'backup', epoch: s.nodes[n].epoch }),
        }),
      ),
      // The primary crashes (once: the other node stays up).
      action.each(
        'crash',
        () => NODES,
        (s, n) => s.nodes[n].role === 'primary' && s.nodes[other(n)].role !== 'crashed',
        (s, n) => ({ ...s, nodes: withNode(s, n, { ...s.nodes[n], role: 'crashed' }) }),
      ),
    ],
    invariants: { noDeposedWrite },
    constraint: (s) => s.nodes.n1.epoch <= maxEpoch && s.nodes.n2.epoch <= maxEpoch,
  })
}
