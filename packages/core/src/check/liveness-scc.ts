/**
 * Strongly connected components and the search for fair ones.
 *
 * A behaviour that never reaches the goal ends, in a finite graph, by staying forever inside a
 * strongly connected component of non-goal states, visiting each state of it infinitely often
 * (or stuttering forever at one state, which is the same thing for a one-state component, since
 * every state has an implicit stuttering step). Whether some such behaviour is fair depends only
 * on the component:
 *
 * - weak fairness of instance `a` holds iff `a` is disabled at some state of the component or
 *   some step of `a` stays inside it. If neither, no sub-component can do better (`a` is
 *   enabled everywhere in it and has even fewer steps), so the component is discarded;
 * - strong fairness of `a` holds iff `a` is enabled at no state of the component or some step of
 *   `a` stays inside it. If not, the states where `a` is enabled can only be visited finitely
 *   often: remove them and look again at the components of what remains (Emerson and Lei's
 *   refinement, as in TLC and Spin).
 *
 * Tarjan's algorithm runs iteratively (an explicit stack, no recursion): reachable graphs have
 * long paths, and a recursive walk would overflow the call stack.
 *
 * @module
 */
import type { AnyLivenessGraph } from './liveness-graph.ts'

/** Computes strongly connected components of sub-graphs of one graph, reusing its buffers. */
export class SccFinder {
  readonly #edgeStart: Int32Array
  readonly #edgeTarget: Int32Array
  /** `member[v] === stamp` when `v` belongs to the current sub-graph. */
  readonly #member: Int32Array
  readonly #index: Int32Array
  readonly #low: Int32Array
  readonly #onStack: Uint8Array
  readonly #edgePos: Int32Array
  #stamp = 0

  constructor(edgeStart: Int32Array, edgeTarget: Int32Array, n: number) {
    this.#edgeStart = edgeStart
    this.#edgeTarget = edgeTarget
    this.#member = new Int32Array(n)
    this.#index = new Int32Array(n)
    this.#low = new Int32Array(n)
    this.#onStack = new Uint8Array(n)
    this.#edgePos = new Int32Array(n)
  }

  /** The strongly connected components of the sub-graph induced by `nodes`. */
  components(nodes: ArrayLike<number>): Int32Array[] {
    const stamp = ++this.#stamp
    const member = this.#member
    const index = this.#index
    const low = this.#low
    const onStack = this.#onStack
    const edgePos = this.#edgePos
    const edgeStart = this.#edgeStart
    const edgeTarget = this.#edgeTarget
    for (let k = 0; k < nodes.length; k++) {
      const v = nodes[k]!
      member[v] = stamp
      index[v] = -1
    }
    const out: Int32Array[] = []
    const stack: number[] = []
    const calls: number[] = []
    let counter = 0
    for (let k = 0; k < nodes.length; k++) {
      const root = nodes[k]!
      if (index[root] !== -1) continue
      index[root] = low[root] = counter++
      stack.push(root)
      onStack[root] = 1
      edgePos[root] = edgeStart[root]!
      calls.push(root)
      while (calls.length > 0) {
        const v = calls[calls.length - 1]!
        const end = edgeStart[v + 1]!
        let descended = false
        while (edgePos[v]! < end) {
          const w = edgeTarget[edgePos[v]!++]!
          if (member[w] !== stamp) continue
          if (index[w] === -1) {
            index[w] = low[w] = counter++
            stack.push(w)
            onStack[w] = 1
            edgePos[w] = edgeStart[w]!
            calls.push(w)
            descended = true
            break
          }
          if (onStack[w] === 1 && index[w]! < low[v]!) low[v] = index[w]!
        }
        if (descended) continue
        calls.pop()
        if (low[v] === index[v]) {
          let size = stack.length - stack.lastIndexOf(v)
          const comp = new Int32Array(size)
          while (size > 0) {
            const w = stack.pop()!
            onStack[w] = 0
            comp[--size] = w
          }
          out.push(comp)
        }
        if (calls.length > 0) {
          const u = calls[calls.length - 1]!
          if (low[v]! < low[u]!) low[u] = low[v]!
        }
      }
    }
    return out
  }
}

/** A component inside which some fair behaviour can stay forever. */
export interface FairComponent {
  /** Its states, in increasing order. */
  readonly states: Int32Array
}

/** What fairness demands of a cycle through a component. */
export interface Obligations {
  /** For each fair instance enabled somewhere in the component and stepping inside it: one such step (an edge number). */
  readonly steps: number[]
  /** Fair (weak) instances enabled somewhere but never stepping inside: the cycle must pass a state where they are disabled. */
  readonly disabledSomewhere: number[]
}

