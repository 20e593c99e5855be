/**
 * Dijkstra's K-state ring (EWD 426), the shared-memory original of counter flushing: n machines
 * in a ring, each with a value in 0..K-1 and a read of its left neighbour's. Machine 0 is
 * privileged (holds the token) when its value equals machine n-1's, and moves by counting up;
 * any other machine is privileged when its value differs from its left neighbour's, and moves by
 * copying it. Whatever the initial values, the ring is meant to converge to exactly one
 * privilege and keep it: self-stabilization.
 */
import { action, defineModel, type Model } from '@musil/core'

/** The machines' values, machine 0 first. */
export type Values = readonly number[]

/** Options of {@link kStateRing}. */
export interface KStateOptions {
  /** Number of machines (at least 2). */
  readonly machines: number
  /** Number of values each machine can hold (at least 1). */
  readonly k: number
  /**
   * The initial states: `anywhere` (all k^n of them: any corruption whatever) or `legitimate`
   * (those with exactly one privilege). Default `anywhere`.
   */
  readonly from?: 'anywhere' | 'legitimate'
}

/** Whether machine `i` is privileged in `x`. */
export function privileged(x: Values, i: number): boolean {
  return i === 0 ? x[0] === x[x.length - 1] : x[i] !== x[i - 1]
}

/** Exactly one machine is privileged: the ring has one token. */
export function legitimate(x: Values): boolean {
  let count = 0
  for (let i = 0; i < x.length; i++) if (privileged(x, i)) count++
  return count === 1
}

/**
 * The K-state ring. A central daemon picks any privileged machine to move: one `move(i)` per
 * privileged machine. From `legitimate` states the invariant `oneToken` must hold forever
 * (closure); from `anywhere`, every fair run must reach a legitimate state (convergence, a
 * liveness question for `checkLiveness`).
 */
export function kStateRing({ machines: n, k, from = 'anywhere' }: KStateOptions): Model<Values> {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`kStateRing: machines must be at least 2, got ${n}`)
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`kStateRing: k must be at least 1, got ${k}`)
  const ids = Array.from({ length: n }, (_, i) => i)
  const values = Array.from({ length: k }, (_, v) => v)
  let all: Values[] = [[]]
  for (let i = 0; i < n; i++) all = all.flatMap((x) => values.map((v) => [...x, v]))
  return defineModel<Values>({
    name: `k-state(${n} machines, k ${k}, from ${from})`,
    init: from === 'anywhere' ? all : all.filter(legitimate),
    actions: [
      action.each<Values, number>(
        'move',
        () => ids,
        (x, i) => privileged(x, i),
        (x, i) => x.map((v, j) => (j !== i ? v : i === 0 ? (v + 1) % k : x[i - 1]!)),
      ),
    ],
    invariants: from === 'legitimate' ? { oneToken: legitimate } : {},
  })
}
