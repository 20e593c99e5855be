/**
 * A token ring: n nodes in a circle, each the instance of one component, and a lossy FIFO
 * channel carrying the token from each node to its successor. The node holding the token may
 * enter its critical section, then passes the token on.
 *
 * Three protocols:
 * - `plain`: pass the token and hope; a lost token is lost forever.
 * - `timeout`: node n0 (a unique initiator) makes a new token when it has not seen one for a
 *   while. A timeout cannot tell a lost token from a slow one, so a slow token gets a twin.
 * - `counter-flushing`: Dijkstra's K-state ring (EWD 426) over messages, Varghese's counter
 *   flushing. The token carries a counter. n0 holds it when its own counter comes back, then
 *   counts up and sends the new value; every other node holds it when the value it receives
 *   differs from the last one it saw, and forwards values it has seen. On a timeout n0 sends its
 *   current value *again*: a copy of the token, not a second one, since every node that has seen
 *   that value only forwards it.
 */
import {
  type ChannelValue,
  type Composed,
  channel,
  checkLiveness,
  component,
  compose,
  defineModel,
  type LivenessResult,
  localAction,
  type Model,
} from '@musil/core'

/** The protocols of the chapter. */
export type Protocol = 'plain' | 'timeout' | 'counter-flushing'

/** One node: whether it holds the token, and the last counter value it saw (counter flushing). */
export interface RingNode {
  readonly holding: boolean
  readonly value: number
}

/** What the nodes share: the ring of links, each carrying counter values (the token). */
export interface Links {
  readonly ring: ChannelValue<number>
}

/** The model's state: `node.n0`, `node.n1`, … and the links (and, with crashes, who is down). */
export type Ring = Composed<Links>

/** Options of {@link tokenRing}. */
export interface TokenRingOptions {
  /** Number of nodes (at least 2; default 3). */
  readonly nodes?: number
  /** The protocol (default `counter-flushing`). */
  readonly protocol?: Protocol
  /** Counter values are taken modulo `k` (counter flushing; default nodes + 1). */
  readonly k?: number
  /** n0's timeout fires only while fewer than this many messages are in flight (default 1). */
  readonly maxInFlight?: number
  /** The links may lose messages (default true). */
  readonly lossy?: boolean
  /** The links deliver in order (default true); `false` makes them an unordered bag. */
  readonly ordered?: boolean
  /** How many node crashes a run may have (default 0); a crash loses the token its node holds. */
  readonly crashes?: number
  /** Whether a node keeps its counter across a crash (default true: on disk). */
  readonly durableCounter?: boolean
}

/** The id of node `i`. */
export const nodeId = (i: number): string => `n${i}`

/** The nodes' slices in `s`, in ring order. */
export function nodesOf(s: Ring): RingNode[] {
  const nodes = s.node as Readonly<Record<string, RingNode>>
  return Object.keys(nodes)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((id) => nodes[id]!)
}

/** At most one node holds the token: the ring's mutual exclusion. */
export function oneHolder(s: Ring): boolean {
  return nodesOf(s).filter((n) => n.holding).length <= 1
}

/** Node `i` holds the token (the liveness goal, per node). */
export const holds =
  (i: number) =>
  (s: Ring): boolean =>
    (s.node as Readonly<Record<string, RingNode>>)[nodeId(i)]!.holding

/**
 * The token ring with `nodes` nodes running `protocol`, the token on its way to n0 at first. The
 * links may lose messages (`ring.lose`, never fair); with {@link ringFairness} delivery is
 * strongly fair, so a link that carries a message again and again delivers it again and again
 * (a fair-lossy link).
 */
