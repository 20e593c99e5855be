/**
 * `check`: strict level-by-level breadth-first search of a model's reachable states, checking
 * invariants on every new state and deadlock on every expanded one. Because levels are never
 * mixed, the first violation found has a shortest trace.
 *
 * @module
 */
import {
  ModelDefinitionError,
  StateEncodingError,
  StateMutationError,
  UserCodeError,
} from '../errors.ts'
import { type Action, instanceLabel } from '../model/action.ts'
import {
  fingerprint,
  fingerprintParent,
  fpHi,
  fpLo,
  parentIntact,
  reuseParentHashes,
} from '../model/fingerprint.ts'
import { isModel, type Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { forEachSuccessor, runDomain } from '../model/successors.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { checkOptions } from '../options.ts'
import { mutationError } from './mutation.ts'
import { rebuildTrace } from './trace.ts'
import {
  CHECK_OPTION_KEYS,
  type CheckOptions,
  type CheckProgress,
  type CheckResult,
  type CheckStats,
  type Incompleteness,
  type SafetyViolation,
  type Step,
} from './types.ts'

const TWO_POW_64 = 2 ** 64
const NO_NEXT_STATE =
  'it returned undefined instead of the next state (does the effect forget to return, e.g. (s) => { ({ ...s }) }?)'
const NO_VERDICT =
  'it returned undefined instead of a boolean (does the predicate forget to return?)'

/**
 * Explores every reachable state of `model` breadth-first and reports the first invariant
 * violation, deadlock or exception with a shortest trace.
 *
 * A bound (`maxStates`, `maxDepth`) that cuts the search makes the result incomplete:
 * `complete: false` and `ok: false`, never a silent success.
 *
 * @example
 * const r = check(model)
 * if (!r.ok) console.log(formatTrace(r.violation!.trace))
 *
 * @throws {StateEncodingError} when a state holds a function, symbol, class instance or cycle.
 * @throws {StateMutationError} when an action changes the state it was given.
 * @throws {OptionsError} when `opts` has a key `check` does not know.
 */
export function check<S>(model: Model<S>, opts: CheckOptions = {}): CheckResult<S> {
  if (!isModel(model as unknown)) {
    throw new ModelDefinitionError(
      'check() expects a model built with defineModel({ init, actions })',
    )
  }
  validateOptions(opts, 'check()')
  return new Search(model, opts).run()
}

/**
 * Checks the options of a search; `where` names the entry point that was given them
 * (`check()`, `checkOpenWith()`).
 */
export function validateOptions(opts: CheckOptions, where: string): void {
  checkOptions(opts, where, CHECK_OPTION_KEYS)
  for (const k of ['maxStates', 'maxDepth'] as const) {
    const v = opts[k]
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`${where}: ${k} must be a positive integer, got ${String(v)}`)
    }
  }
}

/** One run of the breadth-first search. */
class Search<S> {
  readonly model: Model<S>
  readonly opts: CheckOptions
  readonly store: VisitedStore = new VisitedStore()
  readonly key: (s: S) => void
  generated = 0
  /** Invariants as parallel arrays: checked on every new state, so no object iteration there. */
  readonly invariantNames: string[]
  readonly invariantPredicates: ((s: S) => boolean)[]
  depth = 0
  started = performance.now()
  nextProgress: number
  violation: SafetyViolation<S> | undefined
  incomplete: Incompleteness | undefined

  constructor(model: Model<S>, opts: CheckOptions) {
    this.model = model
    this.opts = opts
    this.key = keyFingerprinter(model)
    this.invariantNames = Object.keys(model.invariants)
    this.invariantPredicates = this.invariantNames.map((n) => model.invariants[n]!)
    this.nextProgress = this.started + (opts.progressIntervalMs ?? 1000)
  }

  run(): CheckResult<S> {
    let frontier = this.initialFrontier()
    let levelStart = 0
    if (frontier.length > 0) this.depth = 1
    while (frontier.length > 0 && !this.violation && !this.incomplete) {
      if (this.opts.maxDepth !== undefined && this.depth >= this.opts.maxDepth) {
        this.probeBeyondDepth(frontier, levelStart)
        break
      }
      const next = this.expandLevel(frontier, levelStart)
      levelStart += frontier.length
      frontier = next
      if (frontier.length > 0 && !this.violation) this.depth++
    }
    return this.result()
  }

