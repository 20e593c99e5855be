/**
 * The search engine: one strict level-by-level breadth-first search over fingerprints, shared
 * by `check`, the liveness graph builder, `checkRefinement`, `checkOpen` and the state-graph
 * renderer. The engine walks; a {@link SearchVisitor} observes (Stateright's shape). Every
 * consumer therefore gets the same TLC conventions:
 *
 * - `generated` counts the initial states plus every successor produced, duplicates, self-loops
 *   and constraint-violating successors included;
 * - a successor that fails the model's constraint is counted but neither stored nor explored;
 * - `depth` counts the initial states as level 1;
 * - `maxStates` stops the search when a new fingerprint would be stored beyond the bound (a
 *   duplicate never trips it); `maxDepth` stores and checks the last level but does not expand
 *   it, and the search is complete only if none of its successors is new.
 *
 * States are numbered in the order they were stored, which is also the order in which they are
 * expanded. Full states live only in the frontier; the store keeps fingerprints and parents.
 * Given a {@link FrontierSpill}, a level that outgrows the memory budget goes to files in
 * chunks and is read back chunk by chunk: the order, and so every count and trace, is the same.
 * A search can also start from a level saved at a level boundary ({@link resume}), which is how
 * `check` resumes from a checkpoint.
 *
 * @module
 */
import { StateEncodingError, StateMutationError, UserCodeError } from '../errors.ts'
import { type Action, type EachAction, instanceLabel } from '../model/action.ts'
import { FingerprintSet } from '../model/fingerprint-set.ts'
import type { Model } from '../model/model.ts'
import { type KeyFingerprinter, keyFingerprinter } from '../model/state-key.ts'
import { runDomain } from '../model/successors.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { type FrontierSpill, Level } from './frontier.ts'
import { mutationError } from './mutation.ts'
import { rebuildTrace } from './trace.ts'
import type { Incompleteness, Step } from './types.ts'

const NO_NEXT_STATE =
  'it returned undefined instead of the next state (does the effect forget to return, e.g. (s) => { ({ ...s }) }?)'

/** The parameter list of a plain action: one instance, no parameter. */
const SINGLE: readonly unknown[] = [undefined]

/** Callbacks of a search. Returning `true` from one stops the search at once. */
export interface SearchVisitor<S> {
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
  /**
   * All successors of state `index` were produced (`successors` enabled action instances).
   * Also called for the states of the last level under `maxDepth`, which are probed, not
   * expanded.
   */
  expanded?(index: number, successors: number, s: S): boolean | undefined
  /**
   * A level boundary: every state before `levelStart` was expanded, `level` holds the states
   * numbered from `levelStart` (level `depth` of the search), and nothing of it was expanded
   * yet. The counters of the search are consistent here: what `check` saves in a checkpoint.
   */
  level?(level: Level<S>, levelStart: number): boolean | undefined
}

/** Bounds of a search. */
export interface SearchBounds {
  /** Stop before storing a state beyond this many (the search is then incomplete). */
  maxStates?: number
  /** Do not expand states beyond this BFS level (initial states are level 1). */
  maxDepth?: number
}

/**
 * Where a search stores fingerprints: the visited-state store (numbered states with parents),
 * `check`'s {@link FingerprintSet} (fingerprints only; traces are found by searching again), or
 * (in a `checkParallel` worker) a sink that records every successor for the coordinating thread
 * to deduplicate.
 */
export interface FingerprintStore {
  readonly size: number
  /** The number of the state with this fingerprint, or -1. */
  indexOf(hi: number, lo: number): number
  /** Adds a fingerprint; returns its number, or -1 when it was already present. */
  add(hi: number, lo: number, parent: number): number
}

/** Model code that threw during a search: the error and the state being expanded. */
export interface SearchFailure {
  readonly error: UserCodeError
  /** The state being expanded when it threw. */
  readonly index: number
}

/** Which user function is running, so an exception can name it without a wrapper per call. */
type Origin = 'domain' | 'guard' | 'effect' | 'constraint' | 'key' | 'visitor'

