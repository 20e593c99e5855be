/**
 * A token ring: n nodes in a circle, each link a FIFO channel that may lose messages. The node
 * holding the token may enter its critical section, then passes the token to its successor.
 *
 * Three protocols:
 * - `plain`: pass the token and hope; a lost token is lost forever.
 * - `timeout`: node 0 (a unique initiator) makes a new token when it has not seen one for a
 *   while. A timeout cannot tell a lost token from a slow one, so a slow token gets a twin.
 * - `counter-flushing`: Dijkstra's K-state ring (EWD 426) over messages, Varghese's counter
 *   flushing. The token carries a counter. Node 0 holds it when its own counter comes back,
 *   then counts up and sends the new value; every other node holds it when the value it receives
 *   differs from the last one it saw, and forwards values it has seen. On a timeout node 0 sends
 *   its current value *again*: a copy of the token, not a second one, since every node that has
 *   seen that value only forwards it.
 */
import { action, checkLiveness, defineModel, type LivenessResult, type Model } from '@musil/core'

/** The protocols of the chapter. */
export type Protocol = 'plain' | 'timeout' | 'counter-flushing'

/** One node: whether it holds the token, and the last counter value it saw (counter flushing). */
export interface RingNode {
  readonly holding: boolean
  readonly value: number
}

/** The ring: the nodes, and the link from each node to its successor (oldest message first). */
export interface Ring {
  readonly nodes: readonly RingNode[]
  /** `links[i]` carries messages from node i to node (i + 1) mod n. */
  readonly links: readonly (readonly number[])[]
}

/** Options of {@link tokenRing}. */
export interface TokenRingOptions {
  /** Number of nodes (at least 2; default 3). */
  readonly nodes?: number
  /** The protocol (default `counter-flushing`). */
  readonly protocol?: Protocol
  /** Counter values are taken modulo `k` (counter flushing; default nodes + 1). */
  readonly k?: number
  /** Node 0's timeout fires only while fewer than this many messages are in flight (default 1). */
  readonly maxInFlight?: number
  /** The links may lose messages (default true). */
  readonly lossy?: boolean
}

const inFlight = (s: Ring): number => s.links.reduce((n, l) => n + l.length, 0)

/** At most one node holds the token: the ring's mutual exclusion. */
export function oneHolder(s: Ring): boolean {
  return s.nodes.filter((n) => n.holding).length <= 1
}

/** Node `i` holds the token (the liveness goal, per node). */
export const holds =
  (i: number) =>
  (s: Ring): boolean =>
    s.nodes[i]!.holding

const setNode = (nodes: readonly RingNode[], i: number, n: RingNode): RingNode[] =>
  nodes.map((x, j) => (j === i ? n : x))
const setLink = (
  links: readonly (readonly number[])[],
  i: number,
  l: readonly number[],
): (readonly number[])[] => links.map((x, j) => (j === i ? l : x))

/**
 * The token ring with `nodes` nodes running `protocol`. Node 0 holds the token initially. The
 * links lose messages (`lose`, never fair); delivery (`receive`) is strongly fair, so a link
 * that carries a message infinitely often delivers one infinitely often (a fair-lossy link).
 */
