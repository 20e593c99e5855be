/**
 * Validating `simulate`'s options once, up front, into the flat, index-based form the run loop
 * uses: node addresses become indices, links become slots of typed arrays, invariants become
 * parallel arrays. Misuse that no seed could survive throws `SimulationConfigError` here.
 *
 * @module
 */
import { SimulationConfigError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { compileLinearizable, type HistoryCheck } from '../linearizability/run-check.ts'
import { isModel, type Model } from '../model/model.ts'
import { checkOptions } from '../options.ts'
import { FaultSchedule, type ScheduledFault, validateFaults } from './faults.ts'
import { NetworkModel } from './network.ts'
import type { Node, NodeFactory, Nodes } from './node.ts'
import {
  DEFAULT_MAX_STEPS,
  DEFAULT_MAX_TIME,
  MINIMIZE_OPTION_KEYS,
  SIMULATE_OPTION_KEYS,
  type SimChoices,
  type SimulateOptions,
} from './types.ts'

/** A simulation, validated and flattened. */
export interface CompiledSim<N extends Nodes, W, A> {
  readonly factory: NodeFactory<N>
  readonly names: readonly string[]
  readonly index: ReadonlyMap<string, number>
  readonly snapshot: (nodes: N) => W
  readonly invariantNames: readonly string[]
  readonly invariantFns: readonly ((w: W) => boolean)[]
  readonly goal: ((w: W) => boolean) | undefined
  readonly goalName: string
  readonly model: Model<A> | undefined
  readonly abstraction: ((w: W) => A) | undefined
  readonly maxTime: number
  readonly maxTimeExplicit: boolean
  readonly maxSteps: number
  /** Per link `src * n + dst`. */
  readonly loss: Float64Array
  readonly duplicate: Float64Array
  readonly minLatency: Float64Array
  readonly maxLatency: Float64Array
  /** 1 when both latency bounds of the link are integers (integer latencies). */
  readonly intLatency: Uint8Array
  readonly mutate: NetworkModel['mutate']
  readonly faults: readonly ScheduledFault[]
  readonly minimize: boolean
  readonly minimizeMaxRuns: number
  /** The spec every run's history is checked against when the run ends. */
  readonly linearizable: HistoryCheck | undefined
}

/**
 * Validates options and flattens them. `where` names the entry point in an unknown-key error
 * (`simulate()`, `simulateSeed()`).
 */
export function compileSimulation<N extends Nodes, W, A>(
  factory: NodeFactory<N>,
  options: SimulateOptions<N, W, A>,
  where = 'simulate()',
): CompiledSim<N, W, A> {
  if (typeof factory !== 'function') {
    throw new SimulationConfigError(
      `simulate() expects a factory function () => ({ name: node, ... }) as its first argument, got ${typeof factory}`,
    )
  }
  if (options === null || typeof options !== 'object') {
    throw new SimulationConfigError(
      'simulate() expects options { seeds, snapshot, ... } as its second argument',
    )
  }
  // Before anything else reads them: a misspelt key would otherwise be a silent no-op.
  checkOptions(options, where, SIMULATE_OPTION_KEYS)
  const min = options.minimize ?? true
  if (typeof min === 'object' && min !== null) {
    checkOptions(min, where.replace('()', '({ minimize })'), MINIMIZE_OPTION_KEYS)
  }
  const sample = callFactory(factory)
  const names = Object.keys(sample)
  const index = new Map(names.map((n, i) => [n, i] as const))
  if (typeof options.snapshot !== 'function') {
    throw new SimulationConfigError(
      "simulate(): 'snapshot' is required: a function (nodes) => world that reads the nodes' fields into a plain value",
    )
  }
  const invariants = options.invariants ?? {}
  for (const [k, f] of Object.entries(invariants)) {
    if (typeof f !== 'function') {
      throw new SimulationConfigError(
        `simulate(): invariant '${k}' must be a function (world) => boolean, got ${typeof f}`,
      )
    }
  }
  if (options.goal !== undefined && typeof options.goal !== 'function') {
    throw new SimulationConfigError(
      `simulate(): 'goal' must be a function (world) => boolean, got ${typeof options.goal}`,
    )
  }
  const { model, abstraction } = options
  if ((model === undefined) !== (abstraction === undefined)) {
    throw new SimulationConfigError(
      "simulate(): refinement needs both 'model' (from defineModel) and 'abstraction' (world) => model state; one of them is missing",
    )
  }
  if (model !== undefined && !isModel(model)) {
    throw new SimulationConfigError("simulate(): 'model' must be built with defineModel()")
  }
  if (abstraction !== undefined && typeof abstraction !== 'function') {
    throw new SimulationConfigError(
      "simulate(): 'abstraction' must be a function (world) => model state",
    )
  }
  const maxTime = options.maxTime ?? DEFAULT_MAX_TIME
  if (typeof maxTime !== 'number' || !(maxTime >= 0) || Number.isNaN(maxTime)) {
    throw new SimulationConfigError(
      `simulate(): 'maxTime' must be a time >= 0 in virtual ms, got ${String(maxTime)}`,
    )
  }
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) {
    throw new SimulationConfigError(
      `simulate(): 'maxSteps' must be a positive integer, got ${String(maxSteps)}`,
    )
  }
  const network = options.network ?? new NetworkModel()
  if (!(network instanceof NetworkModel)) {
    throw new SimulationConfigError(
      "simulate(): 'network' must be a NetworkModel (new NetworkModel({ loss, ... }))",
    )
  }
  const n = names.length
  const loss = new Float64Array(n * n)
  const duplicate = new Float64Array(n * n)
  const minLatency = new Float64Array(n * n)
  const maxLatency = new Float64Array(n * n)
  const intLatency = new Uint8Array(n * n)
  const d = network.defaults
  for (let l = 0; l < n * n; l++) {
    loss[l] = d.loss
    duplicate[l] = d.duplicate
    minLatency[l] = d.minLatency
    maxLatency[l] = d.maxLatency
  }
  for (const link of network.links) {
    const s = index.get(link.src)
    const t = index.get(link.dst)
    if (s === undefined || t === undefined) {
      const bad = s === undefined ? link.src : link.dst
      throw new SimulationConfigError(
        `NetworkModel link ${link.src} -> ${link.dst} names node '${bad}', which the factory does not build (nodes: ${names.join(', ')})`,
      )
    }
    const l = s * n + t
    loss[l] = link.loss
    duplicate[l] = link.duplicate
    minLatency[l] = link.minLatency
    maxLatency[l] = link.maxLatency
  }
  for (let l = 0; l < n * n; l++) {
    intLatency[l] = Number.isInteger(minLatency[l]) && Number.isInteger(maxLatency[l]) ? 1 : 0
  }
  const faultList =
    options.faults instanceof FaultSchedule ? options.faults.faults : (options.faults ?? [])
  if (!Array.isArray(faultList)) {
    throw new SimulationConfigError(
      "simulate(): 'faults' must be a FaultSchedule or a list of partition(...)/crash(...)",
    )
  }
  validateFaults(faultList, names)
  const maxRuns = typeof min === 'object' ? (min.maxRuns ?? 500) : 500
  const linearizable = compileLinearizable(
    options.linearizable,
    where,
    (m) => new SimulationConfigError(m),
  )
  return {
    factory,
    names,
    index,
    snapshot: options.snapshot,
    invariantNames: Object.keys(invariants),
    invariantFns: Object.values(invariants),
    goal: options.goal,
    goalName: options.goalName ?? 'goal',
    model,
    abstraction,
    maxTime,
    maxTimeExplicit: options.maxTime !== undefined,
    maxSteps,
    loss,
    duplicate,
    minLatency,
    maxLatency,
    intLatency,
    mutate: network.mutate,
    faults: faultList,
    minimize: min !== false,
    minimizeMaxRuns: maxRuns,
    linearizable,
  }
}

