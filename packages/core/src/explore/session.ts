/**
 * The explorer's model side: a path of choices from an initial state names a state, and a view
 * of that state says everything the page shows (its successors and what each changes, the
 * invariants, deadlock and terminal marks, the trace so far, the neighbourhood). Views are plain
 * JSON with every state already rendered as text, so the page never evaluates user values: it
 * only displays strings.
 *
 * @module
 */
import type { Step } from '../check/types.ts'
import { describeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { instanceLabel } from '../model/action.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'
import { forEachSuccessor } from '../model/successors.ts'
import { diffStates, formatChange } from '../render/state-diff.ts'
import { traceLines } from '../render/trace.ts'

/**
 * A path: `[i, a, b, ...]` is initial state `i`, then its successor number `a` (in the order of
 * {@link StateView.successors}), then that state's successor number `b`, and so on.
 */
export type ExplorePath = readonly number[]

/** An invariant's value on one state. */
export interface InvariantValue {
  readonly name: string
  readonly holds: boolean
  /** Set when the predicate threw (it then counts as violated, as in `check`). */
  readonly error?: string
}

/** One enabled action instance at the current state. */
export interface SuccessorView {
  /** Its number in the path encoding. */
  readonly index: number
  /** The instance label, as traces print it: `FillBig`, `Send(n1)`. */
  readonly label: string
  /** The state it leads to, rendered on one line. */
  readonly state: string
  /** What it changes, one `path: before → after` per entry; empty for a self-loop. */
  readonly changes: readonly string[]
  /** Invariants false in the state it leads to. */
  readonly violates: readonly string[]
  /** Fingerprint of the state it leads to. */
  readonly id: string
}

/** One step of the path so far. */
export interface PathStepView {
  readonly label: string
  /** The state after the step, rendered on one line. */
  readonly state: string
  readonly changes: readonly string[]
}

/** A node of the neighbourhood drawing. */
export interface NeighbourNode {
  /** Fingerprint: equal states are one node. */
  readonly id: string
  readonly state: string
  /** Column in the drawing: the path's states left to right, the successors last. */
  readonly layer: number
  readonly current: boolean
  readonly onPath: boolean
  readonly bad: boolean
}

/** An edge of the neighbourhood drawing. */
export interface NeighbourEdge {
  readonly from: string
  readonly to: string
  readonly label: string
  readonly onPath: boolean
  /** For an edge out of the current state: the successor's number, so a click can take it. */
  readonly successor?: number
}

/** Everything the page shows about the state a path leads to. */
export interface StateView {
  readonly path: ExplorePath
  readonly id: string
  readonly state: string
  /** The state's top-level fields, each rendered on one line (the whole state as `state` otherwise). */
  readonly fields: readonly { readonly key: string; readonly value: string }[]
  readonly steps: readonly PathStepView[]
  /** The path so far as a trace in musil's format (`formatTrace`). */
  readonly trace: string
  readonly invariants: readonly InvariantValue[]
  readonly successors: readonly SuccessorView[]
  /** The model's `terminal` holds here. */
  readonly terminal: boolean
  /** No successor and not terminal. */
  readonly deadlock: boolean
  /** Set when user code threw while computing the successors. */
  readonly error?: string
  readonly graph: { readonly nodes: NeighbourNode[]; readonly edges: NeighbourEdge[] }
}

/** What the page learns about the model once. */
export interface ModelInfo {
  readonly name: string
  readonly initial: readonly { readonly index: number; readonly state: string }[]
  readonly invariants: readonly string[]
  readonly actions: readonly string[]
}

/** A path that does not name a state: the choice at `at` is out of range. */
export interface PathProblem {
  readonly problem: string
  /** The longest prefix of the path that names a state. */
  readonly valid: ExplorePath
}

/** How many states of the path the neighbourhood drawing shows before the current one. */
const PATH_NODES = 4

/** One successor with its label (the session's own list, kept with the live states). */
interface Next<S> {
  readonly label: string
  readonly state: S
}

/**
 * A model being explored. The successors of recently viewed states are kept (keyed by path), so
 * stepping forward costs one successor computation, not a walk from the initial state.
 */
export class ExploreSession<S> {
  readonly model: Model<S>
  readonly #nexts = new Map<string, Next<S>[]>()
  readonly #cacheLimit: number

  constructor(model: Model<S>, cacheLimit = 20_000) {
    this.model = model
    this.#cacheLimit = cacheLimit
  }

  /** The model's name, initial states, invariants and actions. */
  info(): ModelInfo {
    return {
      name: this.model.name,
      initial: this.model.init.map((s, index) => ({ index, state: formatValue(s) })),
      invariants: Object.keys(this.model.invariants),
      actions: this.model.actions.map((a) => a.name),
    }
  }

  /** The states along `path`, or the problem with it. */
  walk(path: ExplorePath): { states: S[]; labels: string[] } | PathProblem {
    if (path.length === 0) return { problem: 'a path starts with an initial state', valid: [] }
    const first = path[0]!
    const init = this.model.init[first]
    if (!Number.isInteger(first) || init === undefined) {
      return {
        problem: `initial state ${first} does not exist (the model has ${this.model.init.length})`,
        valid: [],
      }
    }
    const states: S[] = [init]
    const labels = ['init']
    for (let i = 1; i < path.length; i++) {
      const choice = path[i]!
      const next = this.#successors(path.slice(0, i), states[i - 1]!)
      const n = Number.isInteger(choice) ? next[choice] : undefined
      if (n === undefined) {
        return {
          problem: `step ${i} takes successor ${choice}, but that state has ${next.length}`,
          valid: path.slice(0, i),
        }
      }
      states.push(n.state)
      labels.push(n.label)
    }
    return { states, labels }
  }

  /** The view of the state `path` leads to, or the problem with the path. */
  view(path: ExplorePath): StateView | PathProblem {
    const walked = this.walk(path)
    if ('problem' in walked) return walked
    const { states, labels } = walked
    const s = states[states.length - 1]!
    let next: Next<S>[] = []
    let error: string | undefined
    try {
      next = this.#successors(path, s)
    } catch (e) {
      error = describeError(e, 'message')
    }
    const terminal = this.#terminal(s)
    const trace: Step<S>[] = states.map((state, i) => ({ action: labels[i]!, state }))
    const successors = next.map((n, index) => ({
      index,
      label: n.label,
      state: formatValue(n.state),
      changes: diffStates(s, n.state).map(formatChange),
      violates: this.invariants(n.state)
        .filter((v) => !v.holds)
        .map((v) => v.name),
      id: fingerprintHex(n.state),
    }))
    return {
      path: [...path],
      id: fingerprintHex(s),
      state: formatValue(s),
      fields: fieldsOf(s),
      steps: trace.map((step, i) => ({
        label: step.action,
        state: formatValue(step.state),
        changes: i === 0 ? [] : diffStates(states[i - 1], step.state).map(formatChange),
      })),
      trace: traceLines(trace).join('\n'),
      invariants: this.invariants(s),
      successors,
      terminal,
      deadlock: error === undefined && next.length === 0 && !terminal,
      ...(error !== undefined && { error }),
      graph: this.#neighbourhood(states, labels, successors),
    }
  }

  /**
   * The path along a trace (as `check` returns it): each step is the successor with the
   * step's label whose state has the step's fingerprint (or, failing that, the first with the
   * label, for models whose `view` or `symmetry` merges states). Stops where the trace leaves
   * the model.
   */
  pathOf(trace: readonly Step<unknown>[]): number[] {
    if (trace.length === 0) return []
    const want = (s: unknown) => fingerprintHex(s)
    const first = want(trace[0]!.state)
    const i0 = Math.max(
      0,
      this.model.init.findIndex((s) => fingerprintHex(s) === first),
    )
    const path = [i0]
    let s: S = this.model.init[i0]!
    for (let i = 1; i < trace.length; i++) {
      const step = trace[i]!
      const next = this.#successors(path, s)
      const fp = want(step.state)
      let k = next.findIndex((n) => n.label === step.action && fingerprintHex(n.state) === fp)
      if (k < 0) k = next.findIndex((n) => n.label === step.action)
      if (k < 0) break
      path.push(k)
      s = next[k]!.state
    }
    return path
  }

  /** Every invariant's value on `s`; one that throws counts as violated. */
  invariants(s: S): InvariantValue[] {
    return Object.entries(this.model.invariants).map(([name, f]) => {
      try {
        return { name, holds: Boolean(f(s)) }
      } catch (e) {
        return { name, holds: false, error: describeError(e, 'message') }
      }
    })
  }

  #terminal(s: S): boolean {
    try {
      return this.model.terminal?.(s) === true
    } catch {
      return false
    }
  }

  /** The successors of the state at `path` (which is `s`), cached with the state. */
  #successors(path: ExplorePath, s: S): Next<S>[] {
    const key = path.join('.')
    const cached = this.#nexts.get(key)
    if (cached !== undefined) return cached
    const out: Next<S>[] = []
    forEachSuccessor(this.model, s, (state, ai, param) => {
      out.push({ label: instanceLabel(this.model.actions[ai] as never, param), state })
    })
    if (this.#nexts.size >= this.#cacheLimit) {
      // Forget the oldest half: a long session keeps the recent paths, not every path.
      let drop = this.#nexts.size >> 1
      for (const k of this.#nexts.keys()) {
        if (drop-- <= 0) break
        this.#nexts.delete(k)
      }
    }
    this.#nexts.set(key, out)
    return out
  }

  /** The last states of the path as a chain, then the current state's successors. */
  #neighbourhood(
    states: readonly S[],
    labels: readonly string[],
    successors: readonly SuccessorView[],
  ): StateView['graph'] {
    const nodes = new Map<string, NeighbourNode>()
    const edges: NeighbourEdge[] = []
    const from = Math.max(0, states.length - 1 - PATH_NODES)
    const ids: string[] = []
    for (let i = from; i < states.length; i++) {
      const s = states[i]!
      const id = fingerprintHex(s)
      ids.push(id)
      const current = i === states.length - 1
      const old = nodes.get(id)
      if (old === undefined || current) {
        nodes.set(id, {
          id,
          state: formatValue(s),
          layer: old?.layer ?? i - from,
          current,
          onPath: true,
          bad: this.invariants(s).some((v) => !v.holds),
        })
      }
      if (i > from)
        edges.push({ from: ids[ids.length - 2]!, to: id, label: labels[i]!, onPath: true })
    }
    const here = ids[ids.length - 1]!
    const layer = states.length - from
    for (const n of successors) {
      if (!nodes.has(n.id)) {
        nodes.set(n.id, {
          id: n.id,
          state: n.state,
          layer,
          current: false,
          onPath: false,
          bad: n.violates.length > 0,
        })
      }
      edges.push({ from: here, to: n.id, label: n.label, onPath: false, successor: n.index })
    }
    return { nodes: [...nodes.values()], edges }
  }
}

/** A plain object's fields, each rendered; any other state is one field named `state`. */
function fieldsOf(s: unknown): { key: string; value: string }[] {
  if (typeof s === 'object' && s !== null && Object.getPrototypeOf(s) === Object.prototype) {
    return Object.entries(s as Record<string, unknown>).map(([key, v]) => ({
      key,
      value: formatValue(v),
    }))
  }
  return [{ key: 'state', value: formatValue(s) }]
}
