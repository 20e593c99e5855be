/**
 * Simulation targets: a simulation (callback nodes for `simulate`) or a scenario (async code for
 * `explore`) packaged as a plain value, so one definition runs in a test, in a sweep's worker
 * threads and in a replay alike. This module does not import Vitest: worker threads load it.
 *
 * @module
 */
import {
  explore,
  failureWindow,
  formatHistory,
  formatSimTrace,
  formatValue,
  type HistoryDiagram,
  historyDiagram,
  type LinearizabilityResult,
  type NodeFactory,
  type Nodes,
  type Operation,
  type RunChecks,
  type RunFailure,
  type RunOptions,
  type RunReport,
  replay,
  type Scenario,
  type SequentialSpec,
  type SimulateOptions,
  simulate,
  simulateSeed,
  type TraceEvent,
  toMermaidSequence,
  traceDigest,
} from '@musil/core'
import { checkOptions, mergeRunChecks, NO_CHECKS, OPTION_KEYS } from '@musil/core/internal'
import type { ReportedEvent, ReportedFailure } from './context.ts'
import { SweepError } from './errors.ts'

/**
 * Callback nodes under `simulate`: the factory and every option but the seeds, which the test or
 * the sweep supplies.
 */
export interface SimulationTarget<N extends Nodes = Nodes, W = unknown, A = unknown> {
  readonly factory: NodeFactory<N>
  readonly options: Omit<SimulateOptions<N, W, A>, 'seeds'>
}

/** Async code under `explore`: the scenario and every option but the seeds. */
export interface ScenarioTarget {
  readonly scenario: Scenario
  readonly options?: RunOptions
}

/**
 * The keys the options of a {@link SimulationTarget} (and of `simTest`'s `simulate` fixture) may
 * have: those of `simulate` but `seeds`, which the test or the sweep supplies.
 */
export const SIMULATION_TARGET_OPTION_KEYS: readonly string[] = OPTION_KEYS.SimulateOptions.filter(
  (k) => k !== 'seeds',
)

/** Anything a simulation test or a sweep can run: see {@link defineSimulation}, {@link defineScenario}. */
export type SimTarget = SimulationTarget<any, any, any> | ScenarioTarget

/**
 * Packages callback nodes and their `simulate` options (without `seeds`) as a target. Export it
 * from a module to sweep it over worker threads.
 *
 * @example
 * export const routeDelivery = defineSimulation(() => ({ cp: new ControlPlane(), agent: new Agent() }), {
 *   snapshot: (n) => ({ desired: n.cp.desired, applied: n.agent.applied }),
 *   network: new NetworkModel({ loss: 0.3 }),
 *   goal: (w) => w.applied === w.desired,
 * })
 *
 * @throws {OptionsError} when `options` (or its `minimize`) has a key `simulate` does not know,
 *   or `seeds`.
 */
export function defineSimulation<N extends Nodes, W, A = unknown>(
  factory: NodeFactory<N>,
  options: Omit<SimulateOptions<N, W, A>, 'seeds'>,
): SimulationTarget<N, W, A> {
  checkOptions(options, 'defineSimulation()', SIMULATION_TARGET_OPTION_KEYS)
  // Here too, not only in simulate(): a sweep's chunks run with `minimize: false`, so a typo in
  // these options would be ignored until a seed failed, and then hide that failure.
  const { minimize } = options
  if (minimize !== null && typeof minimize === 'object') {
    checkOptions(
      minimize,
      'defineSimulation({ minimize })',
      OPTION_KEYS['SimulateOptions.minimize'],
    )
  }
  return { factory, options }
}

/**
 * Packages an async scenario and its `explore` options (without `seeds`) as a target.
 *
 * @example
 * export const election = defineScenario(async (world) => { ... }, { strategy: 'pct' })
 *
 * @throws {OptionsError} when `options` has a key `explore` does not know, or `seeds`.
 */
export function defineScenario(scenario: Scenario, options: RunOptions = {}): ScenarioTarget {
  checkOptions(options, 'defineScenario()', OPTION_KEYS.RunOptions)
  return { scenario, options }
}

/** True for a {@link ScenarioTarget}. */
export function isScenarioTarget(t: SimTarget): t is ScenarioTarget {
  return typeof (t as ScenarioTarget).scenario === 'function'
}

/**
 * Checks that `value` is a target; `where` names it in the error (e.g. the module and export).
 * A bare async function is accepted as a scenario.
 */
export function asTarget(value: unknown, where: string): SimTarget {
  if (typeof value === 'function') return { scenario: value as Scenario }
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (typeof v.scenario === 'function') return value as ScenarioTarget
    if (typeof v.factory === 'function' && v.options !== null && typeof v.options === 'object') {
      return value as SimulationTarget
    }
  }
  throw new SweepError(
    `${where} is not a simulation target: export defineSimulation(factory, options) or defineScenario(scenario, options) from @musil/vitest/target (got ${value === null ? 'null' : typeof value})`,
  )
}