/**
 * Calls the factory and checks that it returned a record of nodes. With `out` (once per seed,
 * after a thorough first call) a record with the expected names is only checked for its shape,
 * and its nodes are written to `out` in the order of `expected`, read in the same pass.
 */
export function callFactory<N extends Nodes>(
  factory: NodeFactory<N>,
  expected?: readonly string[],
  out?: Node[],
): N {
  let nodes: N
  try {
    nodes = factory()
  } catch (e) {
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    throw new SimulationConfigError(
      `simulate(): the node factory threw ${what}; it must build a fresh record of nodes ({ name: node }) on every call`,
      { cause: e },
    )
  }
  if (out !== undefined && expected !== undefined && nodes !== null && typeof nodes === 'object') {
    let i = 0
    let same = true
    for (const name in nodes) {
      const node = (nodes as Record<string, unknown>)[name]
      if (name !== expected[i] || typeof node !== 'object' || node === null) {
        same = false
        break
      }
      out[i++] = node as Node
    }
    if (same && i === expected.length) return nodes
  }
  if (nodes === null || typeof nodes !== 'object' || Array.isArray(nodes)) {
    throw new SimulationConfigError(
      `simulate(): the factory must return a record of nodes { name: node, ... }, got ${formatValue(nodes)}`,
    )
  }
  const names = Object.keys(nodes)
  if (names.length === 0) {
    throw new SimulationConfigError(
      'simulate(): the factory returned no nodes; return at least one { name: node }',
    )
  }
  for (const name of names) checkNode(name, (nodes as Record<string, Node>)[name])
  if (
    expected !== undefined &&
    (names.length !== expected.length || names.some((x, i) => x !== expected[i]))
  ) {
    throw new SimulationConfigError(
      `simulate(): the factory must build the same nodes every time; it built [${names.join(', ')}] after [${expected.join(', ')}]`,
    )
  }
  if (out !== undefined) for (let i = 0; i < names.length; i++) out[i] = nodes[names[i]!]!
  return nodes
}

