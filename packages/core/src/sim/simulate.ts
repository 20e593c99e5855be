/**
 * `simulate`: run real node code over many seeds under a virtual clock and a seeded,
 * fault-injecting network, holding every run to invariants, a goal and (optionally) a model.
 *
 * @module
 */

import { MusilError, SimulationConfigError } from '../errors.ts'
import { markCheckedSpec } from '../linearizability/run-check.ts'
import { explainMissingMatchers } from '../matcher-placeholders.ts'
import { checkSeed, seedCountProblem } from '../random/seed.ts'
import { compileChoices, compileSimulation } from './compile.ts'
import { minimizeRun } from './minimize.ts'
import type { NodeFactory, Nodes } from './node.ts'
import { causalSlice } from './slice.ts'
import type {
  SimChecks,
  SimChoices,
  SimFailure,
  SimReport,
  SimRun,
  SimulateOptions,
} from './types.ts'
import { type RunOutcome, SimWorld } from './world.ts'

/**
 * Simulates the nodes built by `factory` once per seed. Each seed gets a fresh world: the
 * factory is called, every node's `onStart` runs at t=0, then events (deliveries, timers,
 * faults) run one at a time in (virtual time, scheduling order). Invariants and refinement are
 * checked on the first snapshot and after every step; the goal once the run settles (no events
 * left) or reaches `maxTime`/`maxSteps`. The sweep stops at the first failing seed, which is
 * replayed to confirm it is deterministic and then minimised to its shortest failing trace.
 *
 * A run is a pure function of its seed: `seeds: [failure.seed]` replays it bit for bit.
 *
 * @example
 * const report = simulate(() => ({ cp: new ControlPlane(), agent: new Agent() }), {
 *   seeds: 300,
 *   snapshot: (n) => ({ desired: n.cp.desired, applied: n.agent.applied }),
 *   network: new NetworkModel({ loss: 0.3, minLatency: 1, maxLatency: 3 }),
 *   goal: (w) => w.applied === w.desired,
 *   goalName: 'applied==desired',
 * })
 * if (!report.ok) console.log(formatSimTrace(report.failure!.minimized))
 *
 * @throws {SimulationConfigError} when the options are malformed (before any seed runs).
 * @throws {OptionsError} when the options (or a fault, or `minimize`) have a key they cannot have.
 * @throws {MusilError} when a failing seed does not fail the same way on replay: node code reads
 *   a source of nondeterminism (Math.random, Date.now, real timers, shared state across runs).
 */
export function simulate<N extends Nodes, W, A = unknown>(
  factory: NodeFactory<N>,
  options: SimulateOptions<N, W, A>,
): SimReport<W> {
  explainMissingMatchers()
  const started = performance.now()
  const sim = compileSimulation(factory, options)
  const world = new SimWorld(sim)
  let runs = 0
  let steps = 0
  let unsettled = 0
  let failure: SimFailure<W> | undefined
  // One seed: run it, and on failure replay, minimise and report it. True stops the sweep.
  const runSeed = (seed: number): boolean => {
    runs++
    const end = world.play(seed)
    steps += world.steps
    if (end === 'maxTime' || end === 'maxSteps') unsettled++
    if (world.failure === undefined) return false
    failure = reportFailure(world, seed, world.outcome(end))
    return true
  }
  const seeds = options.seeds
  if (typeof seeds === 'number') {
    const problem = seedCountProblem(seeds)
    if (problem !== undefined) {
      throw new SimulationConfigError(`simulate(): 'seeds': ${problem}; or give a list of seeds`)
    }
    for (let seed = 0; seed < seeds; seed++) if (runSeed(seed)) break
  } else {
    if (
      seeds === null ||
      typeof seeds !== 'object' ||
      typeof seeds[Symbol.iterator] !== 'function'
    ) {
      throw new SimulationConfigError(
        `simulate(): 'seeds' must be a count or a list of integer seeds, got ${String(seeds)}`,
      )
    }
    for (const seed of seeds) {
      checkRunSeed(seed, 'simulate()')
      if (runSeed(seed)) break
    }
  }
  if (runs === 0) {
    throw new SimulationConfigError(
      "simulate(): 'seeds' is empty; give a count (seeds: 100) or a list of seeds",
    )
  }
  const stats = { steps, unsettled, durationMs: performance.now() - started }
  const goal = options.goal === undefined ? undefined : (options.goalName ?? 'goal')
  const checked: SimChecks = {
    invariants: Object.keys(options.invariants ?? {}),
    goals: goal === undefined ? [] : [goal],
    ...(goal !== undefined && { goal }),
    refinement: options.model !== undefined,
    linearizable: sim.linearizable !== undefined,
  }
  const report: SimReport<W> =
    failure === undefined
      ? { ok: true, runs, stats, checked }
      : { ok: false, runs, failure, stats, checked }
  // Not data (it holds the factory): hidden from enumeration, so reports stay serialisable.
  Object.defineProperty(report, RERUN, {
    value: (extra: Partial<SimulateOptions<N, W, A>>) =>
      simulate(factory, { ...options, ...extra }),
  })
  markCheckedSpec(report, sim.linearizable)
  return report
}