/** One failing seed, as a sweep collects it (plain data). */
export interface SeedFailure {
  readonly seed: number
  readonly kind: RunFailure['kind']
  readonly detail: string
}

/** What a chunk of seeds came to: its failing seeds and what its runs checked. */
export interface ChunkOutcome {
  readonly failures: readonly SeedFailure[]
  readonly checked: RunChecks
}

/**
 * Runs `seeds` in order and returns the failing ones, with what the runs checked (so a sweep's
 * report can say it, as `simulate`'s does). Unlike `simulate`/`explore`, it does not stop at the
 * first failure: a sweep must know every failing seed of its chunk. Nothing is minimised here;
 * {@link runSeed} does that for the one failure that is reported in full.
 */
export async function failingSeeds(
  target: SimTarget,
  seeds: readonly number[],
): Promise<ChunkOutcome> {
  const failures: SeedFailure[] = []
  let checked = NO_CHECKS
  const ran = (r: RunReport): void => {
    if (r.checked !== undefined) checked = mergeRunChecks(checked, r.checked)
  }
  let rest = seeds
  while (rest.length > 0) {
    let report: RunReport
    try {
      report = await run(target, rest, false)
    } catch {
      // The runtime itself threw (a seed that does not replay the same way, a misconfigured
      // target): find the seed by running each one alone, and keep going after it.
      for (const seed of rest) {
        try {
          const r = await run(target, [seed], false)
          ran(r)
          if (r.failure) failures.push({ seed, kind: r.failure.kind, detail: r.failure.detail })
        } catch (e) {
          const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
          failures.push({ seed, kind: 'error', detail })
        }
      }
      break
    }
    ran(report)
    const f = report.failure
    if (f === undefined) break
    failures.push({ seed: f.seed, kind: f.kind, detail: f.detail })
    rest = rest.slice(rest.indexOf(f.seed) + 1)
  }
  return { failures, checked }
}

/** Runs one seed exactly as a test does: a full report, minimised when the runtime minimises. */
export function runSeed(target: SimTarget, seed: number): Promise<RunReport> {
  return run(target, [seed], true)
}

async function run(
  target: SimTarget,
  seeds: readonly number[],
  minimize: boolean,
): Promise<RunReport> {
  if (isScenarioTarget(target)) return explore(target.scenario, { ...target.options, seeds })
  const options = minimize ? target.options : { ...target.options, minimize: false }
  return simulate(target.factory, { ...options, seeds })
}

/**
 * The digest of one seed's full trace (`traceDigest` for simulations, `timelineDigest` for
 * scenarios): equal digests, equal runs. Used to prove a seed runs the same in any thread.
 */
export async function seedDigest(target: SimTarget, seed: number): Promise<string> {
  if (isScenarioTarget(target))
    return (await replay(target.scenario, { ...target.options, seed })).digest
  return traceDigest(simulateSeed(target.factory, target.options, seed).trace)
}

/** The events a failure is best read from: the minimised trace when there is one, else the trace. */
export function failureTrace(failure: RunFailure): readonly TraceEvent[] {
  return failure.minimized ?? failure.trace
}

/** A failure in one line, as every musil message heads it: `goal failure on seed 6: goal '…' not reached …`. */
export function failureHeadline(f: { kind: string; seed: number; detail: string }): string {
  return `${f.kind} failure on seed ${f.seed}: ${f.detail}`
}

/**
 * How the run {@link failureTrace} shows fails. A minimised trace can come from a replay with
 * fewer faults that fails earlier than the seed's own run: its detail, not the original's, heads it.
 */
export function failureDetail(failure: RunFailure): string {
  return failure.minimizedDetail ?? failure.detail
}

/** The most operations of a history drawn whole, when no violation says where to look. */
const UNCENTRED_HISTORY_MAX = 60

/** Where `simulate`, `explore` and `replay` keep the spec their runs' histories were checked against. */
const CHECKED_SPEC = Symbol.for('musil.linearizable.spec')

/** Where a shipped spec (`registerSpec()`, …) of `@musil/core` keeps how it was made. */
const SPEC_ORIGIN = Symbol.for('musil.spec.origin')

/**
 * Whether `a` and `b` are the same spec: the same object, or two shipped specs made the same
 * way (`registerSpec()` twice), which behave alike.
 */
export function sameSpec(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true
  const origin = (a as { [SPEC_ORIGIN]?: string } | undefined)?.[SPEC_ORIGIN]
  return (
    origin !== undefined && origin === (b as { [SPEC_ORIGIN]?: string } | undefined)?.[SPEC_ORIGIN]
  )
}