function checkNode(name: string, node: unknown): void {
  const ok =
    node !== null &&
    typeof node === 'object' &&
    ['onStart', 'onMessage', 'onTimer'].every((h) => {
      const f = (node as Record<string, unknown>)[h]
      return f === undefined || typeof f === 'function'
    })
  if (!ok) {
    throw new SimulationConfigError(
      `simulate(): node '${name}' is not a node; give an object with onStart/onMessage/onTimer handlers (extend BaseNode), got ${formatValue(node)}`,
    )
  }
}

/** The choice set as key sets, for the run loop. */
export interface CompiledChoices {
  readonly faults: ReadonlySet<number>
  readonly losses: ReadonlySet<number>
  readonly duplicates: ReadonlySet<number>
  readonly corruptions: ReadonlySet<number>
  /** See {@link SimChoices.until}. */
  readonly until?: number
}

/** Resolves a {@link SimChoices} against the node names; throws on unknown nodes or faults. */
export function compileChoices(
  c: SimChoices,
  names: readonly string[],
  faultCount: number,
): CompiledChoices {
  const n = names.length
  const index = new Map(names.map((x, i) => [x, i] as const))
  const keys = (refs: SimChoices['losses'], what: string): Set<number> =>
    new Set(
      refs.map((r) => {
        const s = index.get(r.src)
        const t = index.get(r.dst)
        if (s === undefined || t === undefined || !Number.isSafeInteger(r.n) || r.n < 0) {
          throw new SimulationConfigError(
            `choices.${what}: ${formatValue(r)} is not a message of this simulation (nodes: ${names.join(', ')})`,
          )
        }
        return messageKey(s, t, r.n, n)
      }),
    )
  for (const f of c.faults) {
    if (!Number.isSafeInteger(f) || f < 0 || f >= faultCount) {
      throw new SimulationConfigError(
        `choices.faults: ${f} is not an index into the fault schedule (${faultCount} faults)`,
      )
    }
  }
  if (c.until !== undefined && !(typeof c.until === 'number' && c.until >= 0)) {
    throw new SimulationConfigError(
      `choices.until: ${formatValue(c.until)} is not a virtual time (a number of milliseconds, 0 or more)`,
    )
  }
  return {
    ...(c.until !== undefined && { until: c.until }),
    faults: new Set(c.faults),
    losses: keys(c.losses, 'losses'),
    duplicates: keys(c.duplicates, 'duplicates'),
    corruptions: keys(c.corruptions, 'corruptions'),
  }
}

/** A message's identity across replays: its link and its ordinal on that link. */
export function messageKey(src: number, dst: number, ordinal: number, n: number): number {
  return ordinal * n * n + src * n + dst
}
