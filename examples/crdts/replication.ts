/**
 * Any state-based data type of `crdts.ts`, replicated: each replica makes a few updates, and
 * after each one sends its whole state to every other replica; states arrive in any order and
 * are merged on arrival. The model checker tries every interleaving of updates and deliveries.
 *
 * Strong eventual consistency (Shapiro et al., 2011, definition 2.3) is an invariant over all of
 * them: two replicas that have received the same set of updates hold equal values. To state it,
 * each replica carries a ghost: the tags of the updates it has received (its own and those in
 * the states merged into it). The expectation of a data type (the counter counts every increment
 * it has seen; in a set, an add that no remove has seen wins) is another invariant, over a ghost
 * log of the updates made.
 */
import { action, defineModel, type Model } from '@musil/core'
import type { StateCrdt } from './crdts.ts'

/** One replica: its state, the tags of the updates it has received, and how many it made. */
export interface Replica<S> {
  readonly state: S
  readonly seen: readonly string[]
  readonly made: number
}

/** A state on its way from one replica to another, with the ghost of what it carries. */
export interface StateMessage<S> {
  readonly from: number
  readonly to: number
  readonly state: S
  readonly seen: readonly string[]
}

/** An update as the ghost log records it: what it added or removed, and which adds a remove saw. */
export interface LoggedUpdate {
  readonly tag: string
  readonly label: string
  readonly adds?: string
  readonly removes?: string
  /** For a remove: the tags of the adds of its element that its replica had received. */
  readonly observed?: readonly string[]
}

/** The replicated system. */
export interface Replicated<S> {
  readonly replicas: readonly Replica<S>[]
  readonly network: readonly StateMessage<S>[]
  readonly log: readonly LoggedUpdate[]
}

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
const messageKey = (m: StateMessage<unknown>): string => JSON.stringify(m)
/** The network as a bag: sorted, so that two orders of the same messages are one state. */
function bag<S>(ms: readonly StateMessage<S>[]): StateMessage<S>[] {
  return [...ms].sort((a, b) => {
    const x = messageKey(a)
    const y = messageKey(b)
    return x < y ? -1 : x > y ? 1 : 0
  })
}

/**
 * Strong eventual consistency: replicas that have received the same set of updates have equal
 * values.
 */
export function convergent<S, V>(crdt: StateCrdt<S, V>): (s: Replicated<S>) => boolean {
  return (s) =>
    s.replicas.every((a, i) =>
      s.replicas.every(
        (b, j) => j <= i || !same(a.seen, b.seen) || same(crdt.value(a.state), crdt.value(b.state)),
      ),
    )
}

/** A label-and-replica pair: one `update` step. */
interface UpdateChoice {
  readonly replica: number
  readonly label: string
}

/**
 * The replicated system of `crdt`: every interleaving of at most `updates` updates per replica
 * and the deliveries of the states they broadcast.
 *
 * @example
 * check(replicated(lwwRegister(false))) // not ok: equal timestamps, each replica keeps its own value
 */
export function replicated<S, V>(
  crdt: StateCrdt<S, V>,
  { replicas = 2, updates = 2, expect }: ReplicationOptions<V> = {},
): Model<Replicated<S>> {
  const ids = Array.from({ length: replicas }, (_, i) => i)
  const choices = (s: Replicated<S>): UpdateChoice[] =>
    ids.flatMap((i) => {
      const r = s.replicas[i]!
      if (r.made >= updates) return []
      return crdt.updates(r.state, i).map((u) => ({ replica: i, label: u.label }))
    })
  const invariants: Record<string, (s: Replicated<S>) => boolean> = {
    convergent: convergent(crdt),
  }
  if (expect !== undefined) {
    invariants[expect.name] = (s) =>
      s.replicas.every((r) =>
        same(crdt.value(r.state), expect.value(s.log.filter((u) => r.seen.includes(u.tag)))),
      )
  }
  return defineModel<Replicated<S>>({
    name: `${crdt.name} on ${replicas} replicas`,
    init: {
      replicas: ids.map(() => ({ state: crdt.init, seen: [], made: 0 })),
      network: [],
      log: [],
    },
    actions: [
      action.each<Replicated<S>, UpdateChoice>(
        'update',
        choices,
        () => true,
        (s, { replica: i, label }) => {
          const r = s.replicas[i]!
          const update = crdt.updates(r.state, i).find((u) => u.label === label)!
          const tag = `r${i}.${r.made + 1}`
          const observed =
            update.removes === undefined
              ? undefined
              : s.log
                  .filter((u) => u.adds === update.removes && r.seen.includes(u.tag))
                  .map((u) => u.tag)
          const next: Replica<S> = {
            state: update.apply(r.state, tag),
            seen: union(r.seen, [tag]),
            made: r.made + 1,
          }
          const logged: LoggedUpdate = {
            tag,
            label,
            ...(update.adds !== undefined && { adds: update.adds }),
            ...(update.removes !== undefined && { removes: update.removes }),
            ...(observed !== undefined && { observed }),
          }
          return {
            replicas: s.replicas.map((x, j) => (j === i ? next : x)),
            network: bag([
              ...s.network,
              ...ids
                .filter((j) => j !== i)
                .map((j) => ({ from: i, to: j, state: next.state, seen: next.seen })),
            ]),
            log: [...s.log, logged],
          }
        },
      ),
      action.each<Replicated<S>, number>(
        'deliver',
        (s) => s.network.map((_, k) => k),
        () => true,
        (s, k) => {
          const m = s.network[k]!
          const r = s.replicas[m.to]!
          const merged: Replica<S> = {
            state: crdt.merge(r.state, m.state),
            seen: union(r.seen, m.seen),
            made: r.made,
          }
          return {
            ...s,
            replicas: s.replicas.map((x, j) => (j === m.to ? merged : x)),
            network: s.network.filter((_, j) => j !== k),
          }
        },
      ),
    ],
    invariants,
    terminal: (s) => s.network.length === 0 && choices(s).length === 0,
  })
}