/**
 * The spec the runs of `report` checked their histories against, when the report is from
 * `simulate`, `explore` or `replay` in this thread (the spec does not cross threads).
 */
export function checkedSpecOf(
  report: RunReport,
): SequentialSpec<unknown, unknown, unknown> | undefined {
  return (report as { [CHECKED_SPEC]?: SequentialSpec<unknown, unknown, unknown> })[CHECKED_SPEC]
}

/** A failure's history and the operations of it to draw, when it has one worth drawing. */
interface DrawnHistory {
  readonly history: readonly Operation<unknown, unknown>[]
  readonly result: LinearizabilityResult | undefined
  /**
   * The indices drawn: a window around the violation, or all of a short history; `undefined`
   * for a long history without a violation to centre on, which is not drawn.
   */
  readonly operations: readonly number[] | undefined
}

/** What of a failure's history the report draws, as text and as a picture alike. */
function drawnHistory(failure: RunFailure): DrawnHistory | undefined {
  const history = failure.history
  if (history === undefined) return undefined
  const result = failure.linearizability
  const violation = result?.violation
  if (violation !== undefined) {
    return { history, result, operations: failureWindow(history, violation) }
  }
  // Without a violation to centre on (no verdict), only a short history is worth drawing.
  if (history.length > UNCENTRED_HISTORY_MAX) return { history, result, operations: undefined }
  return { history, result, operations: [...history.keys()] }
}

/**
 * The history of a linearizability failure as a per-client timeline (one line per client,
 * intervals in virtual ms, the operation that cannot be placed marked), headed by one line;
 * `undefined` for a failure without a history. Operations read as `spec` describes them, when
 * it is known.
 */
export function failureHistory(
  failure: RunFailure,
  spec?: SequentialSpec<unknown, unknown, unknown>,
): string | undefined {
  const drawn = drawnHistory(failure)
  if (drawn === undefined) return undefined
  const head = `history of the failing run (${drawn.history.length} operations, virtual ms)`
  if (drawn.operations === undefined) {
    return `${head}: too long to draw without a violation (failure.history has it)`
  }
  const text = formatHistory(drawn.history, {
    ...(spec !== undefined && { spec }),
    ...(drawn.result?.violation !== undefined && { violation: drawn.result.violation }),
    operations: drawn.operations,
  })
  return `${head}:\n${text}`
}

/**
 * The operations {@link failureHistory} draws, as data for a picture (see `historyDiagram`);
 * `undefined` when it draws none.
 */
export function failureHistoryDiagram(
  failure: RunFailure,
  spec?: SequentialSpec<unknown, unknown, unknown>,
): HistoryDiagram | undefined {
  const drawn = drawnHistory(failure)
  if (drawn?.operations === undefined) return undefined
  return historyDiagram(drawn.history, drawn.result, {
    ...(spec !== undefined && { spec }),
    operations: drawn.operations,
  })
}

/**
 * A failure as reports show it: plain JSON, so it survives worker threads and task meta.
 * `spec`, when known (see {@link checkedSpecOf}), describes a history's operations and states.
 */
export function reportedFailure(
  failure: RunFailure,
  spec?: SequentialSpec<unknown, unknown, unknown>,
): ReportedFailure {
  const events = failureTrace(failure)
  const original = failure.originalLength
  const detail = failureDetail(failure)
  const history = failureHistory(failure, spec)
  const historyDiagram = failureHistoryDiagram(failure, spec)
  const trace = formatSimTrace(events)
  return {
    kind: failure.kind,
    seed: failure.seed,
    detail,
    trace,
    mermaid: toMermaidSequence(events),
    events: reportedEvents(events, trace.split('\n')),
    ...(history !== undefined && { history }),
    ...(historyDiagram !== undefined && { historyDiagram }),
    ...(original !== undefined && original !== events.length && { originalLength: original }),
    ...(detail !== failure.detail && { originalDetail: failure.detail }),
  }
}

/** The events as the report draws them: who, when, and the line of the trace that says what. */
function reportedEvents(events: readonly TraceEvent[], lines: readonly string[]): ReportedEvent[] {
  // One line per event, unless a name or detail holds a newline: then each event on its own.
  const aligned = lines.length === events.length
  return events.map((e, i) => {
    const payload = e.payload === undefined ? undefined : formatValue(e.payload)
    return {
      t: e.t,
      kind: e.kind,
      ...(e.node !== undefined && { node: e.node }),
      ...(e.src !== undefined && { src: e.src }),
      ...(e.dst !== undefined && { dst: e.dst }),
      line: (aligned ? lines[i]! : formatSimTrace([e])).trim(),
      ...(payload !== undefined && {
        payload: payload.length > 60 ? `${payload.slice(0, 59)}…` : payload,
      }),
    }
  })
}
