/**
 * A small, bounded state graph for pictures: nodes carry the state and flags, edges the action
 * label. Not for checking: `check` never materialises edges.
 *
 * @module
 */
import { exploreStates } from '../check/engine.ts'
import type { Step } from '../check/types.ts'
import { instanceLabel } from '../model/action.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'

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

/**
 * Explores up to `maxStates` states breadth-first (with `check`'s conventions) and returns the
 * graph between them. When the bound cuts the exploration, states found but not yet expanded
 * have no outgoing edges and are not marked as deadlocks.
 */
export function stateGraph<S>(model: Model<S>, maxStates = 100): StateGraph<S> {
  const nodes: GraphNode<S>[] = []
  const edges: GraphEdge[] = []
  const explored = exploreStates(
    model,
    {
      state(s, id, initial) {
        const violates = Object.entries(model.invariants)
          .filter(([, inv]) => !safeBool(() => inv(s)))
          .map(([name]) => name)
        nodes.push({ id, state: s, initial, violates, deadlock: false })
        return undefined
      },
      edge(from, to, action, param) {
        if (to >= 0)
          edges.push({ from, to, label: instanceLabel(model.actions[action] as never, param) })
        return undefined
      },
      expanded(id, successors) {
        const node = nodes[id]!
        if (successors === 0 && !model.terminal?.(node.state))
          nodes[id] = { ...node, deadlock: true }
        return undefined
      },
    },
    { maxStates },
  )
  return { nodes, edges, complete: explored.incomplete === undefined }
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
    index.set(key.fp.hex, n.id)
  }
  const out: number[] = []
  for (const step of trace) {
    key(step.state)
    const id = index.get(key.fp.hex)
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
