/**
 * Turning a fair component into a counterexample: a lasso made of a shortest prefix from an
 * initial state to the component and a fair cycle inside it, both replayed into traces.
 *
 * @module
 */
import { instanceLabel } from '../model/action.ts'
import { forEachSuccessor } from '../model/successors.ts'
import type { AnyLivenessGraph, LivenessGraph } from './liveness-graph.ts'
import { obligationsOf } from './liveness-scc.ts'
import type { Step } from './types.ts'

/** Label of the implicit stuttering step that closes a cycle on a single state. */
export const STUTTER = '(stutter)'

/** A path in the graph: its first state and the steps (edge numbers) taken from it. */
export interface GraphPath {
  readonly from: number
  readonly edges: number[]
}

/**
 * A shortest path from an initial state to a state `v` with `target[v] >= 0`, through states
 * allowed by `allowed`, or undefined when there is none.
 */
export function shortestPrefix(
  g: AnyLivenessGraph,
  target: Int32Array,
  allowed: (v: number) => boolean,
): GraphPath | undefined {
  const { store } = g.explored
  const parentEdge = new Int32Array(g.n).fill(-2)
  const parentNode = new Int32Array(g.n)
  const queue: number[] = []
  for (let v = 0; v < g.n && store.parent(v) === -1; v++) {
    if (!allowed(v)) continue
    parentEdge[v] = -1
    queue.push(v)
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!
    if (target[v]! >= 0) return unwind(v, parentEdge, parentNode)
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
      const w = g.edgeTarget[e]!
      if (w >= g.n || parentEdge[w] !== -2 || !allowed(w)) continue
      parentEdge[w] = e
      parentNode[w] = v
      queue.push(w)
    }
  }
  return undefined
}

function unwind(v: number, parentEdge: Int32Array, parentNode: Int32Array): GraphPath {
  const edges: number[] = []
  let u = v
  while (parentEdge[u] !== -1) {
    edges.push(parentEdge[u]!)
    u = parentNode[u]!
  }
  return { from: u, edges: edges.reverse() }
}

/**
 * A cycle from `start` back to `start` inside the component `states` that satisfies every
 * fairness obligation of the component: it takes a step of each fair instance that can step
 * inside, and passes a state where each other enabled weakly-fair instance is disabled. An empty
 * list means stuttering at `start` is already fair.
 */
export function fairCycle(g: AnyLivenessGraph, states: Int32Array, start: number): number[] {
  const { steps, disabledSomewhere } = obligationsOf(g, states)
  const member = new Uint8Array(g.n)
  for (let k = 0; k < states.length; k++) member[states[k]!] = 1
  const needStep = new Set(steps.map((e) => g.edgeInstance[e]!))
  const needDisabled = new Set(disabledSomewhere)
  const path: number[] = []
  const visit = (v: number): void => {
    for (const inst of needDisabled) if (!isEnabled(g, v, inst)) needDisabled.delete(inst)
  }
  let current = start
  const take = (e: number): void => {
    path.push(e)
    // As in TLA+, a step is a step of every action instance that makes that same transition,
    // so the parallel edges of the one taken discharge their instances too.
    const target = g.edgeTarget[e]!
    for (let x = g.edgeStart[current]!; x < g.edgeStart[current + 1]!; x++) {
      if (g.edgeTarget[x] === target) needStep.delete(g.edgeInstance[x]!)
    }
    current = target
    visit(target)
  }
  /** An edge out of `v`, inside the component, of an instance that still needs a step. */
  const pendingStepAt = (v: number): number => {
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
      if (member[g.edgeTarget[e]!] === 1 && needStep.has(g.edgeInstance[e]!)) return e
    }
    return -1
  }
  const bfs = new ComponentBfs(g, member)
  visit(start)
  while (needStep.size > 0 || needDisabled.size > 0) {
    const here = pendingStepAt(current)
    if (here >= 0) {
      take(here)
      continue
    }
    const route = bfs.toNearest(
      current,
      (v) => pendingStepAt(v) >= 0 || [...needDisabled].some((i) => !isEnabled(g, v, i)),
    )
    for (const e of route) take(e)
  }
  if (current !== start) for (const e of bfs.toNearest(current, (v) => v === start)) take(e)
  return path
}

function isEnabled(g: AnyLivenessGraph, v: number, inst: number): boolean {
  for (let x = g.enabledStart[v]!; x < g.enabledStart[v + 1]!; x++)
    if (g.enabled[x] === inst) return true
  return false
}

/** Breadth-first search confined to one component, reusing its buffers across calls. */
class ComponentBfs {
  readonly #g: AnyLivenessGraph
  readonly #member: Uint8Array
  readonly #seen: Int32Array
  readonly #parentEdge: Int32Array
  readonly #parentNode: Int32Array
  #stamp = 0

  constructor(g: AnyLivenessGraph, member: Uint8Array) {
    this.#g = g
    this.#member = member
    this.#seen = new Int32Array(g.n)
    this.#parentEdge = new Int32Array(g.n)
    this.#parentNode = new Int32Array(g.n)
  }

  /** Steps of a shortest path from `from` to the nearest state other than `from` satisfying `goal`. */
  toNearest(from: number, goal: (v: number) => boolean): number[] {
    const g = this.#g
    const stamp = ++this.#stamp
    const seen = this.#seen
    seen[from] = stamp
    const queue = [from]
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!
      for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
        const w = g.edgeTarget[e]!
        if (this.#member[w] !== 1 || seen[w] === stamp) continue
        seen[w] = stamp
        this.#parentEdge[w] = e
        this.#parentNode[w] = v
        if (goal(w)) return this.#unwind(from, w)
        queue.push(w)
      }
    }
    throw new Error(
      'musil internal error: a strongly connected component is not strongly connected',
    )
  }

  #unwind(from: number, to: number): number[] {
    const edges: number[] = []
    for (let v = to; v !== from; v = this.#parentNode[v]!) edges.push(this.#parentEdge[v]!)
    return edges.reverse()
  }
}

/**
 * Replays `path` on the model: the initial state of `path.from` (when `initial`), then one step
 * per edge, each labelled with its action instance.
 */
export function replayPath<S>(g: LivenessGraph<S>, start: S, edges: readonly number[]): Step<S>[] {
  const { model, key, store } = g.explored
  const steps: Step<S>[] = []
  let current = start
  for (const e of edges) {
    const want = g.edgeTarget[e]!
    const inst = g.edgeInstance[e]!
    let found: Step<S> | undefined
    forEachSuccessor(model, current, (next, ai, param) => {
      if (found !== undefined || g.instances.idOf(ai, param) !== inst) return
      if (model.constraint && !model.constraint(next)) return
      key(next)
      if (key.fp.hi !== store.hi(want) || key.fp.lo !== store.lo(want)) return
      found = { action: instanceLabel(model.actions[ai]! as never, param), state: next }
    })
    if (found === undefined) {
      throw new Error(
        `musil internal error: cannot replay a step of a liveness counterexample of ${model.name}; is an action nondeterministic (reading Math.random or a clock)?`,
      )
    }
    steps.push(found)
    current = found.state
  }
  return steps
}

/** The initial state stored as state `v`. */
export function initialState<S>(g: LivenessGraph<S>, v: number): S {
  const { model, key, store } = g.explored
  const s = model.init.find((x) => {
    if (model.constraint && !model.constraint(x)) return false
    key(x)
    return key.fp.hi === store.hi(v) && key.fp.lo === store.lo(v)
  })
  if (s === undefined)
    throw new Error('musil internal error: no initial state matches the counterexample root')
  return s
}
