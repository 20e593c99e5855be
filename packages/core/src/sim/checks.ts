/**
 * The checks of a simulated run, after the run loop has taken a snapshot: the invariants, the
 * refinement step, the goal at the end, and which nodes a failed check depends on. Each returns
 * the failure it found (or `undefined`); the run loop decides what stops. Nothing here is
 * formatted unless a check fails.
 *
 * @module
 */
import { describeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import type { CompiledSim } from './compile.ts'
import { describeEvent } from './describe.ts'
import type { EventQueue, SimEvent } from './event-queue.ts'
import type { Nodes } from './node.ts'
import type { RefinementTracker } from './refinement-tracker.ts'
import type { SimEnd, SimRunFailure } from './types.ts'

/** What the checks read of the run: where it is, for the failure's words. */
export interface CheckedRun {
  readonly time: number
  readonly steps: number
  /** Node addresses, by index. */
  readonly names: readonly string[]
  readonly queue: EventQueue
}

/** When a check ran: on the first snapshot (`ev` undefined) or after an event. */
export function when(run: CheckedRun, ev: SimEvent | undefined): string {
  return ev === undefined
    ? 'on the first snapshot (t=0)'
    : `at t=${run.time} after ${describeEvent(ev, run.names)}`
}

/** The first invariant that throws or does not hold on `w`, in declaration order. */
export function invariantFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  w: W,
  run: CheckedRun,
  ev: SimEvent | undefined,
): SimRunFailure | undefined {
  const fns = sim.invariantFns
  for (let i = 0; i < fns.length; i++) {
    let ok: boolean
    try {
      ok = fns[i]!(w)
    } catch (e) {
      const name = sim.invariantNames[i]!
      return {
        kind: 'error',
        name,
        detail: `invariant '${name}' threw ${when(run, ev)}: ${describeError(e)}`,
      }
    }
    if (!ok) {
      const name = sim.invariantNames[i]!
      return {
        kind: 'safety',
        name,
        detail: `invariant '${name}' violated ${when(run, ev)}; world ${formatValue(w)}`,
      }
    }
  }
  return undefined
}

/** One refinement step: the abstraction of `w` must be a state (or a stutter) of the model. */
export function refinementFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  tracker: RefinementTracker<A>,
  w: W,
  run: CheckedRun,
  ev: SimEvent | undefined,
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
    broken = ev === undefined ? tracker.start(abs) : tracker.step(abs, () => when(run, ev))
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
export function goalFailure<N extends Nodes, W, A>(
  sim: CompiledSim<N, W, A>,
  world: W | undefined,
  end: SimEnd,
  run: CheckedRun,
): SimRunFailure | undefined {
  // Built only for a failure: most runs reach their goal, and this runs once per seed.
  const how = (): string =>
    end === 'settled'
      ? `the run settled (no events left) at t=${run.time} after ${run.steps} steps`
      : end === 'maxTime'
        ? `the run reached maxTime (${sim.maxTime} ms) after ${run.steps} steps`
        : `the run reached maxSteps (${sim.maxSteps}) at t=${run.time}`
  if (sim.goal === undefined) {
    if (end === 'maxSteps' || (end === 'maxTime' && !sim.maxTimeExplicit)) {
      const ev = run.queue.peek()
      const next = ev === undefined ? 'none' : `${describeEvent(ev, run.names)} at t=${ev.time}`
      return {
        kind: 'error',
        name: end,
        detail: `the run never settled: ${how()} with events still queued (next: ${next}). A run without a goal must run out of events; give a goal (checked at the horizon), set maxTime to make the horizon intended, or stop re-arming timers forever`,
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
        detail: `goal '${sim.goalName}' not reached: ${how()}; world ${formatValue(world)}`,
      }
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
