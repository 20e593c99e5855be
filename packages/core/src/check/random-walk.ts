/**
 * `check(model, { mode: 'random-walk' })`: TLC's `-simulate` for state spaces too large to
 * enumerate. Each walk starts at a random initial state and takes up to `depth` random steps;
 * like TLC, every successor produced along the way is checked (not only the one taken), so a
 * walk checks a state's whole neighbourhood. Everything is drawn from one seed: the same seed
 * walks the same paths and finds the same violation.
 *
 * A walk's counterexample is usually long and wandering, so it is shrunk: loops are cut out of
 * it, then a breadth-first search from the initial states bounded by its length (and by a state
 * budget) looks for the shortest path to the same violation. When that budget runs out first,
 * small breadth-first searches around the path (a few steps from each of its states) look for
 * shortcuts to a later state of the path, which keep the same violating state at the end. A random walk proves nothing about the states it did not visit: its result is never
 * `complete`, and it checks no liveness.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { instanceLabel } from '../model/action.ts'
import { Fingerprinter } from '../model/fingerprint.ts'
import { FingerprintSet } from '../model/fingerprint-set.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { runConstraint, runTerminal, successors } from '../model/successors.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { RandomStream } from '../random/stream.ts'
import { BreadthFirstSearch } from './engine.ts'
import { ProgressClock } from './outcome.ts'
import type { CheckOptions, CheckResult, SafetyViolation, Step } from './types.ts'
import * as violations from './violations.ts'

const DEFAULT_DEPTH = 100
const DEFAULT_WALKS = 1000
/** States the shrinking search from the initial states may store before it gives up. */
const SHRINK_BUDGET = 500_000
/** Steps and states of each search around the path, when the search from the start gave up. */
const AROUND_RADIUS = 4
const AROUND_BUDGET = 5_000

/** Runs `opts.walks` random walks of `model`; see the module comment. */
export function randomWalk<S>(model: Model<S>, opts: CheckOptions): CheckResult<S> {
  for (const k of ['maxStates', 'maxDepth'] as const) {
    if (opts[k] !== undefined) {
      throw new RangeError(
        `check(): ${k} bounds a breadth-first search; a random walk is bounded by depth (steps per walk) and walks`,
      )
    }
  }
  const seed = opts.seed ?? 0
  const depth = opts.depth ?? DEFAULT_DEPTH
  const walks = opts.walks ?? DEFAULT_WALKS
  const walker = new Walker(model, opts, seed)
  const clock = new ProgressClock(opts)
  let walk = 0
  let found: { walk: number; steps: number; shrunkTo: number } | undefined
  let violation: SafetyViolation<S> | undefined
  for (; walk < walks && violation === undefined; walk++) {
    const v = walker.walk(depth)
    if (v !== undefined) {
      violation = shrink(model, opts, v)
      found = { walk, steps: v.trace.length - 1, shrunkTo: violation.trace.length - 1 }
    }
    clock.tick(() => walker.counts(), 0)
  }
  const covered = walker.counts()
  return clock.result(
    model.name,
    covered,
    walker.visited.bytesInUse,
    violation,
    {
      reason: 'random-walk',
      limit: walks,
      message: `random walk: ${walk} walks of at most ${depth} steps from seed ${seed} visited ${covered.distinct} distinct states; sampling proves nothing about the states it missed (use mode: 'bfs' for an exhaustive search)`,
    },
    { mode: 'random-walk', walk: { seed, walks: walk, depth, ...(found && { found }) } },
  )
}

/** The walks of one search: the random stream, the coverage set and the counters. */
class Walker<S> {
  readonly model: Model<S>
  readonly rng: RandomStream
  readonly key
  readonly visited: FingerprintSet = new FingerprintSet()
  readonly names: string[]
  readonly predicates: ((s: S) => boolean)[]
  readonly deadlock: boolean
  readonly inits: S[]
  generated = 0
  longest = 0