/** Scratch space sized by the number of fair instances, reset by stamps. */
class InstanceScratch {
  readonly takenStamp: Int32Array
  readonly takenEdge: Int32Array
  readonly countStamp: Int32Array
  readonly count: Int32Array
  readonly lastState: Int32Array
  stamp = 0

  constructor(m: number) {
    this.takenStamp = new Int32Array(m)
    this.takenEdge = new Int32Array(m)
    this.countStamp = new Int32Array(m)
    this.count = new Int32Array(m)
    this.lastState = new Int32Array(m).fill(-1)
  }
}

/** Tallies, for the component marked with `stamp` in `member`, which fair instances step inside it and at how many of its states each is enabled. */
function tally(
  g: AnyLivenessGraph,
  comp: Int32Array,
  member: Int32Array,
  stamp: number,
  scratch: InstanceScratch,
): number[] {
  const touched: number[] = []
  const { takenStamp, takenEdge, countStamp, count, lastState } = scratch
  for (let k = 0; k < comp.length; k++) {
    const v = comp[k]!
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
      const inst = g.edgeInstance[e]!
      if (inst < 0 || takenStamp[inst] === stamp || member[g.edgeTarget[e]!] !== stamp) continue
      takenStamp[inst] = stamp
      takenEdge[inst] = e
    }
    for (let x = g.enabledStart[v]!; x < g.enabledStart[v + 1]!; x++) {
      const inst = g.enabled[x]!
      if (countStamp[inst] !== stamp) {
        countStamp[inst] = stamp
        count[inst] = 0
        lastState[inst] = -1
        touched.push(inst)
      }
      // An `action.each` domain may list a value twice: count each state once.
      if (lastState[inst] === v) continue
      lastState[inst] = v
      count[inst]!++
    }
  }
  return touched
}

/**
 * Finds every component of the sub-graph induced by `nodes` (refined for strong fairness)
 * inside which a fair behaviour can stay forever. Marks `fairOf[v]` with the component's
 * number for each of its states.
 */
export function findFairComponents(
  g: AnyLivenessGraph,
  nodes: Int32Array,
): { components: FairComponent[]; fairOf: Int32Array; analysed: number } {
  const finder = new SccFinder(g.edgeStart, g.edgeTarget, g.n)
  const member = new Int32Array(g.n)
  const scratch = new InstanceScratch(g.instances.list.length)
  const fairness = g.instances.list
  const fairOf = new Int32Array(g.n).fill(-1)
  const components: FairComponent[] = []
  let stamp = 0
  let analysed = 0
  const work: Int32Array[] = finder.components(nodes)
  while (work.length > 0) {
    const comp = work.pop()!
    analysed++
    const s = ++stamp
    for (let k = 0; k < comp.length; k++) member[comp[k]!] = s
    scratch.stamp = s
    const touched = tally(g, comp, member, s, scratch)
    let weakViolated = false
    const strongUnmet: number[] = []
    for (const inst of touched) {
      if (scratch.takenStamp[inst] === s) continue
      if (fairness[inst]!.fairness === 'strong') strongUnmet.push(inst)
      else if (scratch.count[inst] === comp.length) weakViolated = true
    }
    if (weakViolated) continue
    if (strongUnmet.length > 0) {
      const keep: number[] = []
      const unmet = new Set(strongUnmet)
      for (let k = 0; k < comp.length; k++) {
        const v = comp[k]!
        let enabledUnmet = false
        for (let x = g.enabledStart[v]!; x < g.enabledStart[v + 1]! && !enabledUnmet; x++) {
          if (unmet.has(g.enabled[x]!)) enabledUnmet = true
        }
        if (!enabledUnmet) keep.push(v)
      }
      if (keep.length > 0) work.push(...finder.components(keep))
      continue
    }
    const id = components.length
    const states = comp.slice().sort()
    components.push({ states })
    for (let k = 0; k < states.length; k++) fairOf[states[k]!] = id
  }
  return { components, fairOf, analysed }
}

/** What a cycle through `states` must do to be fair (see {@link Obligations}). */
export function obligationsOf(g: AnyLivenessGraph, states: Int32Array): Obligations {
  const member = new Int32Array(g.n)
  for (let k = 0; k < states.length; k++) member[states[k]!] = 1
  const scratch = new InstanceScratch(g.instances.list.length)
  scratch.stamp = 1
  const touched = tally(g, states, member, 1, scratch)
  const steps: number[] = []
  const disabledSomewhere: number[] = []
  for (const inst of touched) {
    if (scratch.takenStamp[inst] === 1) steps.push(scratch.takenEdge[inst]!)
    else disabledSomewhere.push(inst)
  }
  return { steps, disabledSomewhere }
}
