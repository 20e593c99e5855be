/**
 * `checkLiveness`: does every fair behaviour of a model eventually reach a goal (`<>goal`), or
 * reach it again and again (`[]<>goal`)? Decided on the strongly connected components of the
 * reachable graph, with TLA+'s semantics: behaviours may stutter, and fairness is about steps
 * that change the state.
 *
 * @module
 */
import { ModelDefinitionError } from '../errors.ts'
import { isModel, type Model } from '../model/model.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import {
  type ActionFairness,
  type AnyLivenessGraph,
  buildLivenessGraph,
  type Fairness,
  type LivenessGraph,
} from './liveness-graph.ts'
import { fairCycle, initialState, replayPath, STUTTER, shortestPrefix } from './liveness-lasso.ts'
import { findFairComponents } from './liveness-scc.ts'
import type { Incompleteness, Step } from './types.ts'

const TWO_POW_64 = 2 ** 64

/** Options of {@link checkLiveness}. */
export interface LivenessOptions<S> {
  /** The state predicate every fair behaviour must reach. */
  goal: (s: S) => boolean
  /** Name of the goal in results and messages (default `goal`). */
  goalName?: string
  /**
   * `false` (the default): from every initial state, every fair behaviour eventually reaches
   * the goal (TLA+ `<>goal`). `true`: from every reachable state, it reaches the goal again,
   * that is, the goal holds infinitely often (`[]<>goal`): the design always converges.
   */
  everywhere?: boolean
  /**
   * Weakly fair actions, by name, or `'all'`: such an action cannot stay enabled forever without
   * taking a step that changes the state. Naming an `action.each` makes each of its instances
   * fair on its own (every philosopher eventually eats, not just some philosopher); naming one
   * instance by its label, `eat(2)`, makes that instance alone fair (a component's action for
   * one id, in a composed model); so does the label an action gives its instances (a channel's
   * delivery of one message, `n1 → n2 vote(term 2)`).
   */
  fair?: readonly string[] | 'all'
  /**
   * Strongly fair actions, by name, or `'all'`: such an action cannot be enabled infinitely
   * often without taking a step that changes the state. Implies weak fairness. Instances are
   * named as in `fair`.
   */
  strongFair?: readonly string[] | 'all'
  /** Stop after storing this many states (the result is then incomplete, never `ok`). */
  maxStates?: number
}

/** The keys {@link LivenessOptions} may have: anything else is a typo `checkLiveness` rejects. */
export const LIVENESS_OPTION_KEYS: readonly OptionKey<LivenessOptions<unknown>>[] = keyList<
  LivenessOptions<unknown>
>()(['goal', 'goalName', 'everywhere', 'fair', 'strongFair', 'maxStates'])

/** Why a liveness result may not mean what it seems to. */
export interface LivenessWarning {
  /**
   * `no-fairness`: nothing is assumed fair, so stuttering refutes every goal that does not
   * already hold; `constraint`, `symmetry`, `view`: the explored graph is not the model's real
   * behaviour graph, so a pass may be vacuous and a lasso may not be a real behaviour;
   * `unmatched-instance`: `fair` names an instance (`vote(p9)`) no reachable state enables.
   */
  readonly code: 'no-fairness' | 'constraint' | 'symmetry' | 'view' | 'unmatched-instance'
  readonly message: string
}

/** A liveness counterexample: a fair behaviour that runs `prefix`, then repeats `cycle` forever. */
export interface LivenessViolation<S> {
  readonly kind: 'liveness'
  /** The goal's name. */
  readonly name: string
  /** One sentence a person can read. */
  readonly message: string
  /** A shortest path from an initial state (`prefix[0].action === 'init'`) to where the cycle starts. */
  readonly prefix: Step<S>[]
  /**
   * Steps from the last state of `prefix` back to it, repeated forever. A single step labelled
   * `(stutter)` means the behaviour stops there: nothing fair is left to happen.
   */
  readonly cycle: Step<S>[]
}