  constructor(model: Model<S>, opts: CheckOptions, seed: number) {
    this.model = model
    this.rng = new RandomStream(seed, 'random-walk')
    this.key = keyFingerprinter(model)
    this.names = Object.keys(model.invariants)
    this.predicates = this.names.map((n) => model.invariants[n]!)
    this.deadlock = opts.deadlock !== false
    this.inits = model.init.filter((s) => runConstraint(model, s))
  }

  counts(): { distinct: number; generated: number; depth: number } {
    return { distinct: this.visited.size, generated: this.generated, depth: this.longest }
  }

  /** Checks `s` if it is new; returns the violation at the end of `trace` if it has one. */
  check(s: S, trace: Step<S>[]): SafetyViolation<S> | undefined {
    const { key } = this
    key(s)
    if (this.visited.add(key.fp.hi, key.fp.lo) < 0) return undefined
    const failed = violations.failingInvariant(this.names, this.predicates, s)
    if (failed === undefined) return undefined
    return failed.error === undefined
      ? violations.invariantViolation(failed.name, trace)
      : violations.errorViolation(violations.describeUserError(failed.error), trace)
  }

  /** One walk of at most `depth` steps; the violation it met, if any. */
  walk(depth: number): SafetyViolation<S> | undefined {
    const { model, rng } = this
    this.generated += model.init.length
    if (this.inits.length === 0) return undefined
    for (const s of this.inits) {
      const v = this.check(s, [{ action: 'init', state: s }])
      if (v !== undefined) return v
    }
    let s = rng.pick(this.inits)
    const trace: Step<S>[] = [{ action: 'init', state: s }]
    for (let step = 0; step < depth; step++) {
      let next: ReturnType<typeof successors<S>>
      let allowed: typeof next
      try {
        next = successors(model, s)
        this.generated += next.length
        if (next.length === 0 && this.deadlock && !runTerminal(model, s)) {
          return violations.deadlockViolation(model.name, trace.slice())
        }
        allowed = next.filter((x) => runConstraint(model, x.state))
      } catch (e) {
        if (!(e instanceof UserCodeError)) throw e
        return violations.errorViolation(violations.describeUserError(e), trace.slice())
      }
      for (const x of allowed) {
        const v = this.check(x.state, [...trace, stepOf(model, x)])
        if (v !== undefined) return v
      }
      if (allowed.length === 0) break
      const chosen = rng.pick(allowed)
      trace.push(stepOf(model, chosen))
      s = chosen.state
    }
    this.longest = Math.max(this.longest, trace.length)
    return undefined
  }
}

function stepOf<S>(model: Model<S>, x: { action: number; param: unknown; state: S }): Step<S> {
  return { action: instanceLabel(model.actions[x.action]! as never, x.param), state: x.state }
}

/**
 * A shorter trace to the same violation: the walk without its loops, then, when a search
 * bounded by that length and by {@link SHRINK_BUDGET} states finds one, a shortest trace.
 */
export function shrink<S>(
  model: Model<S>,
  opts: CheckOptions,
  v: SafetyViolation<S>,
  budget: number = SHRINK_BUDGET,
): SafetyViolation<S> {
  const loopFree = withTrace(v, cutLoops(v.trace))
  const shortest = shortestTo(model, opts, loopFree, budget)
  return shortest ?? withTrace(v, shortcuts(model, loopFree.trace))
}

/**
 * The trace with shortcuts found by small breadth-first searches around it: from each state,
 * the furthest later state of the trace within {@link AROUND_RADIUS} steps is reached by the
 * shortest path there. The last state, and so the violation, stays.
 */