/**
 * The key under which a report from `simulate` keeps a way to run the same seeds again with
 * other options: `expect(report).toRefine(model, abstraction)` uses it. It does not survive a
 * worker thread or serialisation.
 */
export const RERUN: unique symbol = Symbol.for('musil.simulate.rerun')

/**
 * Runs one seed and returns everything about it, failing or not: the trace (for digests and
 * rendering), the final world, how it ended, and its fault choices. With `choices`, the run is
 * scripted: exactly the listed faults happen (see {@link SimChoices}); this replays a
 * minimised failure. `options.seeds` is ignored; no minimisation is done.
 *
 * @example
 * const run = simulateSeed(factory, options, 7)
 * const again = simulateSeed(factory, options, 7)
 * traceDigest(run.trace) === traceDigest(again.trace) // true
 */
export function simulateSeed<N extends Nodes, W, A = unknown>(
  factory: NodeFactory<N>,
  options: Omit<SimulateOptions<N, W, A>, 'seeds'> & {
    readonly seeds?: SimulateOptions<N, W, A>['seeds']
  },
  seed: number,
  choices?: SimChoices,
): SimRun<W> {
  const sim = compileSimulation(factory, { ...options, seeds: [seed] }, 'simulateSeed()')
  checkRunSeed(seed, 'simulateSeed()')
  const script = choices && compileChoices(choices, sim.names, sim.faults.length)
  const world = new SimWorld(sim)
  const out = world.run(seed, script, true)
  return {
    seed,
    ok: out.failure === undefined,
    end: out.end,
    steps: out.steps,
    time: out.time,
    world: out.world,
    trace: world.trace(),
    choices: world.choices(),
    history: out.failure?.history ?? world.history(),
    ...(out.linearizability && { linearizability: out.linearizability }),
    ...(out.failure && {
      failure: { kind: out.failure.kind, name: out.failure.name, detail: out.failure.detail },
    }),
  }
}

/** The seed rule, refused as `fn`'s own usage error (`simulateSeed(): seed -1 is not a seed; …`). */
function checkRunSeed(s: unknown, fn: string): void {
  checkSeed(s, fn, (where, problem) => new SimulationConfigError(`${where}: ${problem}`))
}

/** Replays a failing seed (it must fail the same way), then minimises it into a `SimFailure`. */
function reportFailure<N extends Nodes, W, A>(
  world: SimWorld<N, W, A>,
  seed: number,
  out: RunOutcome<W>,
): SimFailure<W> {
  const sim = world.sim
  const f = out.failure!
  // The sweep only counted this seed's events: replay it with its trace and choices recorded.
  // The same seed must fail the same way, after as many events.
  const events = world.log.length
  const again = world.run(seed, undefined, true)
  const trace = world.trace()
  // A history check that ran out of time reads the clock: its replay may get a verdict.
  const timedOut = f.linearizability?.result === 'unknown'
  if (
    world.log.length !== events ||
    (timedOut
      ? again.failure !== undefined && again.failure.name !== f.name
      : again.failure?.kind !== f.kind || again.failure.name !== f.name)
  ) {
    throw new MusilError(
      `seed ${seed} is not deterministic: it failed with ${f.kind} '${f.name}' after ${events} trace events, but its replay ended with ${again.failure ? `${again.failure.kind} '${again.failure.name}'` : 'no failure'} after ${world.log.length}; node code must not read Math.random, Date.now, real timers or state shared between runs`,
    )
  }
  const focus = world.focus(f)
  let choices = world.choices()
  let minimized = causalSlice(trace, focus)
  let minimizeRuns = 0
  let minimizedDetail = f.detail
  let history = f.linearizability && {
    history: f.history!,
    linearizability: f.linearizability,
  }
  // A run that never settled is its own story (and the longest there is): nothing to shrink.
  // Nor is a history check that ran out of time: each replay would spend its budget again.
  const runaway = f.kind === 'error' && (f.name === 'maxSteps' || f.name === 'maxTime')
  if (sim.minimize && !runaway && !timedOut) {
    const m = minimizeRun(world, seed, f, focus, sim.minimizeMaxRuns)
    minimizeRuns = m.runs
    minimized = m.trace
    choices = m.choices
    minimizedDetail = m.detail
    if (m.history !== undefined)
      history = { history: m.history, linearizability: m.linearizability! }
  }
  return {
    kind: f.kind,
    seed,
    name: f.name,
    detail: f.detail,
    // The replay's world: a sweep keeps no snapshot it does not need (see RunChecks), and a
    // deterministic replay ends in the same world.
    world: again.world,
    time: out.time,
    trace,
    focus,
    minimized,
    minimizedDetail,
    originalLength: trace.length,
    choices,
    minimizeRuns,
    ...history,
  }
}