export function tokenRing(options: TokenRingOptions = {}): Model<Ring> {
  const n = options.nodes ?? 3
  const protocol = options.protocol ?? 'counter-flushing'
  const k = options.k ?? n + 1
  const maxInFlight = options.maxInFlight ?? 1
  const lossy = options.lossy ?? true
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`tokenRing: nodes must be at least 2, got ${n}`)
  const ids = Array.from({ length: n }, (_, i) => i)
  const from = (i: number): number => (i + n - 1) % n // the node whose link ends at i
  const send = (s: Ring, i: number, v: number): Ring => ({
    ...s,
    links: setLink(s.links, i, [...s.links[i]!, v]),
  })

  /** What node i does with value v arriving: take the token, forward it, or drop it. */
  const onArrival = (s: Ring, i: number, v: number): Ring => {
    const node = s.nodes[i]!
    if (protocol !== 'counter-flushing')
      return { ...s, nodes: setNode(s.nodes, i, { ...node, holding: true }) }
    if (i === 0) {
      // Node 0 holds the token when its own value comes back; anything else is stale.
      return v === node.value ? { ...s, nodes: setNode(s.nodes, 0, { ...node, holding: true }) } : s
    }
    if (v !== node.value) return { ...s, nodes: setNode(s.nodes, i, { holding: true, value: v }) }
    return send(s, i, v) // a value it has seen: a copy of the token, passed on
  }

  const actions = [
    action.each<Ring, number>(
      'pass',
      () => ids,
      (s, i) => s.nodes[i]!.holding,
      (s, i) => {
        const node = s.nodes[i]!
        const value = protocol === 'counter-flushing' && i === 0 ? (node.value + 1) % k : node.value
        return send({ ...s, nodes: setNode(s.nodes, i, { holding: false, value }) }, i, value)
      },
    ),
    action.each<Ring, number>(
      'receive',
      () => ids,
      // A node in its critical section finishes before it reads its link.
      (s, i) => s.links[from(i)]!.length > 0 && !s.nodes[i]!.holding,
      (s, i) => {
        const l = s.links[from(i)]!
        return onArrival({ ...s, links: setLink(s.links, from(i), l.slice(1)) }, i, l[0]!)
      },
    ),
  ]
  if (lossy) {
    actions.push(
      action.each<Ring, number>(
        'lose',
        () => ids,
        (s, i) => s.links[i]!.length > 0,
        (s, i) => ({ ...s, links: setLink(s.links, i, s.links[i]!.slice(1)) }),
      ),
    )
  }
  if (protocol === 'timeout') {
    // Node 0 has not seen the token for a while: it makes a new one.
    actions.push(
      action<Ring>(
        'regenerate',
        (s) => !s.nodes[0]!.holding && inFlight(s) < maxInFlight,
        (s) => ({ ...s, nodes: setNode(s.nodes, 0, { ...s.nodes[0]!, holding: true }) }),
      ),
    )
  }
  if (protocol === 'counter-flushing') {
    // Node 0 has not seen its value come back for a while: it sends the same value again.
    actions.push(
      action<Ring>(
        'resend',
        (s) => !s.nodes[0]!.holding && inFlight(s) < maxInFlight,
        (s) => send(s, 0, s.nodes[0]!.value),
      ),
    )
  }
  return defineModel<Ring>({
    name: `token-ring(${n}, ${protocol}${lossy ? ', lossy' : ''})`,
    init: {
      nodes: ids.map((i) => ({ holding: i === 0, value: 0 })),
      links: ids.map(() => []),
    },
    actions,
    invariants: { oneHolder },
  })
}

/**
 * The ring's fairness: delivery is strongly fair (a fair-lossy link: a link that carries
 * messages again and again delivers one again and again), passing and node 0's timeout are weakly
 * fair, and losing a message is never owed.
 */
export function ringFairness(protocol: Protocol) {
  const timeout = { plain: [], timeout: ['regenerate'], 'counter-flushing': ['resend'] }[protocol]
  return { fair: ['pass', ...timeout], strongFair: ['receive'] }
}

/** Whether every node holds the token again and again, node by node, under {@link ringFairness}. */
export function checkEveryNodeServed(options: TokenRingOptions = {}): LivenessResult<Ring>[] {
  const model = tokenRing(options)
  const n = options.nodes ?? 3
  return Array.from({ length: n }, (_, i) =>
    checkLiveness(model, {
      goal: holds(i),
      goalName: `node ${i} holds the token`,
      everywhere: true,
      ...ringFairness(options.protocol ?? 'counter-flushing'),
    }),
  )
}