/**
 * One breadth-first search of a model. Construct it, call {@link run}, then read the counters,
 * the store and the outcome. Model code that throws while a state is expanded ends the search
 * with {@link failure} set; a visitor that throws ends it with the exception (a
 * {@link UserCodeError} gets the trace to the state being expanded).
 */
export class BreadthFirstSearch<S> {
  readonly model: Model<S>
  readonly store: VisitedStore
  /** The model's state keying (symmetry, view). */
  readonly key: KeyFingerprinter<S>
  /** Initial states plus every successor produced (TLC's "states generated"). */
  generated = 0
  /** BFS levels reached, the initial states being level 1. */
  depth = 0
  /** States `0 .. expanded - 1` had all their successors visited. */
  expanded = 0
  /** True when a visitor stopped the search. */
  stopped = false
  /** Set when a bound cut the search. */
  incomplete: Incompleteness | undefined
  /** Set when model code threw. */
  failure: SearchFailure | undefined
  readonly #visitor: SearchVisitor<S>
  /** True when the store keeps no parents, so that traces are found by searching again. */
  readonly #replays: boolean
  readonly #maxStates: number
  readonly #maxDepth: number
  /** The level being built, and the position in the chunk being expanded (for {@link queued}). */
  #next: S[] = []
  #position = 0
  /** States of the current level in the chunks before the one being expanded, and the level's size. */
  #chunkStart = 0
  #levelSize = 0
  /** The spilled part of the level being built, when a {@link FrontierSpill} is set. */
  #nextLevel = new Level<S>()
  #spill: FrontierSpill | undefined
  /** A level saved at a boundary to start from instead of the initial states. */
  #resume: { level: Level<S>; levelStart: number } | undefined

  constructor(
    model: Model<S>,
    visitor: SearchVisitor<S>,
    bounds: SearchBounds = {},
    store: FingerprintStore = new VisitedStore(),
  ) {
    this.model = model
    // Only a VisitedStore can rebuild traces; a sink is used where no trace is asked for.
    this.store = store as VisitedStore
    this.#replays = store instanceof FingerprintSet
    this.key = keyFingerprinter(model)
    this.#visitor = visitor
    this.#maxStates = bounds.maxStates ?? Number.POSITIVE_INFINITY
    this.#maxDepth = bounds.maxDepth ?? Number.POSITIVE_INFINITY
  }

  /** States found but not yet expanded. */
  get queued(): number {
    return (
      this.#levelSize -
      this.#chunkStart -
      this.#position +
      this.#nextLevel.spilled +
      this.#next.length
    )
  }

  /** Lets levels that outgrow `spill`'s budget go to its files. */
  spillTo(spill: FrontierSpill): this {
    this.#spill = spill
    return this
  }

  /**
   * Starts the search at a level boundary saved earlier instead of at the initial states: the
   * store must already hold every state numbered below `levelStart + level.size`, and
   * `generated` and `depth` must be set to their values at that boundary.
   */
  resume(level: Level<S>, levelStart: number): this {
    this.#resume = { level, levelStart }
    return this
  }

  /** True once the search ended early: stopped, cut by a bound, or failed. */
  get ended(): boolean {
    return this.stopped || this.incomplete !== undefined || this.failure !== undefined
  }