  initialFrontier(): S[] {
    const frontier: S[] = []
    const { model } = this
    for (const s of model.init) {
      this.generated++
      if (
        model.constraint &&
        !this.userCall('constraint', 'constraint', () => model.constraint!(s))
      )
        continue
      this.fingerprintOrExplain(s, -1, 'init')
      const max = this.opts.maxStates
      if (max !== undefined && this.store.size >= max && this.store.indexOf(fpHi, fpLo) < 0) {
        this.stopAt('maxStates', max, frontier)
        break
      }
      const i = this.store.add(fpHi, fpLo, -1)
      if (i < 0) continue
      frontier.push(s)
      if (this.checkInvariants(s, i)) break
    }
    return frontier
  }

  /** Expands one BFS level; returns the next one. Inlined for speed: this is the hot loop. */
  expandLevel(frontier: S[], levelStart: number): S[] {
    const { model, store, opts } = this
    const { actions, constraint } = model
    const checkDeadlock = opts.deadlock !== false
    const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY
    const hasInvariants = this.invariantNames.length > 0
    const key = this.key
    const next: S[] = []
    // Counted locally in the hot loop; the `finally` below adds it to this.generated per state.
    let generated = 0
    for (let fi = 0; fi < frontier.length; fi++) {
      const s = frontier[fi]!
      const si = levelStart + fi
      // Fingerprint and record the state before expansion: its successors' fingerprints start
      // from the record, and the mutation check compares the state with it afterwards.
      fingerprintParent(s)
      const beforeHi = fpHi
      const beforeLo = fpLo
      let count = 0
      let ai = 0
      let param: unknown
      // Which user function is running, so an exception can name it without a wrapper per call.
      let origin: UserCodeError['origin'] = 'guard'
      // The successor being fingerprinted, if any: an encoding error names how it was produced.
      let keying = false
      let keyed: S | undefined
      reuseParentHashes(true)
      try {
        for (; ai < actions.length; ai++) {
          const a = actions[ai]!
          if (a.kind === 'single') {
            param = undefined
            origin = 'guard'
            if (!a.guard(s)) continue
            origin = 'effect'
            const t = a.effect(s)
            if (t === undefined) throw new TypeError(NO_NEXT_STATE)
            count++
            generated++
            origin = 'constraint'
            if (constraint !== undefined && !constraint(t)) continue
            keying = true
            keyed = t
            key(t)
            keying = false
            if (store.size >= maxStates && store.indexOf(fpHi, fpLo) < 0) {
              return this.stopAt('maxStates', maxStates, next)
            }
            const ti = store.add(fpHi, fpLo, si)
            if (ti < 0) continue
            next.push(t)
            if (hasInvariants && this.checkInvariants(t, ti)) return next
          } else {
            const domain = runDomain(a, s)
            for (let pi = 0; pi < domain.length; pi++) {
              param = domain[pi]
              origin = 'guard'
              if (!a.guard(s, param)) continue
              origin = 'effect'
              const t = a.effect(s, param)
              if (t === undefined) throw new TypeError(NO_NEXT_STATE)
              count++
              generated++
              origin = 'constraint'
              if (constraint !== undefined && !constraint(t)) continue
              keying = true
              keyed = t
              key(t)
              keying = false
              if (store.size >= maxStates && store.indexOf(fpHi, fpLo) < 0) {
                return this.stopAt('maxStates', maxStates, next)
              }
              const ti = store.add(fpHi, fpLo, si)
              if (ti < 0) continue
              next.push(t)
              if (hasInvariants && this.checkInvariants(t, ti)) return next
            }
          }
        }
      } catch (e) {
        reuseParentHashes(false)
        if (keying && e instanceof StateEncodingError) {
          this.explainEncoding(e, keyed as S, si, actions[ai]!, param)
        }
        if (e instanceof StateEncodingError || e instanceof StateMutationError) throw e
        this.recordError(e, si, origin, actions[ai], param)
        return next
      } finally {
        reuseParentHashes(false)
        this.generated += generated
        generated = 0
      }
      this.detectMutation(s, si, beforeHi, beforeLo)
      if (count === 0 && checkDeadlock && !this.isTerminal(s, si)) {
        this.violation = {
          kind: 'deadlock',
          name: 'deadlock',
          message: `deadlock: a reachable state of ${model.name} has no enabled action and is not terminal`,
          trace: this.traceTo(si),
        }
        return next
      }
      if (this.violation) return next
      this.maybeReportProgress(frontier.length - fi + next.length)
    }
    return next
  }

