/**
 * Breadth-first exploration of a model's reachable states with a visitor per stored state and
 * per enabled action instance. `checkLiveness` records the labelled graph from it and
 * `checkRefinement` checks every step as it is produced; both share TLC's conventions with
 * `check` (constraints, counts, levels) and its visited-state store, so their statistics agree.
 *
 * States are numbered in the order they were stored, which is also the order in which they are
 * expanded: state `i` is expanded before state `i + 1`. Full states live only in the frontier.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import { fingerprint, fpHi, fpLo } from '../model/fingerprint.ts'
import type { Model } from '../model/model.ts'
import { type KeyFingerprinter, keyFingerprinter } from '../model/state-key.ts'
import { forEachSuccessor } from '../model/successors.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { mutationError } from './mutation.ts'
import { rebuildTrace } from './trace.ts'
import type { Incompleteness, Step } from './types.ts'

/**
 * Expands a state, and when user code throws, attaches to the error the trace that led to the
 * state and names the model, so `checkLiveness` and `checkRefinement` report it like `check`.
 */
function expandWithTrace<S>(
  model: Model<S>,
  traceTo: (i: number) => Step<S>[],
  si: number,
  s: S,
  visit: (next: S, actionIndex: number, param: unknown) => void,
): number {
  try {
    return forEachSuccessor(model, s, visit)
  } catch (e) {
    if (e instanceof UserCodeError && e.trace.length === 0) {
      e.trace = traceTo(si)
      e.message += ` (model ${model.name}, after ${e.trace.length - 1} steps; see error.trace)`
    }
    throw e
  }
}

/** Callbacks of {@link exploreStates}. Returning `true` from one stops the exploration. */
export interface ExploreVisitor<S> {
  /** A state was stored under number `index` (`initial` for an initial state). */
  state?(s: S, index: number, initial: boolean): boolean | undefined
  /**
   * An enabled action instance at state `from` leads to state `to`: the number of a stored
   * state (possibly `from` itself, a self-loop), or -1 when the successor fails the model's
   * constraint and so was not stored.
   */
  edge?(
    from: number,
    to: number,
    action: number,
    param: unknown,
    fromState: S,
    toState: S,
  ): boolean | undefined
  /** All successors of state `index` were visited. */
  expanded?(index: number, successors: number): boolean | undefined
}

/** Options of {@link exploreStates}. */
export interface ExploreOptions {
  /** Stop storing states after this many (the exploration is then incomplete). */
  maxStates?: number
}

/** What {@link exploreStates} leaves behind. */
export interface ExploredStates<S> {
  readonly model: Model<S>
  /** Fingerprints and BFS parents of the stored states. */
  readonly store: VisitedStore
  /** The model's state keying (symmetry, view). */
  readonly key: KeyFingerprinter<S>
  /** States `0 .. expanded - 1` had all their successors visited. */
  readonly expanded: number
  /** Initial states plus every successor produced (TLC's "states generated"). */
  readonly generated: number
  /** BFS levels, the initial states being level 1. */
  readonly depth: number
  /** True when a visitor stopped the exploration. */
  readonly stopped: boolean
  /** Set when `maxStates` cut the exploration. */
  readonly incomplete?: Incompleteness
  /** A shortest trace from an initial state to stored state `i`. */
  traceTo(i: number): Step<S>[]
}

/**
 * Explores `model` breadth-first, strictly level by level, calling `visitor` for every stored
 * state and every enabled action instance.
 *
 * @throws {UserCodeError} when a domain, guard, effect, constraint or the state keying throws.
 * @throws {StateMutationError} when an action changes the state it was given.
 */
export function exploreStates<S>(
  model: Model<S>,
  visitor: ExploreVisitor<S>,
  opts: ExploreOptions = {},
): ExploredStates<S> {
  const store = new VisitedStore()
  const key = keyFingerprinter(model)
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY
  const { constraint } = model
  let generated = 0
  let depth = 0
  let expanded = 0
  let stopped = false
  let incomplete: Incompleteness | undefined
  const traceTo = (i: number): Step<S>[] => rebuildTrace(model, store, key, i)
  const passes = (s: S): boolean => {
    if (constraint === undefined) return true
    try {
      return Boolean(constraint(s))
    } catch (e) {
      throw new UserCodeError('constraint', 'constraint', e)
    }
  }
  const cut = (): void => {
    incomplete = {
      reason: 'maxStates',
      limit: maxStates,
      message: `search stopped after ${maxStates} distinct states (maxStates): the model was not fully explored; raise maxStates or bound the model with a constraint`,
    }
  }

  let frontier: S[] = []
  for (const s of model.init) {
    generated++
    if (!passes(s)) continue
    if (store.size >= maxStates) {
      cut()
      break
    }
    key(s)
    const i = store.add(fpHi, fpLo, -1)
    if (i < 0) continue
    frontier.push(s)
    if (visitor.state?.(s, i, true) === true) {
      stopped = true
      break
    }
  }
  if (frontier.length > 0) depth = 1

  let levelStart = 0
  while (frontier.length > 0 && !stopped && incomplete === undefined) {
    const next: S[] = []
    for (let fi = 0; fi < frontier.length && !stopped && incomplete === undefined; fi++) {
      const s = frontier[fi]!
      const si = levelStart + fi
      fingerprint(s)
      const beforeHi = fpHi
      const beforeLo = fpLo
      const count = expandWithTrace(model, traceTo, si, s, (t, ai, param) => {
        if (stopped || incomplete !== undefined) return
        generated++
        let ti = -1
        if (passes(t)) {
          key(t)
          ti = store.indexOf(fpHi, fpLo)
          if (ti < 0) {
            if (store.size >= maxStates) {
              cut()
              return
            }
            ti = store.add(fpHi, fpLo, si)
            next.push(t)
            if (visitor.state?.(t, ti, false) === true) {
              stopped = true
              return
            }
          }
        }
        if (visitor.edge?.(si, ti, ai, param, s, t) === true) stopped = true
      })
      fingerprint(s)
      if (fpHi !== beforeHi || fpLo !== beforeLo) throw mutationError(model, traceTo, s, si)
      if (stopped || incomplete !== undefined) break
      expanded = si + 1
      if (visitor.expanded?.(si, count) === true) stopped = true
    }
    levelStart += frontier.length
    frontier = next
    if (frontier.length > 0 && !stopped && incomplete === undefined) depth++
  }
  return {
    model,
    store,
    key,
    expanded,
    generated,
    depth,
    stopped,
    traceTo,
    ...(incomplete && { incomplete }),
  }
}
