/**
 * Any state-based data type of `crdts.ts`, replicated: each replica makes a few updates, and
 * after each one sends its whole state to every other replica; states arrive in any order and
 * are merged on arrival. The model checker tries every interleaving of updates and deliveries.
 *
 * Strong eventual consistency (Shapiro et al., 2011) is an invariant over all of
 * them: two replicas that have received the same set of updates hold equal values. To state it,
 * each replica carries a ghost: the tags of the updates it has received (its own and those in
 * the states merged into it). The expectation of a data type (the counter counts every increment
 * it has seen; in a set, an add that no remove has seen wins) is another invariant, over a ghost
 * log of the updates made.
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
import type { StateCrdt } from './crdts.ts'

/** One replica: its state, the tags of the updates it has received (a ghost), how many it made. */
export interface Replica<S> {
  readonly state: S
  readonly seen: readonly string[]
  readonly made: number
}

/** A replica's whole state on its way to another replica, with the ghost of what it carries. */
export interface StateMessage<S> {
  readonly state: S
  readonly seen: readonly string[]
}

/** An update as the ghost log records it: what it added or removed, and which adds a remove saw. */
export interface LoggedUpdate {
  readonly tag: string
  readonly adds?: string
  readonly removes?: string
  /** For a remove: the tags of the adds of its element that its replica had received. */
  readonly observed?: readonly string[]
}

/** What the replicas share: the network, and the ghost log of every update made. */
export interface Shared<S> {
  readonly net: ChannelValue<StateMessage<S>>
  readonly log: readonly LoggedUpdate[]
}

/** The state of the replicated system: `s.replica[id]` for each replica, and the shared fields. */
export type Replicated<S> = Composed<Shared<S>>

/** What a data type should show a replica that has received `updates`. */
export interface Expectation<V> {
  readonly name: string
  readonly value: (updates: readonly LoggedUpdate[]) => V
}

/** Sizes of the replicated system. */
export interface ReplicationOptions<V> {
  /** Replicas (default 2). */
  readonly replicas?: number
  /** Updates each replica makes at most (default 2). */
  readonly updates?: number
  /** The data type's expectation, checked at every replica in every state. */
  readonly expect?: Expectation<V>
  /**
   * The network may also deliver a state twice (a duplicating channel, with room for one copy
   * more than the updates ever send). Default false.
   */
  readonly duplicating?: boolean
}

/** A counter counts every increment it has received exactly once. */
export const countsEveryIncrement: Expectation<number> = {
  name: 'countsEveryIncrement',
  value: (updates) => updates.length,
}

/**
 * Add wins: an element is in the set when some add of it has been received that no received
 * remove had seen (the OR-set's concurrent specification).
 */
export const addWins: Expectation<readonly string[]> = {
  name: 'addWins',
  value: (updates) => {
    const cancelled = new Set(updates.flatMap((u) => u.observed ?? []))
    const present = updates.filter((u) => u.adds !== undefined && !cancelled.has(u.tag))
    return [...new Set(present.map((u) => u.adds!))].sort()
  },
}

const union = (a: readonly string[], b: readonly string[]): string[] =>
  [...new Set([...a, ...b])].sort()
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Replica ids: `r1`, `r2`, ... */
export const replicaIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `r${i + 1}`)

/**
 * Strong eventual consistency: replicas that have received the same set of updates have equal
 * values.
 */
export function convergent<S, V>(crdt: StateCrdt<S, V>): (s: Replicated<S>) => boolean {
  return (s) => {
    const rs = Object.values(s.replica as Record<string, Replica<S>>)
    return rs.every((a, i) =>
      rs.every(
        (b, j) => j <= i || !same(a.seen, b.seen) || same(crdt.value(a.state), crdt.value(b.state)),
      ),
    )
  }
}

/**
 * The replicated system of `crdt`: every interleaving of at most `updates` updates per replica
 * and the deliveries of the states they broadcast, in any order (the network is a bag).
 *
 * @example
 * check(replicated(lwwRegister(false))) // not ok: equal timestamps, each replica keeps its own value
 */
export function replicated<S, V>(
  crdt: StateCrdt<S, V>,
  { replicas = 2, updates = 2, expect, duplicating = false }: ReplicationOptions<V> = {},
): Model<Replicated<S>> {
  type G = Shared<S>
  const ids = replicaIds(replicas)
  const format = (m: StateMessage<S>) => crdt.show(m.state)
  const net = channel<StateMessage<S>>(
    duplicating
      ? { format, duplicating, capacity: replicas * (replicas - 1) * updates + 1 }
      : { format },
  )
  const labels = (self: Replica<S>, id: string): string[] =>
    self.made < updates ? crdt.updates(self.state, id).map((u) => u.label) : []
  const replica = component<Replica<S>, G>({
    name: 'replica',
    ids,
    init: { state: crdt.init, seen: [], made: 0 },
    actions: [
      localAction.each<Replica<S>, G, string>(
        'update',
        (self, { id }) => labels(self, id),
        // A duplicating channel is bounded: broadcast only when every copy fits.
        (_self, { id, state }) => net.canSend(state.net, id, id, replicas - 1),
        (self, ctx, label) => {
          const update = crdt.updates(self.state, ctx.id).find((u) => u.label === label)!
          const tag = `${ctx.id}.${self.made + 1}`
          const log = ctx.state.log
          const observed =
            update.removes === undefined
              ? undefined
              : log
                  .filter((u) => u.adds === update.removes && self.seen.includes(u.tag))
                  .map((u) => u.tag)
          const next: Replica<S> = {
            state: update.apply(self.state, tag),
            seen: union(self.seen, [tag]),
            made: self.made + 1,
          }
          ctx.set('log', [
            ...log,
            {
              tag,
              ...(update.adds !== undefined && { adds: update.adds }),
              ...(update.removes !== undefined && { removes: update.removes }),
              ...(observed !== undefined && { observed }),
            },
          ])
          ctx.broadcast(
            'net',
            ids.filter((j) => j !== ctx.id),
            { state: next.state, seen: next.seen },
          )
          return next
        },
      ),
    ],
    receive: (self, env) => ({
      ...self,
      state: crdt.merge(self.state, env.msg.state),
      seen: union(self.seen, env.msg.seen),
    }),
  })
  const all = (s: Replicated<S>) => replica.all(s)
  const invariants: Record<string, (s: Replicated<S>) => boolean> = {
    convergent: convergent(crdt),
  }
  if (expect !== undefined) {
    invariants[expect.name] = (s) =>
      Object.values(all(s)).every((r) =>
        same(crdt.value(r.state), expect.value(s.log.filter((u) => r.seen.includes(u.tag)))),
      )
  }
  return compose<G>({
    name: `${crdt.name} on ${replicas} replicas`,
    components: [replica],
    channels: { net },
    shared: { log: [] },
    invariants,
    terminal: (s) =>
      net.size(s.net) === 0 &&
      Object.entries(all(s)).every(([id, r]) => labels(r, id).length === 0),
  })
}