function shortcuts<S>(model: Model<S>, trace: Step<S>[]): Step<S>[] {
  const id = stateId()
  const at = new Map<string, number>()
  trace.forEach((step, i) => {
    at.set(id(step.state), i)
  })
  const out: Step<S>[] = [trace[0]!]
  let i = 0
  while (i < trace.length - 1) {
    const from = i
    // The engine's search, started at trace[from]: the furthest later state of the trace it
    // stores, found at a smaller depth than the trace takes to get there.
    let best = i + 1
    let bestNumber = -1
    let level = 1
    const around = new BreadthFirstSearch(
      { ...model, init: [trace[from]!.state], invariants: {} },
      {
        state: (s, n) => {
          const j = at.get(id(s))
          if (j !== undefined && j > best && around.depth < j - from) {
            best = j
            bestNumber = n
            level = around.depth
          }
          return false
        },
      },
      { maxDepth: AROUND_RADIUS + 1, maxStates: AROUND_BUDGET },
      new VisitedStore(),
    )
    try {
      around.run()
    } catch {
      // Model code that throws off the path: no shortcut through there.
    }
    // The engine rebuilds a path by fingerprint: with a symmetry or view it may end at another
    // state of the same class, which the rest of the trace would not continue from.
    const path = bestNumber < 0 ? [] : around.traceTo(bestNumber).slice(1)
    if (path.length === level && id(path.at(-1)!.state) === id(trace[best]!.state)) {
      out.push(...path)
      i = best
    } else {
      out.push(trace[i + 1]!)
      i++
    }
  }
  return out
}

function withTrace<S>(v: SafetyViolation<S>, trace: Step<S>[]): SafetyViolation<S> {
  const steps = trace.length - 1
  return { ...v, trace, message: v.message.replace(/after \d+ steps/, `after ${steps} steps`) }
}

/**
 * The identity of a state itself, not of its key under the model's symmetry or view: a path
 * spliced at two states with the same key but different values would not replay.
 */
function stateId(): (s: unknown) => string {
  const fp = new Fingerprinter()
  return (s) => {
    fp.of(s)
    return `${fp.hi}:${fp.lo}`
  }
}

/** The trace with every segment between two visits of the same state removed. */
function cutLoops<S>(trace: Step<S>[]): Step<S>[] {
  const idOf = stateId()
  const out: Step<S>[] = []
  const at = new Map<string, number>()
  for (const step of trace) {
    const id = idOf(step.state)
    const seen = at.get(id)
    if (seen !== undefined) {
      for (let k = seen + 1; k < out.length; k++) at.delete(idOf(out[k]!.state))
      out.length = seen + 1
      // Keep the first visit's step into the state, which is on the shorter path.
      continue
    }
    at.set(id, out.length)
    out.push(step)
  }
  return out
}

/** A breadth-first search for the same violation within the trace's length, or undefined. */
function shortestTo<S>(
  model: Model<S>,
  opts: CheckOptions,
  v: SafetyViolation<S>,
  budget: number,
): SafetyViolation<S> | undefined {
  const levels = v.trace.length
  if (levels <= 1) return undefined
  let hit = -1
  const search = new BreadthFirstSearch(
    model,
    v.kind === 'invariant'
      ? {
          state: (s, i) => {
            const holds = model.invariants[v.name]!(s)
            if (holds) return false
            hit = i
            return true
          },
        }
      : v.kind === 'deadlock'
        ? {
            expanded: (i, count, s) => {
              if (count > 0 || opts.deadlock === false || runTerminal(model, s)) return false
              hit = i
              return true
            },
          }
        : {},
    { maxDepth: levels, maxStates: budget },
  )
  try {
    search.run()
  } catch {
    // The walk found the violation: anything else the bounded search trips on is no better.
    return undefined
  }
  if (v.kind === 'error' && search.failure !== undefined) hit = search.failure.index
  if (hit < 0) return undefined
  const trace = search.traceTo(hit)
  if (v.kind === 'error') {
    // The error happened expanding the state at `hit`: the violation's trace ends there.
    const e = search.failure!.error
    const shorter = violations.errorViolation(violations.describeUserError(e), trace)
    return shorter.trace.length < v.trace.length ? shorter : undefined
  }
  return trace.length < v.trace.length ? withTrace(v, trace) : undefined
}