export function tokenRing(options: TokenRingOptions = {}): Model<Ring> {
  const n = options.nodes ?? 3
  const protocol = options.protocol ?? 'counter-flushing'
  const k = options.k ?? n + 1
  const maxInFlight = options.maxInFlight ?? 1
  const lossy = options.lossy ?? true
  const crashes = options.crashes ?? 0
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`tokenRing: nodes must be at least 2, got ${n}`)
  const ids = Array.from({ length: n }, (_, i) => nodeId(i))
  const next = (id: string): string => nodeId((Number(id.slice(1)) + 1) % n)
  const counting = protocol === 'counter-flushing'
  const ring = channel<number>({
    name: 'ring',
    kind: options.ordered === false ? 'bag' : 'fifo',
    lossy,
    format: counting ? (v) => `token(${v})` : () => 'token',
  })
  const quietEnough = (s: Ring): boolean => ring.size(s.ring) < maxInFlight

  const actions = [
    localAction<RingNode, Links>(
      'pass',
      (self) => self.holding,
      (self, ctx) => {
        const value = counting && ctx.id === 'n0' ? (self.value + 1) % k : self.value
        ctx.send('ring', next(ctx.id), value)
        return { holding: false, value }
      },
    ),
  ]
  if (protocol === 'timeout') {
    // n0 has not seen the token for a while: it makes a new one.
    actions.push(
      localAction<RingNode, Links>(
        'regenerate',
        (self, view) => view.id === 'n0' && !self.holding && quietEnough(view.state),
        (self) => ({ ...self, holding: true }),
      ),
    )
  }
  if (counting) {
    // n0 has not seen its value come back for a while: it sends the same value again.
    actions.push(
      localAction<RingNode, Links>(
        'resend',
        (self, view) => view.id === 'n0' && !self.holding && quietEnough(view.state),
        (self, ctx) => {
          ctx.send('ring', next('n0'), self.value)
          return self
        },
      ),
    )
  }

  const node = component<RingNode, Links>({
    name: 'node',
    ids,
    init: { holding: false, value: 0 },
    actions,
    // A node in its critical section finishes before it reads its link.
    accepts: (self) => !self.holding,
    receive: (self, env, ctx) => {
      const v = env.msg
      if (!counting) return { ...self, holding: true }
      // n0 holds the token when its own value comes back; anything else is stale.
      if (ctx.id === 'n0') return v === self.value ? { ...self, holding: true } : self
      if (v !== self.value) return { holding: true, value: v }
      ctx.send('ring', next(ctx.id), v) // a value it has seen: a copy of the token, passed on
      return self
    },
    ...(crashes > 0 && {
      crash: { durable: options.durableCounter === false ? [] : ['value'], maxCrashes: crashes },
    }),
  })

  const composed = compose<Links>({
    name: `token-ring(${n}, ${protocol}${lossy ? ', lossy' : ''})`,
    components: [node],
    channels: { ring },
    invariants: { oneHolder },
  })
  // The ring starts with the token on its way to n0: nobody holds it, and a node that crashes
  // comes back holding nothing.
  const last = nodeId(n - 1)
  return defineModel<Ring>({
    ...composed,
    init: composed.init.map((s) => ({ ...s, ring: ring.send(s.ring, last, 'n0', 0) })),
  })
}

/**
 * The ring's fairness: delivery is strongly fair (a fair-lossy link: a message the link offers
 * again and again is delivered again and again), passing, n0's timeout and a crashed node's
 * restart are weakly fair, and losing a message or crashing is never owed.
 */
export function ringFairness(options: TokenRingOptions = {}) {
  const timeout = { plain: [], timeout: ['regenerate'], 'counter-flushing': ['resend'] }[
    options.protocol ?? 'counter-flushing'
  ]
  const restart = (options.crashes ?? 0) > 0 ? ['restart'] : []
  return { fair: ['pass', ...timeout, ...restart], strongFair: ['ring.deliver'] }
}

/** Whether every node holds the token again and again, node by node, under {@link ringFairness}. */
export function checkEveryNodeServed(options: TokenRingOptions = {}): LivenessResult<Ring>[] {
  const model = tokenRing(options)
  const n = options.nodes ?? 3
  return Array.from({ length: n }, (_, i) =>
    checkLiveness(model, {
      goal: holds(i),
      goalName: `${nodeId(i)} holds the token`,
      everywhere: true,
      ...ringFairness(options),
    }),
  )
}
