/**
 * Shortest failing trace. A failing seed made fault choices: which scheduled faults fired, which
 * messages were lost, duplicated or corrupted. Replaying the seed with a *script* of choices
 * makes exactly those happen (every other message arrives intact and once), so a run is a pure
 * function of (seed, choices). The minimiser:
 *
 * 1. runs delta debugging (Zeller's ddmin) over the original choices, keeping a subset only when
 *    the replay fails the *same* check (same kind and name): the faults the failure does not
 *    depend on are dropped;
 * 2. reads every candidate run through its causal slice on the nodes the check reads (see
 *    `causalSlice`): deliveries, timers and whole nodes the failure does not depend on vanish;
 * 3. for a linearizability failure, cuts the run at the first instant its history stops being
 *    linearizable (bisecting over the times of its events: a history that is not linearizable
 *    stays so as the run goes on, since later events only complete operations or add new ones),
 *    so the trace ends at the violation rather than where the scenario stops; a cut is kept only
 *    if the failure is the run's, not the cut's (see `confirmCut`);
 * 4. reports the shortest sliced trace among the runs that failed the same check (the one with
 *    the fewest faults among equally short ones).
 *
 * Every candidate is a run the network model allows (fewer faults than the original), so the
 * minimised trace is a real failing run seen through its causal past, not an edited log.
 *
 * @module
 */
import { checkLinearizability } from '../linearizability/check.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import type { TraceEvent } from '../report.ts'
import type { CompiledChoices } from './compile.ts'
import type { Nodes } from './node.ts'
import { causalSlice } from './slice.ts'
import type { SimChoices, SimRunFailure } from './types.ts'
import type { SimWorld } from './world.ts'

/** Steps the minimiser may replay in total (at least; 20 times the failing run's steps). */
const STEP_BUDGET = 1_000_000

const FAULT = 0
const LOSS = 1
const DUPLICATE = 2
const CORRUPT = 3

/** One removable choice: a tag and a fault index or message key. */
type Item = readonly [tag: number, key: number]

/** What the minimiser found. */
export interface Minimized {
  /** The shortest sliced failing trace found. */
  readonly trace: TraceEvent[]
  /** The choices that replay it. */
  readonly choices: SimChoices
  /** How the run those choices replay fails: its time and last event can differ from the original's. */
  readonly detail: string
  /** Replays spent. */
  readonly runs: number
  /** For a linearizability failure: the history of the run `choices` replay, and its verdict. */
  readonly history?: Operation<unknown, unknown>[]
  readonly linearizability?: LinearizabilityResult
}

/**
 * Minimises the failing run of `seed`, which `world` has just run with `record` on; `focus` are
 * the nodes the failed check reads.
 */
export function minimizeRun<N extends Nodes, W, A>(
  world: SimWorld<N, W, A>,
  seed: number,
  target: SimRunFailure,
  focus: readonly string[],
  maxRuns: number,
): Minimized {
  const original = world.choices()
  const { n } = world
  const keyOf = (r: { src: string; dst: string; n: number }): number =>
    r.n * n * n + world.sim.index.get(r.src)! * n + world.sim.index.get(r.dst)!
  const items: Item[] = [
    ...original.faults.map((f): Item => [FAULT, f]),
    ...original.losses.map((r): Item => [LOSS, keyOf(r)]),
    ...original.duplicates.map((r): Item => [DUPLICATE, keyOf(r)]),
    ...original.corruptions.map((r): Item => [CORRUPT, keyOf(r)]),
  ]
  // A history failure keeps the history of the run it shows: it is what the verdict is about.
  const historyOf = (f: SimRunFailure) =>
    f.linearizability === undefined
      ? {}
      : { history: f.history!, linearizability: f.linearizability }
  let best: Omit<Minimized, 'runs'> = {
    trace: causalSlice(world.trace(), focus),
    choices: original,
    detail: target.detail,
    ...historyOf(target),
  }
  let runs = 0
  // Replays cost what the failing run cost; bound the total so a long run minimises in seconds.
  let stepsLeft = Math.max(STEP_BUDGET, 20 * world.steps)

  /** `confirm` (for a cut run) has a last word on a run that failed the same way. */
  const failsTheSameWay = (
    candidate: readonly Item[],
    until?: number,
    confirm?: () => boolean,
  ): boolean => {
    runs++
    const out = world.run(seed, toScript(candidate, until), true)
    stepsLeft -= out.steps
    const f = out.failure
    if (
      f === undefined ||
      f.kind !== target.kind ||
      f.name !== target.name ||
      (f.linearizability === undefined) !== (target.linearizability === undefined) ||
      (confirm !== undefined && !confirm())
    ) {
      return false
    }
    const trace = causalSlice(world.trace(), focus)
    const choices = world.choices()
    // Shortest slice first; among equally short ones, the fewest faults, then the earliest cut.
    const order =
      trace.length - best.trace.length ||
      size(choices) - size(best.choices) ||
      (choices.until ?? Number.POSITIVE_INFINITY) - (best.choices.until ?? Number.POSITIVE_INFINITY)
    if (order < 0) {
      best = { trace, choices, detail: f.detail, ...historyOf(f) }
    }
    return true
  }

  const more = (): boolean => runs < maxRuns && stepsLeft > 0
  const kept = ddmin(items, (subset) => failsTheSameWay(subset), more)
  if (target.linearizability !== undefined && more() && failsTheSameWay(kept)) {
    // The event times of the kept run: the earliest one at which it already fails is the cut.
    const times = [...new Set(world.trace().map((e) => e.t))].sort((a, b) => a - b)
    const stillFails = confirmCut(world, world.operations.outputs())
    let passes = -1
    let fails = times.length - 1
    while (fails - passes > 1 && more()) {
      const mid = (passes + fails) >> 1
      if (failsTheSameWay(kept, times[mid], stillFails)) fails = mid
      else passes = mid
    }
  }
  return { ...best, runs }
}

/**
 * Whether a cut run's failure is the run's own, not the cut's. In the cut run the operations
 * still pending at the cut have an unknown outcome, with `undefined` as their output. The
 * shipped specs accept that output wherever they accept the real one, with the same effect, so
 * the cut history is weaker than the whole run's and fails only if the run does (the bisection
 * relies on it). A spec that refuses `undefined` (an effectful operation whose reply it checks)
 * would make the cut fail by itself: a write that another client already read, refused because
 * its reply had not arrived yet. So the cut history is checked again with each pending operation
 * given the output it ended with in the whole run (`eventual`, by operation id).
 */
function confirmCut<N extends Nodes, W, A>(
  world: SimWorld<N, W, A>,
  eventual: readonly unknown[],
): () => boolean {
  const check = world.sim.linearizable!
  return () =>
    checkLinearizability(
      world.operations.orderedHistory(eventual),
      check.spec,
      check.timeoutMs === undefined ? {} : { timeoutMs: check.timeoutMs },
    ).result === 'not-linearizable'
}

function size(c: SimChoices): number {
  return c.faults.length + c.losses.length + c.duplicates.length + c.corruptions.length
}

function toScript(items: readonly Item[], until?: number): CompiledChoices {
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
  return { faults, losses, duplicates, corruptions, ...(until !== undefined && { until }) }
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
