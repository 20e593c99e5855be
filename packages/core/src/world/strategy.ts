/**
 * Scheduling strategies: which of the wake-ups ready at the same virtual instant runs next.
 *
 * @module
 */
import type { RandomStream } from '../random/stream.ts'
import type { Wakeup } from './wakeup.ts'

/** The name of a scheduling strategy, as passed to `explore`. */
export type StrategyName = 'random' | 'pct'

/**
 * Picks the index of the next wake-up among those ready now. It is only asked when there is a
 * choice (`ready.length >= 2`); `choice` counts those decisions from 1.
 */
export interface Strategy {
  pick(ready: readonly Wakeup[], choice: number): number
}

/** Uniform random choice among the ready wake-ups: the default, and fast-check's rule. */
export class RandomStrategy implements Strategy {
  readonly #stream: RandomStream

  constructor(stream: RandomStream) {
    this.#stream = stream
  }

  pick(ready: readonly Wakeup[]): number {
    // No draw when there is no choice: a run's draws then depend only on real choice points.
    return ready.length === 1 ? 0 : this.#stream.int(0, ready.length - 1)
  }
}

/**
 * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 *
 * Every owner (a task, a network address) gets a random priority the first time it is seen, and
 * the highest-priority ready wake-up always runs: a low-priority task is starved for as long as
 * anyone else can run, which is exactly what uniform random picking almost never does. At
 * `depth - 1` change points, drawn up front among the first `steps` scheduling decisions that
 * have a choice, the owner about to run
 * drops below every initial priority. A bug that needs `d` ordering constraints is then found with
 * probability at least `1 / (n * k^(d-1))` per run (n owners, k steps), independent of how long
 * one task must be starved.
 */
export class PctStrategy implements Strategy {
  readonly #stream: RandomStream
  readonly #depth: number
  readonly #priorities = new Map<string, number>()
  /** Change point (index of a scheduling decision) -> its rank (1 = first). */
  readonly #changePoints = new Map<number, number>()

  constructor(stream: RandomStream, depth: number, steps: number) {
    this.#stream = stream
    this.#depth = depth
    const budget = Math.min(depth - 1, steps)
    while (this.#changePoints.size < budget) {
      const at = stream.int(1, steps)
      if (!this.#changePoints.has(at)) this.#changePoints.set(at, this.#changePoints.size + 1)
    }
  }

  pick(ready: readonly Wakeup[], choice: number): number {
    let best = this.#highest(ready)
    const rank = this.#changePoints.get(choice)
    if (rank !== undefined) {
      // Demote the owner that was about to run below every initial priority (initial ones are
      // >= depth; later change points demote further), then pick again.
      this.#priorities.set(ready[best].owner, this.#depth - rank)
      best = this.#highest(ready)
    }
    return best
  }

  #priority(owner: string): number {
    let p = this.#priorities.get(owner)
    if (p === undefined) {
      // Distinct with probability 1; drawn in first-seen order, so it is a function of the seed.
      p = this.#depth + this.#stream.random()
      this.#priorities.set(owner, p)
    }
    return p
  }

  #highest(ready: readonly Wakeup[]): number {
    let best = 0
    let bestPriority = this.#priority(ready[0].owner)
    for (let i = 1; i < ready.length; i++) {
      const p = this.#priority(ready[i].owner)
      // Ties are wake-ups of the same owner: the older one first (FIFO within an owner).
      if (p > bestPriority || (p === bestPriority && ready[i].seq < ready[best].seq)) {
        best = i
        bestPriority = p
      }
    }
    return best
  }
}