/** Counters of a liveness check. */
export interface LivenessStats {
  /** Reachable states stored. */
  distinct: number
  /** Initial states plus every successor produced, duplicates included. */
  generated: number
  /** State-changing steps in the graph (self-loops are stutters and are not kept). */
  transitions: number
  /** BFS levels, the initial states being level 1. */
  depth: number
  /** Strongly connected components examined, including those split for strong fairness. */
  components: number
  /** Fair action instances that occur in the graph. */
  fairInstances: number
  durationMs: number
  /** Estimated probability that two distinct states shared a fingerprint (see `check`). */
  collisionProbability: number
  /** Bytes held by the visited-state store and the graph's arrays. */
  storeBytes: number
}

/** What {@link checkLiveness} returns: plain data. */
export interface LivenessResult<S> {
  /** True only when the graph was fully explored and no fair behaviour misses the goal. */
  readonly ok: boolean
  /** False when `maxStates` cut the exploration. A violation found anyway is still real. */
  readonly complete: boolean
  readonly stats: LivenessStats
  /** Reasons the result may be vacuous or unsound; empty when there are none. */
  readonly warnings: LivenessWarning[]
  readonly violation?: LivenessViolation<S>
  /** Set when `complete` is false. */
  readonly incomplete?: Incompleteness
  /** The model's name. */
  readonly model: string
}

/**
 * Checks that every fair behaviour of `model` reaches `opts.goal` (with `everywhere`, reaches it
 * infinitely often). Behaviours may stutter, so without fairness a goal that does not hold
 * initially is refuted by the behaviour that does nothing: name in `fair` the actions the
 * environment guarantees will eventually happen.
 *
 * A counterexample is a lasso: a shortest prefix from an initial state, then a cycle that is
 * fair and never meets the goal.
 *
 * @example
 * const r = checkLiveness(routeDelivery, {
 *   goal: (s) => s.applied === s.desired,
 *   goalName: 'applied==desired',
 *   everywhere: true,
 *   fair: ['deliver'],
 * })
 * // r.ok === true; without `fair`, r.violation.cycle is [{ action: '(stutter)', ... }]
 *
 * @throws {ModelDefinitionError} when `model` was not built with `defineModel`.
 * @throws {TypeError} when `goal` is not a function.
 * @throws {OptionsError} when `opts` has a key `checkLiveness` does not know.
 * @throws {RangeError} when `fair` or `strongFair` names an action the model does not have.
 * @throws {UserCodeError} when the goal or an action throws.
 */
export function checkLiveness<S>(model: Model<S>, opts: LivenessOptions<S>): LivenessResult<S> {
  if (!isModel(model as unknown)) {
    throw new ModelDefinitionError(
      'checkLiveness() expects a model built with defineModel({ init, actions })',
    )
  }
  const fairness = resolveFairness(model, opts)
  const started = performance.now()
  const goalName = opts.goalName ?? 'goal'
  const g = buildLivenessGraph(model, opts.goal, goalName, fairness, opts.maxStates)
  const nonGoal: number[] = []
  for (let v = 0; v < g.n; v++) if (g.goal[v] === 0) nonGoal.push(v)
  const fair = findFairComponents(g, Int32Array.from(nonGoal))
  // `<>goal` fails on a fair cycle reachable without meeting the goal; `[]<>goal` on any
  // reachable one (a behaviour may meet the goal, then leave it for good).
  const allowed = opts.everywhere ? () => true : (v: number) => g.goal[v] === 0
  const prefix = shortestPrefix(g, fair.fairOf, allowed)
  const violation =
    prefix === undefined
      ? undefined
      : lasso(
          g,
          prefix.from,
          prefix.edges,
          fair.components[fair.fairOf[lastState(g, prefix)]!]!.states,
          goalName,
          opts,
        )
  const { explored } = g
  const distinct = explored.store.size
  const stats: LivenessStats = {
    distinct,
    generated: explored.generated,
    transitions: g.edgeTarget.length,
    depth: explored.depth,
    components: fair.analysed,
    fairInstances: g.instances.list.length,
    durationMs: performance.now() - started,
    collisionProbability: (distinct * Math.max(explored.generated - distinct, 0)) / TWO_POW_64,
    storeBytes:
      explored.store.bytesInUse +
      g.goal.byteLength +
      g.edgeStart.byteLength +
      g.edgeTarget.byteLength +
      g.edgeInstance.byteLength +
      g.enabledStart.byteLength +
      g.enabled.byteLength,
  }
  const complete = explored.incomplete === undefined
  return {
    ok: complete && violation === undefined,
    complete,
    stats,
    warnings: [...warningsFor(model, opts), ...unmatchedInstances(g, fairness)],
    model: model.name,
    ...(violation && { violation }),
    ...(explored.incomplete && { incomplete: explored.incomplete }),
  }
}