  /**
   * At the depth bound: the frontier's states are stored and checked but not expanded. The
   * search is complete only if none of them has a successor outside the store.
   */
  probeBeyondDepth(frontier: S[], levelStart: number): void {
    const { model } = this
    for (let fi = 0; fi < frontier.length; fi++) {
      const s = frontier[fi]!
      const si = levelStart + fi
      let unseen = false
      let count: number
      try {
        count = forEachSuccessor(model, s, (t) => {
          if (model.constraint && !model.constraint(t)) return
          this.key(t)
          if (this.store.indexOf(fpHi, fpLo) < 0) unseen = true
        })
      } catch (e) {
        if (e instanceof StateEncodingError) throw e
        this.recordError(e, si, 'constraint', undefined, undefined)
        return
      }
      if (count === 0 && this.opts.deadlock !== false && !this.isTerminal(s, si)) {
        if (this.violation) return
        this.violation = {
          kind: 'deadlock',
          name: 'deadlock',
          message: `deadlock: a reachable state of ${model.name} has no enabled action and is not terminal`,
          trace: this.traceTo(si),
        }
        return
      }
      if (this.violation) return
      if (unseen && !this.incomplete) {
        this.incomplete = {
          reason: 'maxDepth',
          limit: this.opts.maxDepth!,
          message: `search cut at depth ${this.opts.maxDepth}: states beyond it were not explored; raise maxDepth or bound the model with a constraint`,
        }
      }
    }
  }

  /**
   * Whether `s` may lack successors. A `terminal` predicate that throws is recorded as an
   * `error` violation with the trace to `s` (and `s` then counts as terminal).
   */
  isTerminal(s: S, si: number): boolean {
    const terminal = this.model.terminal
    if (terminal === undefined) return false
    try {
      return Boolean(terminal(s))
    } catch (e) {
      this.violation = this.errorViolation(new UserCodeError('terminal', this.model.name, e), si)
      return true
    }
  }

  stopAt(reason: 'maxStates', limit: number, next: S[]): S[] {
    this.incomplete = {
      reason,
      limit,
      message: `search stopped after ${limit} distinct states (maxStates): the model was not fully explored; raise maxStates or bound the model with a constraint`,
    }
    return next
  }

  /** Fingerprints a new state; on failure, attaches the trace that produced it. */
  fingerprintOrExplain(t: S, parent: number, a: Action<S> | 'init', param?: unknown): void {
    try {
      this.key(t)
    } catch (e) {
      reuseParentHashes(false)
      if (e instanceof StateEncodingError) this.explainEncoding(e, t, parent, a, param)
      throw e
    }
  }

  /** Attaches to an encoding error the trace that produced the state at fault. */
  explainEncoding(
    e: StateEncodingError,
    t: S,
    parent: number,
    a: Action<S> | 'init',
    param: unknown,
  ): void {
    const label = a === 'init' ? 'init' : instanceLabel(a as Action<unknown>, param)
    e.trace = [...(parent >= 0 ? this.traceTo(parent) : []), { action: label, state: t }]
    e.message += ` (state produced by ${label}${parent >= 0 ? ` after ${e.trace.length - 1} steps` : ''})`
  }

