/**
 * The checks of a simulated run: the snapshot, the invariants, the refinement step, the history
 * and the goal at the end, and which nodes a failed check depends on. Each returns the failure it
 * found (or `undefined`); the run loop decides what stops. Nothing here is formatted unless a
 * check fails.
 *
 * @module
 */
import { describeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import type { OperationLog } from '../linearizability/recorder.ts'
import { checkRunHistory, LINEARIZABILITY } from '../linearizability/run-check.ts'
import type { LinearizabilityResult } from '../linearizability/types.ts'
import type { CompiledSim } from './compile.ts'
import { describeEvent } from './describe.ts'
import type { EventQueue, SimEvent } from './event-queue.ts'
import type { Nodes } from './node.ts'
import { RefinementTracker } from './refinement-tracker.ts'
import type { SimEnd, SimRunFailure } from './types.ts'

/** What the checks read of the run: where it is, for the failure's words. */
export interface CheckedRun {
  readonly time: number
  readonly steps: number
  /** Node addresses, by index. */
  readonly names: readonly string[]
  readonly queue: EventQueue
}

/** What a snapshot is when `snapshot` threw: a value no user's snapshot can return. */
const THREW: unique symbol = Symbol('snapshot threw')

/**
 * The checks of one run, in the order the run loop calls them: {@link RunChecks.step} on the
 * first snapshot and after each step, {@link RunChecks.end} once the run is over. Keeps the
 * last snapshot and the refinement tracker; reset for every seed.
 */
export class RunChecks<N extends Nodes, W, A> {
  readonly #sim: CompiledSim<N, W, A>
  /** Refinement against `sim.model` (undefined without a model); the first step restarts it. */
  readonly #refinement: RefinementTracker<A> | undefined
  /** Whether anything is checked on each snapshot: invariants or a model. */
  readonly everyStep: boolean
  /** Whether each step is checked against a model too (then call `stepRefined`). */
  readonly refines: boolean
  /**
   * The world of the run: the final one once it is over, the one a check failed on, or (in a
   * run that keeps its worlds) the last good one when `snapshot` threw.
   */
  world: W | undefined
  /** The step count of the run when `world` was taken (-1: none yet this run). */
  #takenAt = -1
  /**
   * Whether every step's snapshot is kept in `world` (a recorded run: a replay, the minimiser,
   * `simulateSeed`). A sweep keeps none: a snapshot that only the invariants read never leaves
   * the step, so the engine need not even allocate it; a failing seed is replayed, keeping.
   */
  #keep = true
  /** The last run's verdict on its history (undefined when not checked). */
  linearizability: LinearizabilityResult | undefined
  /** Why the last snapshot failed, when {@link RunChecks.#take} returned {@link THREW}. */
  #threw: SimRunFailure | undefined
  /** The step being checked, for {@link RunChecks.#describeStep}. */
  #run: CheckedRun | undefined
  #ev: SimEvent | undefined
  /**
   * Describes the step being checked, for a refinement failure. One closure for the whole
   * simulation, not one per step: under a loader that keeps function names (tsx) creating a
   * closure costs a property definition.
   */
  readonly #describeStep = (): string => when(this.#run!, this.#ev)

  constructor(sim: CompiledSim<N, W, A>) {
    this.#sim = sim
    this.#refinement = sim.model && new RefinementTracker(sim.model)
    this.everyStep = sim.invariantFns.length > 0 || sim.model !== undefined
    this.refines = sim.model !== undefined
  }

  /** Starts a run; `keep`: see {@link RunChecks.#keep}. */
  reset(keep: boolean): void {
    this.world = undefined
    this.#takenAt = -1
    this.#keep = keep
    this.linearizability = undefined
  }

  /** Takes the snapshot of `record` (kept in `world`); the failure when `snapshot` throws. */
  snapshot(record: N, run: CheckedRun, ev: SimEvent | undefined): SimRunFailure | undefined {
    try {
      this.world = this.#sim.snapshot(record)
      this.#takenAt = run.steps
      return undefined
    } catch (e) {
      return snapshotThrew(run, ev, e)
    }
  }

  /**
   * Snapshot and invariants, on the first snapshot (`ev` undefined) and after each step, in a
   * simulation without a model ({@link RunChecks.stepRefined} with one). The hot path of a sweep.
   * Two methods, called from two places, rather than one with a branch: where a snapshot only
   * meets the invariants, the engine can drop its allocation; where it may flow into the model's
   * tracker, it cannot, and one shared body would make every run pay for that.
   */
  step(record: N, run: CheckedRun, ev: SimEvent | undefined): SimRunFailure | undefined {
    const w = this.#take(record, run, ev)
    return w === THREW ? this.#threw : this.#holds(w, run, ev)
  }

  /** {@link RunChecks.step} and then the refinement step: a simulation with a model. */
  stepRefined(record: N, run: CheckedRun, ev: SimEvent | undefined): SimRunFailure | undefined {
    const w = this.#take(record, run, ev)
    if (w === THREW) return this.#threw
    const failed = this.#holds(w, run, ev)
    if (failed !== undefined) return failed
    this.#run = run
    this.#ev = ev
    const broken = refinementFailure(this.#sim, this.#refinement!, w, run, ev, this.#describeStep)
    return broken === undefined ? undefined : this.#failed(w, broken)
  }

  /** The snapshot of `record`, or {@link THREW} (the failure in `#threw`) when `snapshot` threw. */
  #take(record: N, run: CheckedRun, ev: SimEvent | undefined): W | typeof THREW {
    try {
      return this.#sim.snapshot(record)
    } catch (e) {
      this.#threw = snapshotThrew(run, ev, e)
      return THREW
    }
  }

  /** The invariants on snapshot `w` (kept in `world` when the run keeps its worlds). */
  #holds(w: W, run: CheckedRun, ev: SimEvent | undefined): SimRunFailure | undefined {
    if (this.#keep) {
      this.world = w
      this.#takenAt = run.steps
    }
    const sim = this.#sim
    const fns = sim.invariantFns
    for (let i = 0; i < fns.length; i++) {
      let ok: boolean
      try {
        ok = fns[i]!(w)
      } catch (e) {
        return this.#failed(w, invariantFailure(sim, i, true, e, w, run, ev))
      }
      if (!ok) return this.#failed(w, invariantFailure(sim, i, false, undefined, w, run, ev))
    }
    return undefined
  }

  /** A check failed on world `w`: the report shows that world. */
  #failed(w: W, failure: SimRunFailure): SimRunFailure {
    this.world = w
    return failure
  }

  /**
   * Once the run is over, however it ended: the final snapshot, the history (complete now; a
   * violation is a safety failure and outranks a missed goal or a run that never settled), the
   * goal.
   */
  end(
    record: N,
    run: CheckedRun,
    end: SimEnd,
    operations: OperationLog,
  ): SimRunFailure | undefined {
    const sim = this.#sim
    // Every change to the nodes is a step: a snapshot taken after the last step is the final
    // world already (a snapshot is a plain function of the nodes' fields), so a run checked
    // after each step does not build it twice.
    if (this.#takenAt !== run.steps) {
      const broken = this.snapshot(record, run, undefined)
      if (broken !== undefined) return broken
    }
    if (sim.linearizable !== undefined) {
      const verdict = checkRunHistory(operations, sim.linearizable)
      this.linearizability = verdict.result
      if (verdict.failure !== undefined) {
        return {
          ...verdict.failure,
          name: LINEARIZABILITY,
          linearizability: verdict.result,
          history: verdict.history,
        }
      }
    }
    return goalFailure(sim, this.world, end, run)
  }
}