  /**
   * A shortest trace from an initial state to stored state `i`: the first path the search
   * found to it, whichever store it used.
   */
  traceTo(i: number): Step<S>[] {
    if (!this.#replays) return rebuildTrace(this.model, this.store, this.key, i)
    // A FingerprintSet keeps no parents. A breadth-first search numbers states in a fixed
    // order, so searching again with a numbered store, up to state i, stores the same states
    // under the same numbers with the same parents: the trace is the one a VisitedStore gives.
    // This costs a search up to i and a temporary store for its states, once per trace.
    const replay = new BreadthFirstSearch(this.model, { state: (_s, n) => n === i })
    // Under a memory budget the replay's levels go to disk as the search's did.
    if (this.#spill !== undefined) replay.spillTo(this.#spill)
    replay.run()
    if (replay.store.size <= i || replay.failure !== undefined) {
      throw new Error(
        `musil internal error: searching ${this.model.name} again did not reach state ${i}; is an action nondeterministic (reading Math.random or a clock)?`,
      )
    }
    return replay.traceTo(i)
  }

  /**
   * The failure as an exception carrying the trace to the state being expanded, for the
   * consumers that report model errors by throwing (liveness, refinement, pictures).
   */
  failureError(): UserCodeError | undefined {
    const f = this.failure
    if (f === undefined) return undefined
    this.#attachTrace(f.error, f.index)
    return f.error
  }

  /** Runs the search to its end. */
  run(): this {
    const resumed = this.#resume
    let level: Level<S>
    let levelStart: number
    if (resumed === undefined) {
      level = new Level(this.#initialStates())
      levelStart = 0
      if (level.size > 0) this.depth = 1
    } else {
      level = resumed.level
      levelStart = resumed.levelStart
    }
    const onLevel = this.#visitor.level
    try {
      while (level.size > 0 && !this.ended) {
        if (onLevel !== undefined && onLevel(level, levelStart) === true) {
          this.stopped = true
          break
        }
        const probe = this.depth >= this.#maxDepth
        this.#levelSize = level.size
        this.#chunkStart = 0
        for (const chunk of level.chunks()) {
          this.#expandLevel(chunk, levelStart + this.#chunkStart, probe)
          if (this.ended) break
          this.#chunkStart += chunk.length
        }
        // A cut by maxStates still counts the level it was building (as TLC reports depth).
        if (probe || this.stopped || this.failure !== undefined) break
        levelStart += level.size
        level.dispose()
        level = this.#takeNextLevel()
        if (level.size > 0) this.depth++
      }
    } finally {
      level.dispose()
      this.#nextLevel.dispose()
      this.#next = []
      this.#levelSize = 0
    }
    return this
  }

  /** The level built while expanding the last one, its spilled chunks first. */
  #takeNextLevel(): Level<S> {
    const level = this.#nextLevel
    level.tail = this.#next
    this.#nextLevel = new Level<S>()
    this.#next = []
    // The fingerprint set grew: fewer states fit in memory now.
    this.#spill?.resize(level.tail, true)
    return level
  }

  /** Writes the level being built to a file, keeping the same array (the hot loop holds it). */
  #spillNext(): void {
    const spill = this.#spill!
    const next = this.#next
    spill.resize(next)
    if (!spill.over(next.length)) return
    this.#nextLevel.addFile(spill.write(next), next.length)
    next.length = 0
  }

  /** Stores the initial states (a search's level 1) and returns those stored. */
  initialLevel(): S[] {
    return this.#initialStates()
  }

  /**
   * Expands `states`, numbered from `base`, as one level (or part of one) and returns the
   * successors stored, in order. For `checkParallel`'s workers, which expand a slice of a level.
   */
  expandSlice(states: S[], base: number): S[] {
    this.#next = []
    this.#levelSize = states.length
    this.#chunkStart = 0
    this.#expandLevel(states, base, false)
    const next = this.#next
    this.#next = []
    return next
  }

  #initialStates(): S[] {
    const { model, store, key } = this
    const { fp } = key
    const visitor = this.#visitor
    const frontier: S[] = []
    for (const s of model.init) {
      this.generated++
      if (model.constraint !== undefined) {
        let passes: boolean
        try {
          passes = Boolean(model.constraint(s))
        } catch (e) {
          throw new UserCodeError('constraint', 'constraint', e)
        }
        if (!passes) continue
      }
      try {
        key(s)
      } catch (e) {
        if (e instanceof StateEncodingError) this.#explainEncoding(e, s, -1, 'init', undefined)
        throw e
      }
      if (store.size >= this.#maxStates && store.indexOf(fp.hi, fp.lo) < 0) {
        this.#cutAtMaxStates()
        break
      }
      const i = store.add(fp.hi, fp.lo, -1)
      if (i < 0) continue
      frontier.push(s)
      if (visitor.state?.(s, i, true) === true) {
        this.stopped = true
        break
      }
    }
    return frontier
  }

