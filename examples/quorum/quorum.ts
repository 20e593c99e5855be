/**
 * Quorum replication as in Dynamo (DeCandia et al., SOSP 2007, section 4.5): a key lives on N
 * replicas; a write is acknowledged once W replicas have stored it, and a read returns the
 * newest version among the first R replies. The paper's rule of thumb, W + R > N, makes every
 * read quorum overlap every write quorum; this model shows it is exactly the condition for
 * read-after-write: a read that starts after a write was acknowledged returns that write.
 *
 * One client writes version 1 over version 0 and, once the write is acknowledged, reads. Every
 * message may be delivered in any order and may wait as long as the others need: the network
 * is an unordered bag without loss.
 */
import { action, defineModel, type Model } from '@musil/core'

/** What the client is doing. */
export type ClientPhase = 'writing' | 'written' | 'reading' | 'read'

/** A message of the protocol; `r` is the replica it goes to or comes from. */
export type QuorumMessage =
  | { readonly type: 'write'; readonly r: number }
  | { readonly type: 'writeAck'; readonly r: number }
  | { readonly type: 'read'; readonly r: number }
  | { readonly type: 'reply'; readonly r: number; readonly version: number }

/** The state: each replica's version, the messages in flight, and the client. */
export interface QuorumState {
  readonly replicas: readonly number[]
  readonly network: readonly QuorumMessage[]
  readonly phase: ClientPhase
  readonly acks: number
  readonly replies: readonly number[]
  /** What the read returned, once it has R replies. */
  readonly result: number | null
}

/** The three sizes of a Dynamo key: replicas, write quorum, read quorum. */
export interface QuorumConfig {
  readonly n: number
  readonly w: number
  readonly r: number
}

/** The version the client writes; the replicas start with version 0. */
export const WRITTEN = 1

/** Read-after-write: a read that started after the write was acknowledged returns it. */
export const readsLatestWrite = (s: QuorumState): boolean =>
  s.phase !== 'read' || s.result === WRITTEN

const key = (m: QuorumMessage): string => JSON.stringify(m)
/** The network as a bag: sorted, so that two orders of the same messages are one state. */
const bag = (ms: readonly QuorumMessage[]): QuorumMessage[] =>
  [...ms].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
const without = (ms: readonly QuorumMessage[], i: number): QuorumMessage[] =>
  ms.filter((_, j) => j !== i)
const indices = (s: QuorumState): number[] => s.network.map((_, i) => i)

/**
 * The protocol for one (N, W, R). The client has sent the write to all N replicas; every
 * message is delivered in any order.
 *
 * @example
 * check(quorum({ n: 3, w: 2, r: 1 })) // not ok: the read asks a replica the write has not reached
 */
export function quorum({ n, w, r }: QuorumConfig): Model<QuorumState> {
  if (![n, w, r].every(Number.isInteger) || n < 1 || w < 1 || r < 1 || w > n || r > n) {
    throw new RangeError(`quorum: need 1 <= W, R <= N, got N=${n}, W=${w}, R=${r}`)
  }
  const ids = Array.from({ length: n }, (_, i) => i)
  return defineModel<QuorumState>({
    name: `quorum(N=${n}, W=${w}, R=${r})`,
    init: {
      replicas: ids.map(() => 0),
      network: bag(ids.map((i) => ({ type: 'write', r: i }))),
      phase: 'writing',
      acks: 0,
      replies: [],
      result: null,
    },
    actions: [
      action.each<QuorumState, number>('deliver', indices, () => true, (s, i) => {
        const m = s.network[i]!
        const rest = without(s.network, i)
        switch (m.type) {
          case 'write':
            return {
              ...s,
              replicas: s.replicas.map((v, j) => (j === m.r ? Math.max(v, WRITTEN) : v)),
              network: bag([...rest, { type: 'writeAck', r: m.r }]),
            }
          case 'writeAck': {
            const acks = s.acks + 1
            const phase = s.phase === 'writing' && acks >= w ? 'written' : s.phase
            return { ...s, network: rest, acks, phase }
          }
          case 'read':
            return {
              ...s,
              network: bag([...rest, { type: 'reply', r: m.r, version: s.replicas[m.r]! }]),
            }
          case 'reply': {
            if (s.phase !== 'reading') return { ...s, network: rest }
            const replies = [...s.replies, m.version].sort()
            const done = replies.length === r
            return {
              ...s,
              network: rest,
              replies,
              phase: done ? 'read' : 'reading',
              result: done ? Math.max(...replies) : null,
            }
          }
        }
      }),
      action(
        'startRead',
        (s) => s.phase === 'written',
        (s) => ({
          ...s,
          phase: 'reading',
          network: bag([...s.network, ...ids.map((i) => ({ type: 'read' as const, r: i }))]),
        }),
      ),
    ],
    invariants: { readsLatestWrite },
    terminal: (s) => s.phase === 'read',
  })
}
