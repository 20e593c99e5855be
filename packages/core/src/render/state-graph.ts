/**
 * A small, bounded state graph for pictures: nodes carry the state and flags, edges the action
 * label. Not for checking: `check` never materialises edges.
 *
 * @module
 */
import type { Step } from '../check/types.ts'
import { instanceLabel } from '../model/action.ts'
import { fpHi, fpLo } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { forEachSuccessor } from '../model/successors.ts'

/** A node of a {@link StateGraph}. */
export interface GraphNode<S> {
  readonly id: number
  readonly state: S
  readonly initial: boolean
  /** Names of the invariants this state violates. */
  readonly violates: readonly string[]
  /** No successor and not terminal. */
  readonly deadlock: boolean
}

/** An edge of a {@link StateGraph}. */
export interface GraphEdge {
  readonly from: number
  readonly to: number
  readonly label: string
}

/** The reachable graph of a model, possibly cut at `maxStates`. */
export interface StateGraph<S> {
  readonly nodes: GraphNode<S>[]
  readonly edges: GraphEdge[]
  /** False when `maxStates` cut the graph. */
  readonly complete: boolean
}

/** Explores up to `maxStates` states breadth-first and returns the graph between them. */
export function stateGraph<S>(model: Model<S>, maxStates = 100): StateGraph<S> {
  const key = keyFingerprinter(model)
  const ids = new Map<string, number>()
  const nodes: GraphNode<S>[] = []
  const edges: GraphEdge[] = []
  let complete = true
  const idOf = (s: S, initial: boolean): number | undefined => {
    key(s)
    const k = `${fpHi}:${fpLo}`
    const known = ids.get(k)
    if (known !== undefined) return known
    if (nodes.length >= maxStates) {
      complete = false
      return undefined
    }
    const id = nodes.length
    ids.set(k, id)
    const violates = Object.entries(model.invariants)
      .filter(([, inv]) => !safeBool(() => inv(s)))
      .map(([name]) => name)
    nodes.push({ id, state: s, initial, violates, deadlock: false })
    return id
  }
  for (const s of model.init) {
    if (model.constraint && !model.constraint(s)) continue
    idOf(s, true)
  }
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!
    const n = forEachSuccessor(model, node.state, (t, ai, p) => {
      if (model.constraint && !model.constraint(t)) return
      const to = idOf(t, false)
      if (to !== undefined)
        edges.push({ from: node.id, to, label: instanceLabel(model.actions[ai] as never, p) })
    })
    if (n === 0 && !model.terminal?.(node.state)) nodes[i] = { ...node, deadlock: true }
  }
  return { nodes, edges, complete }
}

/** The node ids visited by `trace` in `graph`, in order (states outside the graph are skipped). */
export function tracePath<S>(
  model: Model<S>,
  graph: StateGraph<S>,
  trace: readonly Step<S>[],
): number[] {
  const key = keyFingerprinter(model)
  const index = new Map<string, number>()
  for (const n of graph.nodes) {
    key(n.state)
    index.set(`${fpHi}:${fpLo}`, n.id)
  }
  const out: number[] = []
  for (const step of trace) {
    key(step.state)
    const id = index.get(`${fpHi}:${fpLo}`)
    if (id !== undefined) out.push(id)
  }
  return out
}

function safeBool(f: () => unknown): boolean {
  try {
    return Boolean(f())
  } catch {
    return false
  }
}