  /**
   * Expands one level into `this.#next`; with `probe`, only looks whether the level has a
   * successor outside the store (the `maxDepth` bound). The one successor loop of musil's
   * searches: keep it tight, it is the hot path.
   */
  #expandLevel(frontier: S[], levelStart: number, probe: boolean): void {
    const { model, store } = this
    const { fp, child } = this.key
    const { actions, constraint } = model
    const visitor = this.#visitor
    const onState = visitor.state
    const onEdge = visitor.edge
    const onExpanded = visitor.expanded
    const maxStates = this.#maxStates
    const next = this.#next
    // The level being built goes to disk past this many states (never without a spill).
    let spillAt = this.#spill?.limit ?? Number.POSITIVE_INFINITY
    // Stores whose add looks the fingerprint up itself, when no edge needs the number of a
    // state found again (a parallel worker's sink records every add: it is looked up first).
    const addOnly =
      onEdge === undefined && (store instanceof FingerprintSet || store instanceof VisitedStore)
    // Without symmetry or view a state's key is the state itself, so a successor with the
    // fingerprint of the state being expanded (a self-loop: an action that changes nothing, a
    // third of TwoPhase's successors) is that stored state: no need to look it up.
    const selfLoops = addOnly && model.symmetry === undefined && model.view === undefined
    // Counted locally in the hot loop; the `finally` below adds it to this.generated per state.
    let generated = 0
    for (let fi = 0; fi < frontier.length; fi++) {
      this.#position = fi
      const s = frontier[fi]!
      const si = levelStart + fi
      // Fingerprint and record the state before expansion: its successors' fingerprints start
      // from the record, and the mutation check compares the state with it afterwards.
      fp.recordParent(s)
      const beforeHi = fp.hi
      const beforeLo = fp.lo
      let count = 0
      let unseen = false
      let ai = 0
      let param: unknown
      let origin: Origin = 'domain'
      // The successor being fingerprinted, if any: an encoding error names how it was produced.
      let keyed: S | undefined
      try {
        for (; ai < actions.length; ai++) {
          // A plain action is an `each` with one instance: one loop for every kind of action.
          const a = actions[ai]! as EachAction<S>
          param = undefined
          origin = 'domain'
          const domain = (a as Action<S>).kind === 'single' ? SINGLE : runDomain(a, s)
          for (let pi = 0; pi < domain.length; pi++) {
            param = domain[pi]
            origin = 'guard'
            if (!a.guard(s, param)) continue
            origin = 'effect'
            const t = a.effect(s, param)
            if (t === undefined) throw new TypeError(NO_NEXT_STATE)
            count++
            if (!probe) generated++
            origin = 'constraint'
            if (constraint !== undefined && !constraint(t)) {
              if (probe) continue
              if (onEdge !== undefined) {
                origin = 'visitor'
                if (onEdge(si, -1, ai, param, s, t) === true) {
                  this.stopped = true
                  return
                }
              }
              continue
            }
            origin = 'key'
            keyed = t
            child(t)
            const hi = fp.hi
            const lo = fp.lo
            if (probe) {
              if (!unseen && store.indexOf(hi, lo) < 0) unseen = true
              continue
            }
            let ti: number
            let found = false
            if (addOnly && store.size < maxStates) {
              if (selfLoops && hi === beforeHi && lo === beforeLo) continue
              // No edges to report (check): one probe of the store, not a lookup then an add.
              ti = store.add(hi, lo, si)
              if (ti < 0) continue
            } else {
              ti = store.indexOf(hi, lo)
              found = ti >= 0
              if (!found) {
                if (store.size >= maxStates) {
                  this.#cutAtMaxStates()
                  return
                }
                ti = store.add(hi, lo, si)
              }
            }
            if (!found) {
              next.push(t)
              if (onState !== undefined) {
                origin = 'visitor'
                if (onState(t, ti, false) === true) {
                  this.stopped = true
                  return
                }
              }
            }
            if (onEdge !== undefined) {
              origin = 'visitor'
              if (onEdge(si, ti, ai, param, s, t) === true) {
                this.stopped = true
                return
              }
            }
          }
        }
      } catch (e) {
        this.generated += generated
        generated = 0
        if (origin === 'visitor') {
          if (e instanceof UserCodeError) this.#attachTrace(e, si)
          throw e
        }
        if (origin === 'key' && e instanceof StateEncodingError) {
          this.#explainEncoding(e, keyed as S, si, actions[ai]!, param)
        }
        if (e instanceof StateEncodingError || e instanceof StateMutationError) throw e
        this.failure = { error: this.#userError(e, origin, actions[ai], param), index: si }
        return
      } finally {
        this.generated += generated
        generated = 0
      }
      if (!fp.parentIntact()) {
        fp.of(s)
        if (fp.hi !== beforeHi || fp.lo !== beforeLo) {
          throw mutationError(model, (i) => this.traceTo(i), s, si)
        }
      }
      if (!probe) this.expanded = si + 1
      if (next.length >= spillAt) {
        this.#spillNext()
        spillAt = this.#spill!.limit
      }
      if (onExpanded !== undefined) {
        try {
          if (onExpanded(si, count, s) === true) {
            this.stopped = true
            return
          }
        } catch (e) {
          if (e instanceof UserCodeError) this.#attachTrace(e, si)
          throw e
        }
      }
      if (unseen && this.incomplete === undefined) {
        this.incomplete = {
          reason: 'maxDepth',
          limit: this.#maxDepth,
          message: `search cut at depth ${this.#maxDepth}: states beyond it were not explored; raise maxDepth or bound the model with a constraint`,
        }
      }
    }
    this.#position = frontier.length
  }

