/**
 * The reachable graph that liveness checking runs on: per state whether the goal holds, the
 * state-changing steps leaving it (target and fair action instance), and which fair action
 * instances are enabled there, all in compressed-sparse-row form on typed arrays.
 *
 * Only state-changing steps are kept. Under TLA+ semantics a step that leaves the state as it
 * was is a stutter: it cannot satisfy fairness (WF and SF are about the action `<A>_v`), and
 * every state already has an implicit stuttering step. For the same reason an instance counts as
 * enabled only where it would change the state: an action whose only effect at `s` is `s` is
 * not `ENABLED <A>_v` there.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { type Action, instanceLabel } from '../model/action.ts'
import type { Model } from '../model/model.ts'
import { type BreadthFirstSearch, exploreStates } from './engine.ts'

/** A growable list of 32-bit integers. */
export class IntList {
  #data: Int32Array
  length = 0

  constructor(capacity = 1024) {
    this.#data = new Int32Array(capacity)
  }

  push(x: number): void {
    if (this.length === this.#data.length) {
      const bigger = new Int32Array(this.#data.length * 2)
      bigger.set(this.#data)
      this.#data = bigger
    }
    this.#data[this.length++] = x
  }

  /** The list as an array of exactly `length` elements (shares no memory with the list). */
  toArray(): Int32Array {
    return this.#data.slice(0, this.length)
  }
}

/** How an action is assumed fair. */
export type Fairness = 'weak' | 'strong'

/**
 * The fairness of one action: all its instances alike, or (an `action.each` named per instance
 * in `fair: ['vote(p1)']`) only the instances with these labels.
 */
export type ActionFairness = Fairness | ReadonlyMap<string, Fairness>

/** A fair action instance: one plain action, or one parameter value of an `action.each`. */
export interface FairInstance {
  readonly label: string
  readonly fairness: Fairness
}

/** Interns fair action instances as small integers. */
export class FairInstances {
  readonly list: FairInstance[] = []
  readonly #byAction: (Map<string, number> | undefined)[]
  readonly #single: number[]
  readonly #model: Model<unknown>
  readonly #fairness: readonly (ActionFairness | undefined)[]

  constructor(model: Model<unknown>, fairness: readonly (ActionFairness | undefined)[]) {
    this.#model = model
    this.#fairness = fairness
    this.#byAction = model.actions.map(() => undefined)
    this.#single = model.actions.map(() => -1)
  }

  /** The instance number of action `ai` with `param`, or -1 when the action is not fair. */
  idOf(ai: number, param: unknown): number {
    const fairness = this.#fairness[ai]
    if (fairness === undefined) return -1
    const a = this.#model.actions[ai]! as Action<unknown>
    if (a.kind === 'single') {
      let id = this.#single[ai]!
      if (id < 0) id = this.#single[ai] = this.#add(a.name, fairness as Fairness)
      return id
    }
    // Parameters are told apart by their rendering, the same text that labels the step.
    const label = instanceLabel(a, param)
    let map = this.#byAction[ai]
    if (map === undefined) map = this.#byAction[ai] = new Map()
    let id = map.get(label)
    if (id === undefined) {
      const f = typeof fairness === 'string' ? fairness : fairness.get(label)
      id = f === undefined ? -1 : this.#add(label, f)
      map.set(label, id)
    }
    return id
  }

  #add(label: string, fairness: Fairness): number {
    this.list.push({ label, fairness })
    return this.list.length - 1
  }
}

/** The reachable graph with what liveness needs to know about each state. */
export interface LivenessGraph<S> {
  readonly explored: BreadthFirstSearch<S>
  /** States `0 .. n - 1` are fully expanded; only they take part in the analysis. */
  readonly n: number
  /** 1 where the goal holds. */
  readonly goal: Uint8Array
  /** Steps leaving state `v` are `edgeStart[v] .. edgeStart[v + 1] - 1`. */
  readonly edgeStart: Int32Array
  /** Target state of each step. */
  readonly edgeTarget: Int32Array
  /** Fair instance of each step, or -1. */
  readonly edgeInstance: Int32Array
  /** Fair instances enabled at `v` are `enabled[enabledStart[v] .. enabledStart[v + 1] - 1]`. */
  readonly enabledStart: Int32Array
  readonly enabled: Int32Array
  readonly instances: FairInstances
}

/** A liveness graph whose state type does not matter (the analysis never looks at states). */
export type AnyLivenessGraph = LivenessGraph<any>

/**
 * Explores `model` and records its liveness graph.
 *
 * @throws {UserCodeError} when the goal (or any model function) throws.
 */
export function buildLivenessGraph<S>(
  model: Model<S>,
  goal: (s: S) => boolean,
  goalName: string,
  fairness: readonly (ActionFairness | undefined)[],
  maxStates: number | undefined,
): LivenessGraph<S> {
  const instances = new FairInstances(model as Model<unknown>, fairness)
  let goalFlags = new Uint8Array(1024)
  const edgeStart = new IntList()
  const edgeTarget = new IntList()
  const edgeInstance = new IntList()
  const enabledStart = new IntList()
  const enabled = new IntList()
  edgeStart.push(0)
  enabledStart.push(0)
  const explored = exploreStates(
    model,
    {
      state(s, i) {
        if (i >= goalFlags.length) {
          const bigger = new Uint8Array(goalFlags.length * 2)
          bigger.set(goalFlags)
          goalFlags = bigger
        }
        let holds: boolean
        try {
          holds = Boolean(goal(s))
        } catch (e) {
          throw new UserCodeError('goal', goalName, e)
        }
        goalFlags[i] = holds ? 1 : 0
      },
      edge(from, to, ai, param) {
        if (to === from) return
        const inst = instances.idOf(ai, param)
        if (inst >= 0) enabled.push(inst)
        // A successor cut by the constraint still makes its action enabled (as in TLC, where
        // ENABLED ignores constraints), but there is no step to take.
        if (to < 0) return
        edgeTarget.push(to)
        edgeInstance.push(inst)
      },
      expanded() {
        edgeStart.push(edgeTarget.length)
        enabledStart.push(enabled.length)
      },
    },
    maxStates === undefined ? {} : { maxStates },
  )
  return {
    explored,
    n: explored.expanded,
    goal: goalFlags,
    edgeStart: edgeStart.toArray(),
    edgeTarget: edgeTarget.toArray(),
    edgeInstance: edgeInstance.toArray(),
    enabledStart: enabledStart.toArray(),
    enabled: enabled.toArray(),
    instances,
  }
}
