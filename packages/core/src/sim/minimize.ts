/**
 * Shortest failing trace. A failing seed made fault choices: which scheduled faults fired, which
 * messages were lost, duplicated or corrupted. Replaying the seed with a *script* of choices
 * makes exactly those happen (every other message arrives intact and once), so a run is a pure
 * function of (seed, choices). The minimiser searches that space:
 *
 * 1. delta debugging (Zeller's ddmin) over the original choices: drop the faults the failure
 *    does not depend on;
 * 2. then, on links that may lose messages, try losing each delivered message: a message whose
 *    delivery the failure does not need often drags a cone of handler work with it.
 *
 * A candidate is kept only when it fails the *same* check (same kind and name) with a trace no
 * longer than the best so far. Every candidate is a run the network model allows, so the
 * minimised trace is a real failing run, not an edited log. Timers are never suppressed: a node
 * that does not wake up when its timer is due is not a behaviour any real node shows.
 *
 * @module
 */
import type { CompiledChoices } from './compile.ts'
import type { Nodes } from './node.ts'
import type { RunFault, SimWorld } from './world.ts'

const FAULT = 0
const LOSS = 1
const DUPLICATE = 2
const CORRUPT = 3

/** One removable choice: a tag and a fault index or message key. */
type Item = readonly [tag: number, key: number]

/** What the minimiser found. */
export interface Minimized {
  /** The best choice set, to be replayed with `record` for its trace. */
  readonly script: CompiledChoices
  readonly runs: number
}

/** Minimises the failing run of `seed`, which `world` has just run with `record` on. */
export function minimizeRun<N extends Nodes, W, A>(
  world: SimWorld<N, W, A>,
  seed: number,
  target: RunFault,
  maxRuns: number,
): Minimized {
  const original = world.choices()
  const keyOf = (r: { src: string; dst: string; n: number }): number => {
    const n = world.n
    return r.n * n * n + world.sim.index.get(r.src)! * n + world.sim.index.get(r.dst)!
  }
  const items: Item[] = [
    ...original.faults.map((f): Item => [FAULT, f]),
    ...original.losses.map((r): Item => [LOSS, keyOf(r)]),
    ...original.duplicates.map((r): Item => [DUPLICATE, keyOf(r)]),
    ...original.corruptions.map((r): Item => [CORRUPT, keyOf(r)]),
  ]
  let best = world.log.length
  let bestItems: readonly Item[] = items
  let lossyCandidates = world.lossyDeliveries().slice()
  let runs = 0

  const test = (candidate: readonly Item[], strictlyShorter: boolean): boolean => {
    if (runs >= maxRuns) return false
    runs++
    const out = world.run(seed, toScript(candidate), true)
    const f = out.fault
    const length = world.log.length
    const same = f !== undefined && f.kind === target.kind && f.name === target.name
    if (!same || length > best || (strictlyShorter && length === best)) return false
    best = length
    bestItems = candidate
    lossyCandidates = world.lossyDeliveries().slice()
    return true
  }

  ddmin(
    items,
    (c) => test(c, false),
    () => runs < maxRuns,
  )
  // Losing a delivered message is only allowed where the network may lose it, and only kept when
  // it makes the trace strictly shorter.
  for (const key of lossyCandidates.slice()) {
    if (runs >= maxRuns) break
    test([...bestItems, [LOSS, key]], true)
  }
  return { script: toScript(bestItems), runs }
}

function toScript(items: readonly Item[]): CompiledChoices {
  const faults = new Set<number>()
  const losses = new Set<number>()
  const duplicates = new Set<number>()
  const corruptions = new Set<number>()
  for (const [tag, key] of items) {
    if (tag === FAULT) faults.add(key)
    else if (tag === LOSS) losses.add(key)
    else if (tag === DUPLICATE) duplicates.add(key)
    else corruptions.add(key)
  }
  return { faults, losses, duplicates, corruptions }
}

/**
 * Zeller and Hildebrandt's ddmin: a 1-minimal subset of `items` for which `fails` holds, in
 * O(n²) tests at worst and O(log n) when one item is to blame. `more` stops it on a budget.
 */
export function ddmin<T>(
  items: readonly T[],
  fails: (subset: readonly T[]) => boolean,
  more: () => boolean,
): readonly T[] {
  let current = items
  if (current.length === 0 || !more()) return current
  if (fails([])) return []
  let n = 2
  while (current.length >= 2 && more()) {
    const chunks = split(current, n)
    let reduced = false
    for (const chunk of chunks) {
      if (!more()) break
      if (fails(chunk)) {
        current = chunk
        n = 2
        reduced = true
        break
      }
    }
    // With two chunks each complement is the other chunk, already tried above.
    if (!reduced && n > 2) {
      for (let i = 0; i < chunks.length && more(); i++) {
        const complement = chunks.flatMap((c, j) => (j === i ? [] : c))
        if (fails(complement)) {
          current = complement
          n = Math.max(n - 1, 2)
          reduced = true
          break
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break
      n = Math.min(n * 2, current.length)
    }
  }
  return current
}

function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = []
  let start = 0
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i))
    if (end > start) out.push(items.slice(start, end))
    start = end
  }
  return out
}