  #cutAtMaxStates(): void {
    const limit = this.#maxStates
    this.incomplete = {
      reason: 'maxStates',
      limit,
      message: `search stopped after ${limit} distinct states (maxStates): the model was not fully explored; raise maxStates or bound the model with a constraint`,
    }
  }

  #userError(e: unknown, origin: Origin, a: Action<S> | undefined, param: unknown): UserCodeError {
    if (e instanceof UserCodeError) return e
    if (origin === 'constraint') return new UserCodeError('constraint', 'constraint', e)
    if (origin === 'domain') return new UserCodeError('domain', a?.name ?? 'unknown action', e)
    const label = a ? instanceLabel(a as Action<unknown>, param) : 'unknown action'
    return new UserCodeError(origin === 'guard' ? 'guard' : 'effect', label, e)
  }

  /** Gives a model error the trace to the state being expanded, naming the model. */
  #attachTrace(e: UserCodeError, si: number): void {
    if (e.trace.length > 0) return
    e.trace = this.traceTo(si)
    e.message += ` (model ${this.model.name}, after ${e.trace.length - 1} steps; see error.trace)`
  }

  /** Attaches to an encoding error the trace that produced the state at fault. */
  #explainEncoding(
    e: StateEncodingError,
    t: S,
    parent: number,
    a: Action<S> | 'init',
    param: unknown,
  ): void {
    const label = a === 'init' ? 'init' : instanceLabel(a as Action<unknown>, param)
    let prefix: Step<S>[] = []
    try {
      if (parent >= 0) prefix = this.traceTo(parent)
    } catch {
      // A store that cannot rebuild traces (a parallel worker's sink): the state alone.
    }
    e.trace = [...prefix, { action: label, state: t }]
    e.message += ` (state produced by ${label}${parent >= 0 ? ` after ${e.trace.length - 1} steps` : ''})`
  }
}

/**
 * Runs a breadth-first search of `model` with `visitor` (see {@link BreadthFirstSearch}), for
 * the consumers that report model code that throws as an exception rather than a violation.
 *
 * @throws {UserCodeError} when a domain, guard, effect, constraint or the state keying throws,
 *   with the trace to the state being expanded.
 * @throws {StateMutationError} when an action changes the state it was given.
 */
export function exploreStates<S>(
  model: Model<S>,
  visitor: SearchVisitor<S>,
  bounds: SearchBounds = {},
): BreadthFirstSearch<S> {
  const search = new BreadthFirstSearch(model, visitor, bounds).run()
  const error = search.failureError()
  if (error !== undefined) throw error
  return search
}