/** The failure of a `snapshot` that threw `e`. */
function snapshotThrew(run: CheckedRun, ev: SimEvent | undefined, e: unknown): SimRunFailure {
  return {
    kind: 'error',
    name: 'snapshot',
    detail: `snapshot threw ${when(run, ev)}: ${describeError(e)}`,
  }
}

/** When a check ran: on the first snapshot (`ev` undefined) or after an event. */
export function when(run: CheckedRun, ev: SimEvent | undefined): string {
  return ev === undefined
    ? 'on the first snapshot (t=0)'
    : `at t=${run.time} after ${describeEvent(ev, run.names)}`
}

/** The failure of invariant `i`: it threw `e` (`threw`), or it does not hold on world `w`. */
function invariantFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  i: number,
  threw: boolean,
  e: unknown,
  w: W,
  run: CheckedRun,
  ev: SimEvent | undefined,
): SimRunFailure {
  const name = sim.invariantNames[i]!
  return threw
    ? {
        kind: 'error',
        name,
        detail: `invariant '${name}' threw ${when(run, ev)}: ${describeError(e)}`,
      }
    : {
        kind: 'safety',
        name,
        detail: `invariant '${name}' violated ${when(run, ev)}; world ${formatValue(w)}`,
      }
}

/**
 * One refinement step: the abstraction of `w` must be a state (or a stutter) of the model.
 * `describeStep` says when (`when(run, ev)`), called only if the step breaks refinement.
 */
function refinementFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  tracker: RefinementTracker<A>,
  w: W,
  run: CheckedRun,
  ev: SimEvent | undefined,
  describeStep: () => string,
): SimRunFailure | undefined {
  let abs: A
  try {
    abs = sim.abstraction!(w)
  } catch (e) {
    return {
      kind: 'error',
      name: 'abstraction',
      detail: `abstraction of the world failed ${when(run, ev)}: ${describeError(e)}`,
    }
  }
  let broken: string | undefined
  try {
    broken = ev === undefined ? tracker.start(abs) : tracker.step(abs, describeStep)
  } catch (e) {
    return {
      kind: 'error',
      name: tracker.model.name,
      detail: `model '${tracker.model.name}' failed during refinement ${when(run, ev)}: ${describeError(e)}`,
    }
  }
  return broken === undefined
    ? undefined
    : { kind: 'refinement', name: tracker.model.name, detail: broken }
}

/**
 * The goal at the end of the run; without a goal, a run must have settled (or stopped at a
 * `maxTime` that was asked for).
 */
function goalFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  world: W | undefined,
  end: SimEnd,
  run: CheckedRun,
): SimRunFailure | undefined {
  if (sim.goal === undefined) {
    if (end === 'maxSteps' || (end === 'maxTime' && !sim.maxTimeExplicit)) {
      const ev = run.queue.peek()
      const next = ev === undefined ? 'none' : `${describeEvent(ev, run.names)} at t=${ev.time}`
      return {
        kind: 'error',
        name: end,
        detail: `the run never settled: ${howItEnded(sim, end, run)} with events still queued (next: ${next}). A run without a goal must run out of events; give a goal (checked at the horizon), set maxTime to make the horizon intended, or stop re-arming timers forever`,
      }
    }
    return undefined
  }
  let ok: boolean
  try {
    ok = sim.goal(world as W)
  } catch (e) {
    return {
      kind: 'error',
      name: sim.goalName,
      detail: `goal '${sim.goalName}' threw: ${describeError(e)}`,
    }
  }
  return ok
    ? undefined
    : {
        kind: 'goal',
        name: sim.goalName,
        detail: `goal '${sim.goalName}' not reached: ${howItEnded(sim, end, run)}; world ${formatValue(world)}`,
      }
}

/**
 * How a run ended, for a goal's failure. A function of its own rather than a closure in
 * {@link goalFailure}: that runs once per seed, and under a loader that keeps function names
 * (tsx) every closure created costs a property definition.
 */
function howItEnded<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  end: SimEnd,
  run: CheckedRun,
): string {
  return end === 'settled'
    ? `the run settled (no events left) at t=${run.time} after ${run.steps} steps`
    : end === 'maxTime'
      ? `the run reached maxTime (${sim.maxTime} ms) after ${run.steps} steps`
      : `the run reached maxSteps (${sim.maxSteps}) at t=${run.time}`
}

/**
 * The nodes a failed check depends on: the node at fault for a node error, otherwise the nodes
 * `snapshot` reads (found by handing it a recording proxy of the node record once). All nodes
 * when that cannot be told (a failing snapshot, a runaway world, a function at fault). A
 * history depends on the nodes that recorded it (`actors`), not on what `snapshot` reads.
 */
export function focusOf<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  record: object,
  actors: () => number[],
  failure: SimRunFailure,
): string[] {
  const names = sim.names
  if (failure.linearizability !== undefined) {
    const recorded = actors()
    return recorded.length === 0 ? [...names] : recorded.map((i) => names[i]!)
  }
  if (failure.kind === 'error') return sim.index.has(failure.name) ? [failure.name] : [...names]
  const read = new Set<string>()
  let all = false
  const proxy = new Proxy(record, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key)
      return Reflect.get(target, key, receiver)
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key)
      return Reflect.has(target, key)
    },
    ownKeys(target) {
      all = true
      return Reflect.ownKeys(target)
    },
  })
  try {
    sim.snapshot(proxy as N)
  } catch {
    return [...names]
  }
  return all ? [...names] : names.filter((n) => read.has(n))
}