function lastState(g: AnyLivenessGraph, p: { from: number; edges: number[] }): number {
  return p.edges.length === 0 ? p.from : g.edgeTarget[p.edges[p.edges.length - 1]!]!
}

function lasso<S>(
  g: LivenessGraph<S>,
  root: number,
  prefixEdges: number[],
  component: Int32Array,
  goalName: string,
  opts: LivenessOptions<S>,
): LivenessViolation<S> {
  const start = initialState(g, root)
  const prefix: Step<S>[] = [{ action: 'init', state: start }, ...replayPath(g, start, prefixEdges)]
  const entry = prefix[prefix.length - 1]!.state
  const cycleEdges = fairCycle(g, component, lastState(g, { from: root, edges: prefixEdges }))
  const cycle: Step<S>[] =
    cycleEdges.length === 0 ? [{ action: STUTTER, state: entry }] : replayPath(g, entry, cycleEdges)
  const steps = prefix.length - 1
  const where = opts.everywhere
    ? `${goalName} does not hold infinitely often`
    : `${goalName} is never reached`
  const how =
    cycleEdges.length === 0
      ? `after ${steps} step${steps === 1 ? '' : 's'} the behaviour can stop (stutter forever): no fair action is enabled there${noFairness(opts) ? ' (no action is assumed fair)' : ''}`
      : `after ${steps} step${steps === 1 ? '' : 's'} the behaviour can repeat a fair cycle of ${cycle.length} step${cycle.length === 1 ? '' : 's'} forever`
  return { kind: 'liveness', name: goalName, message: `${where}: ${how}`, prefix, cycle }
}

function noFairness(opts: Pick<LivenessOptions<never>, 'fair' | 'strongFair'>): boolean {
  return !isNonEmpty(opts.fair) && !isNonEmpty(opts.strongFair)
}

function isNonEmpty(x: readonly string[] | 'all' | undefined): boolean {
  return x === 'all' || (Array.isArray(x) && x.length > 0)
}

