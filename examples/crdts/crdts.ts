/**
 * State-based replicated data types (Shapiro, Preguiça, Baquero and Zawirski, "Conflict-free
 * replicated data types", SSS 2011): each replica updates its own copy and sends its whole state
 * to the others, which merge it into theirs. When merge is a join (commutative, associative,
 * idempotent) and updates only move a state up, replicas that have received the same updates
 * hold the same state, in whatever order the states arrived.
 *
 * Here: the G-counter, the OR-set and the LWW-register of the paper, and two designs that look
 * right and are not: a set whose removals leave tombstones (it loses an add made concurrently
 * with a remove), and a last-writer-wins register that breaks no ties.
 */

/** One update a replica may make, with a label for traces (`add x`, `inc`). */
export interface Update<S> {
  readonly label: string
  /** The new state, given the update's unique tag (`r1.2`: replica 1's second update). */
  readonly apply: (s: S, tag: string) => S
  /** For a remove: the element it removes (the add-wins expectation needs it). */
  readonly removes?: string
  /** For an add: the element it adds. */
  readonly adds?: string
}

/** A state-based replicated data type: its initial state, updates, merge and query. */
export interface StateCrdt<S, V> {
  readonly name: string
  readonly init: S
  /** The updates replica `replica` may make in state `s`. */
  readonly updates: (s: S, replica: string) => readonly Update<S>[]
  readonly merge: (a: S, b: S) => S
  /** What a reader of the replica sees. */
  readonly value: (s: S) => V
  /** A state, short, for trace lines (`{r1: 1, r2: 0}`, `v1@1`). */
  readonly show: (s: S) => string
}

const union = (a: readonly string[], b: readonly string[]): string[] =>
  [...new Set([...a, ...b])].sort()

// ---------------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------------

/** A G-counter's state: each replica's own count, by replica id. */
export type GCounter = Readonly<Record<string, number>>

/** G-counter: one slot per replica, each incremented only by its owner; merge takes the maxima. */
export function gCounter(): StateCrdt<GCounter, number> {
  return {
    name: 'G-counter',
    init: {},
    updates: (_s, i) => [{ label: 'inc', apply: (s) => ({ ...s, [i]: (s[i] ?? 0) + 1 }) }],
    merge: (a, b) => {
      const out: Record<string, number> = { ...a }
      for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v)
      return out
    },
    value: (s) => Object.values(s).reduce((x, y) => x + y, 0),
    show: (s) =>
      `{${Object.keys(s)
        .sort()
        .map((k) => `${k}: ${s[k]}`)
        .join(', ')}}`,
  }
}

// ---------------------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------------------

/** The elements the set examples add and remove. */
export const ELEMENTS: readonly string[] = ['x']

/**
 * The updates of a set: add any element, remove any element the replica sees (Shapiro et al.'s
 * precondition for remove).
 */
function setUpdates<S>(
  present: readonly string[],
  add: (s: S, e: string, tag: string) => S,
  remove: (s: S, e: string) => S,
): Update<S>[] {
  return [
    ...ELEMENTS.map((e) => ({
      label: `add ${e}`,
      adds: e,
      apply: (s: S, tag: string) => add(s, e, tag),
    })),
    ...present.map((e) => ({ label: `remove ${e}`, removes: e, apply: (s: S) => remove(s, e) })),
  ]
}

/** The naive set: added elements, and tombstones of removed ones, each merged by union. */
export interface TombstoneSet {
  readonly added: readonly string[]
  readonly removed: readonly string[]
}

/**
 * The set a first design reaches for: remove leaves a tombstone so that a merge does not bring
 * the element back. But a tombstone cannot tell which add it cancels, so it also cancels an add
 * it never saw.
 */
export function tombstoneSet(): StateCrdt<TombstoneSet, readonly string[]> {
  const value = (s: TombstoneSet) => s.added.filter((e) => !s.removed.includes(e))
  return {
    name: 'tombstone set',
    init: { added: [], removed: [] },
    updates: (s) =>
      setUpdates<TombstoneSet>(
        value(s),
        (t, e) => ({ ...t, added: union(t.added, [e]) }),
        (t, e) => ({ ...t, removed: union(t.removed, [e]) }),
      ),
    merge: (a, b) => ({ added: union(a.added, b.added), removed: union(a.removed, b.removed) }),
    value,
    show: (s) => `{added: [${s.added.join(', ')}], removed: [${s.removed.join(', ')}]}`,
  }
}

/** The OR-set: every add is a unique tag; a remove tombstones the tags it has seen, no others. */
export interface OrSet {
  /** `element@tag` for every add. */
  readonly adds: readonly string[]
  /** The `element@tag` pairs removes have cancelled. */
  readonly removed: readonly string[]
}

const elementOf = (pair: string): string => pair.slice(0, pair.indexOf('@'))

/** The observed-remove set of Shapiro et al.: an add concurrent with a remove wins. */
export function orSet(): StateCrdt<OrSet, readonly string[]> {
  const live = (s: OrSet) => s.adds.filter((p) => !s.removed.includes(p))
  const value = (s: OrSet) => [...new Set(live(s).map(elementOf))].sort()
  return {
    name: 'OR-set',
    init: { adds: [], removed: [] },
    updates: (s) =>
      setUpdates<OrSet>(
        value(s),
        // The add's unique tag is the update's own: `x@r2.1`.
        (t, e, tag) => ({ ...t, adds: union(t.adds, [`${e}@${tag}`]) }),
        // Cancel exactly the adds of e this replica has seen.
        (t, e) => ({
          ...t,
          removed: union(
            t.removed,
            live(t).filter((p) => elementOf(p) === e),
          ),
        }),
      ),
    merge: (a, b) => ({ adds: union(a.adds, b.adds), removed: union(a.removed, b.removed) }),
    value,
    show: (s) => `{adds: [${s.adds.join(', ')}], removed: [${s.removed.join(', ')}]}`,
  }
}

// ---------------------------------------------------------------------------------------------
// Registers
// ---------------------------------------------------------------------------------------------

/** A last-writer-wins register: the value, its Lamport timestamp, and the replica that wrote it. */
export interface LwwRegister {
  readonly value: string | null
  readonly ts: number
  readonly writer: string
}

/**
 * Last-writer-wins. Each write takes the next Lamport timestamp (one more than the newest it has
 * seen), so two replicas that write concurrently can pick the same one. With `tiebreak`, equal
 * timestamps are ordered by the writer's id, which makes (ts, writer) a total order; without it
 * each replica keeps its own value on a tie.
 */
export function lwwRegister(tiebreak: boolean): StateCrdt<LwwRegister, string | null> {
  const newer = (a: LwwRegister, b: LwwRegister): boolean =>
    b.ts > a.ts || (tiebreak && b.ts === a.ts && b.writer > a.writer)
  return {
    name: tiebreak ? 'LWW-register' : 'LWW-register without tiebreak',
    init: { value: null, ts: 0, writer: '' },
    // Each replica writes its own name: `write r1` sets the value "r1".
    updates: (_s, i) => [
      { label: `write ${i}`, apply: (s) => ({ value: i, ts: s.ts + 1, writer: i }) },
    ],
    merge: (a, b) => (newer(a, b) ? b : a),
    value: (s) => s.value,
    show: (s) => (s.value === null ? 'empty' : `${s.value}@${s.ts}`),
  }
}