  /** Returns true (and records the violation) when an invariant fails or throws at state `i`. */
  checkInvariants(s: S, i: number): boolean {
    const names = this.invariantNames
    const predicates = this.invariantPredicates
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!
      let holds: boolean
      try {
        const verdict = predicates[k]!(s)
        if (verdict === undefined) throw new TypeError(NO_VERDICT)
        holds = Boolean(verdict)
      } catch (e) {
        this.violation = this.errorViolation(new UserCodeError('invariant', name, e), i)
        return true
      }
      if (!holds) {
        const trace = this.traceTo(i)
        this.violation = {
          kind: 'invariant',
          name,
          message: `invariant ${name} is violated after ${trace.length - 1} steps`,
          trace,
        }
        return true
      }
    }
    return false
  }

  recordError(
    e: unknown,
    stateIndex: number,
    origin: UserCodeError['origin'],
    a: Action<S> | undefined,
    param: unknown,
  ): void {
    const label =
      origin === 'constraint'
        ? 'constraint'
        : a
          ? instanceLabel(a as Action<unknown>, param)
          : 'unknown action'
    const err = e instanceof UserCodeError ? e : new UserCodeError(origin, label, e)
    this.violation = this.errorViolation(err, stateIndex)
  }

  errorViolation(err: UserCodeError, stateIndex: number): SafetyViolation<S> {
    const cause = err.cause
    const trace = this.traceTo(stateIndex)
    return {
      kind: 'error',
      name: err.label,
      message: `${err.origin} of ${err.label} threw after ${trace.length - 1} steps: ${cause instanceof Error ? cause.message : String(cause)}`,
      trace,
      error: {
        origin: err.origin,
        type: cause instanceof Error ? cause.name : typeof cause,
        message: cause instanceof Error ? cause.message : String(cause),
      },
    }
  }

  /**
   * An effect that changes its input corrupts every state sharing that structure. Detected
   * after all the state's successors were generated: if every container still holds the
   * entries recorded before the expansion (a comparison of references), nothing changed;
   * otherwise the state is fingerprinted again and compared.
   */
  detectMutation(s: S, si: number, beforeHi: number, beforeLo: number): void {
    if (parentIntact()) return
    fingerprint(s)
    if (fpHi === beforeHi && fpLo === beforeLo) return
    throw mutationError(this.model, (i) => this.traceTo(i), s, si)
  }

  userCall<T>(origin: 'terminal' | 'constraint', label: string, f: () => T): T {
    try {
      return f()
    } catch (e) {
      throw new UserCodeError(origin, label, e)
    }
  }

  traceTo(i: number): Step<S>[] {
    reuseParentHashes(false)
    return rebuildTrace(this.model, this.store, this.key, i)
  }

  maybeReportProgress(queued: number): void {
    const cb = this.opts.onProgress
    if (cb === undefined) return
    const now = performance.now()
    if (now < this.nextProgress) return
    this.nextProgress = now + (this.opts.progressIntervalMs ?? 1000)
    cb(this.progress(queued, false))
  }

  progress(queued: number, done: boolean): CheckProgress {
    const elapsedMs = performance.now() - this.started
    const distinct = this.store.size
    return {
      distinct,
      generated: this.generated,
      depth: this.depth,
      queued,
      elapsedMs,
      distinctPerSecond: elapsedMs > 0 ? (distinct * 1000) / elapsedMs : 0,
      done,
    }
  }

  result(): CheckResult<S> {
    const durationMs = performance.now() - this.started
    const distinct = this.store.size
    const stats: CheckStats = {
      distinct,
      generated: this.generated,
      // A violating state found while expanding level k sits at level k + 1: count it.
      depth: Math.max(this.depth, this.violation?.trace.length ?? 0),
      durationMs,
      collisionProbability: (distinct * Math.max(this.generated - distinct, 0)) / TWO_POW_64,
      storeBytes: this.store.bytesInUse,
    }
    this.opts.onProgress?.(this.progress(0, true))
    const complete = this.incomplete === undefined
    return {
      ok: complete && this.violation === undefined,
      complete,
      stats,
      model: this.model.name,
      ...(this.violation && { violation: this.violation }),
      ...(this.incomplete && { incomplete: this.incomplete }),
    }
  }
}