/** Fairness of each action of the model, by index; validates the options. */
function resolveFairness<S>(
  model: Model<S>,
  opts: LivenessOptions<S>,
): (ActionFairness | undefined)[] {
  if (opts !== null && typeof opts === 'object') {
    checkOptions(opts, 'checkLiveness()', LIVENESS_OPTION_KEYS)
  }
  if (opts === null || typeof opts !== 'object' || typeof opts.goal !== 'function') {
    throw new TypeError(
      `checkLiveness(${model.name}): options.goal must be a function (s) => boolean, e.g. { goal: (s) => s.done }`,
    )
  }
  if (opts.maxStates !== undefined && !(Number.isInteger(opts.maxStates) && opts.maxStates > 0)) {
    throw new RangeError(
      `checkLiveness(${model.name}): maxStates must be a positive integer, got ${String(opts.maxStates)}`,
    )
  }
  const fairness: (ActionFairness | undefined)[] = model.actions.map(() => undefined)
  const apply = (option: 'fair' | 'strongFair', kind: Fairness): void => {
    const names = opts[option]
    if (names === undefined) return
    if (names === 'all') {
      for (let i = 0; i < fairness.length; i++) if (fairness[i] !== 'strong') fairness[i] = kind
      return
    }
    if (!Array.isArray(names)) {
      throw new TypeError(
        `checkLiveness(${model.name}): ${option} must be an array of action names or 'all', got ${typeof names}`,
      )
    }
    for (const name of names) {
      const i = model.actions.findIndex((a) => a.name === name)
      if (i >= 0) {
        if (fairness[i] !== 'strong') fairness[i] = kind
        continue
      }
      // `vote(p1)`: one instance of an `action.each`, by the label that names it in traces.
      const instance = /^(.+?)\((.*)\)$/.exec(String(name))
      const j = instance ? model.actions.findIndex((a) => a.name === instance[1]) : -1
      // `n1 → n2 vote(term 2)`: an instance of an action.each with its own labels (a channel's
      // delivery), which only its label names: any labelled action may have it, and a label no
      // reachable state enables is reported as unmatched.
      const labelled = model.actions.flatMap((a, k) => (a.kind === 'each' && a.label ? [k] : []))
      const owners = j >= 0 && model.actions[j]!.kind === 'each' ? [j] : labelled
      if (owners.length === 0) {
        throw new RangeError(
          `checkLiveness(${model.name}): ${option} names '${String(name)}', which is not an action of the model${instance ? ' nor an instance name(param) of an action.each' : ''}; its actions are ${model.actions.map((a) => `'${a.name}'`).join(', ')}`,
        )
      }
      for (const k of owners) {
        const current = fairness[k]
        if (typeof current === 'string') continue
        const perInstance = new Map(current ?? [])
        if (perInstance.get(name) !== 'strong') perInstance.set(name, kind)
        fairness[k] = perInstance
      }
    }
  }
  apply('fair', 'weak')
  apply('strongFair', 'strong')
  return fairness
}

/** Instances named in `fair` (`vote(p9)`) that no reachable state enabled: probably a typo. */
function unmatchedInstances(
  g: AnyLivenessGraph,
  fairness: readonly (ActionFairness | undefined)[],
): LivenessWarning[] {
  const seen = new Set(g.instances.list.map((i) => i.label))
  const out: LivenessWarning[] = []
  for (const f of fairness) {
    if (f === undefined || typeof f === 'string') continue
    for (const label of f.keys()) {
      if (seen.has(label)) continue
      seen.add(label) // one warning per label, though several labelled actions may hold it
      out.push({
        code: 'unmatched-instance',
        message: `fairness names the instance '${label}', which no reachable state enables: check its spelling against the labels in traces (${[...seen].slice(0, 3).join(', ') || 'none'}...), or drop it`,
      })
    }
  }
  return out
}

function warningsFor<S>(model: Model<S>, opts: LivenessOptions<S>): LivenessWarning[] {
  const warnings: LivenessWarning[] = []
  if (noFairness(opts)) {
    warnings.push({
      code: 'no-fairness',
      message: `no action is assumed fair: a behaviour may stutter forever, so only a goal that already holds ${opts.everywhere ? 'in every reachable state' : 'in every initial state'} can pass; name the actions that must eventually happen in fair: [...]`,
    })
  }
  if (model.constraint) {
    warnings.push({
      code: 'constraint',
      message: `${model.name} has a constraint: behaviours leaving the constrained state space are cut off, so a pass may be vacuous and a lasso may end where the real model would go on (TLC issue #839); check liveness on a model bounded by its own actions`,
    })
  }
  if (model.symmetry) {
    warnings.push({
      code: 'symmetry',
      message: `${model.name} has symmetry: states of one orbit are merged, so a lasso in the reduced graph may not be a real behaviour and the fairness of one instance can be credited to its mirror image (TLC issues #59, #644); check liveness without symmetry`,
    })
  }
  if (model.view) {
    warnings.push({
      code: 'view',
      message: `${model.name} has a view: states with equal views are merged, so steps that change only hidden fields count as stutters and cycles may not be real behaviours; check liveness without a view`,
    })
  }
  return warnings
}
