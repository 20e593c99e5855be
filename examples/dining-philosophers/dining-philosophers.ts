/**
 * Dining philosophers: `n` philosophers round a table, one fork between each pair of
 * neighbours. A philosopher needs both neighbouring forks to eat, and takes them one at a time.
 * If everyone takes the left fork first, everyone can end up holding one fork and waiting for
 * the other forever (circular wait). Taking the lower-numbered fork first breaks the circle.
 */
import { action, defineModel, type Model } from '@musil/core'

/** What a philosopher is doing: thinking (no forks), holding its first fork, or eating (both). */
export type Phase = 'thinking' | 'oneFork' | 'eating'

/** The table: every philosopher's phase, and who holds each fork (`null` when on the table). */
export interface Table {
  readonly phase: readonly Phase[]
  readonly fork: readonly (number | null)[]
}

/**
 * The order in which a philosopher takes its forks:
 * - `left-first`: everyone takes the left fork, then the right one (the circular wait);
 * - `ordered`: everyone takes the lower-numbered fork first, so the last philosopher takes its
 *   right fork (fork 0) first (Dijkstra's resource ordering).
 */
export type ForkOrder = 'left-first' | 'ordered'

/** Options of {@link diningPhilosophers}. */
export interface DiningOptions {
  /** Number of philosophers, and of forks (at least 2; default 5). */
  readonly philosophers?: number
  /** Which fork a philosopher takes first (default `left-first`). */
  readonly order?: ForkOrder
}

/** Philosopher `i`'s left fork is fork `i`, its right fork is fork `i + 1` (mod `n`). */
export function forksOf(i: number, n: number): { readonly left: number; readonly right: number } {
  return { left: i, right: (i + 1) % n }
}

/** The fork philosopher `i` takes first and the one it takes second under `order`. */
export function pickOrder(i: number, n: number, order: ForkOrder): readonly [number, number] {
  const { left, right } = forksOf(i, n)
  return order === 'left-first' ? [left, right] : [Math.min(left, right), Math.max(left, right)]
}

const withFork = (forks: readonly (number | null)[], f: number, holder: number | null) =>
  forks.map((h, j) => (j === f ? holder : h))
const withPhase = (phases: readonly Phase[], i: number, p: Phase) =>
  phases.map((x, j) => (j === i ? p : x))

/** Every eating philosopher holds both its forks, and every held fork is held by a neighbour. */
export function forksConsistent(s: Table): boolean {
  const n = s.phase.length
  return s.phase.every((p, i) => {
    const { left, right } = forksOf(i, n)
    return p !== 'eating' || (s.fork[left] === i && s.fork[right] === i)
  })
}

/** Neighbours never eat at the same time (they share a fork). */
export function neighboursNeverEatTogether(s: Table): boolean {
  const n = s.phase.length
  return s.phase.every((p, i) => p !== 'eating' || s.phase[(i + 1) % n] !== 'eating')
}

/**
 * `philosophers` philosophers who think, take two forks one at a time (each grab is atomic: a
 * fork is taken only if it lies on the table), eat, and put both forks down. No state is
 * terminal, so a state where nobody can move is a deadlock.
 *
 * @example
 * check(diningPhilosophers({ philosophers: 5 })).violation?.kind        // 'deadlock'
 * check(diningPhilosophers({ philosophers: 5, order: 'ordered' })).ok   // true
 */
export function diningPhilosophers({
  philosophers: n = 5,
  order = 'left-first',
}: DiningOptions = {}): Model<Table> {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(
      `diningPhilosophers: philosophers must be an integer of at least 2, got ${n}`,
    )
  }
  if (order !== 'left-first' && order !== 'ordered') {
    throw new RangeError(
      `diningPhilosophers: order must be 'left-first' or 'ordered', got ${JSON.stringify(order)}`,
    )
  }
  const everyone = Array.from({ length: n }, (_, i) => i)
  const seats = (): readonly number[] => everyone
  const picks = everyone.map((i) => pickOrder(i, n, order))
  return defineModel<Table>({
    name: `dining-philosophers(${n}, ${order})`,
    init: { phase: everyone.map((): Phase => 'thinking'), fork: everyone.map(() => null) },
    actions: [
      action.each<Table, number>(
        'takeFirst',
        seats,
        (s, i) => s.phase[i] === 'thinking' && s.fork[picks[i]![0]] === null,
        (s, i) => ({
          phase: withPhase(s.phase, i, 'oneFork'),
          fork: withFork(s.fork, picks[i]![0], i),
        }),
      ),
      action.each<Table, number>(
        'takeSecond',
        seats,
        (s, i) => s.phase[i] === 'oneFork' && s.fork[picks[i]![1]] === null,
        (s, i) => ({
          phase: withPhase(s.phase, i, 'eating'),
          fork: withFork(s.fork, picks[i]![1], i),
        }),
      ),
      action.each<Table, number>(
        'putDown',
        seats,
        (s, i) => s.phase[i] === 'eating',
        (s, i) => {
          const [a, b] = picks[i]!
          return {
            phase: withPhase(s.phase, i, 'thinking'),
            fork: withFork(withFork(s.fork, a, null), b, null),
          }
        },
      ),
    ],
    invariants: { forksConsistent, neighboursNeverEatTogether },
  })
}
