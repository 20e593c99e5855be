/**
 * `check`: strict level-by-level breadth-first search of a model's reachable states, checking
 * invariants on every new state and deadlock on every expanded one. Because levels are never
 * mixed, the first violation found has a shortest trace.
 *
 * @module
 */
import { ModelDefinitionError, UserCodeError } from '../errors.ts'
import { FingerprintSet } from '../model/fingerprint-set.ts'
import { isModel, type Model } from '../model/model.ts'
import { checkOptions, type OptionKey } from '../options.ts'
import { BreadthFirstSearch, type SearchVisitor } from './engine.ts'
import { ProgressClock, type SearchCounts } from './outcome.ts'
import {
  CHECK_OPTION_KEYS,
  type CheckOptions,
  type CheckResult,
  type SafetyViolation,
  type Step,
} from './types.ts'

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
export function validateOptions<O extends CheckOptions>(
  opts: O,
  where: string,
  keys: readonly OptionKey<O>[] = CHECK_OPTION_KEYS as readonly OptionKey<O>[],
): void {
  checkOptions(opts, where, keys)
  for (const k of ['maxStates', 'maxDepth'] as const) {
    const v = opts[k]
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`${where}: ${k} must be a positive integer, got ${String(v)}`)
    }
  }
}

/**
 * One run of `check`: the engine's visitor that checks invariants on every new state and
 * deadlock on every expanded one, and turns the engine's outcome into a {@link CheckResult}.
 */
class Search<S> {
  readonly model: Model<S>
  readonly opts: CheckOptions
  readonly engine: BreadthFirstSearch<S>
  /** The visited set: fingerprints only, 12 bytes a state at most (traces are replayed). */
  readonly visited = new FingerprintSet()
  /** Invariants as parallel arrays: checked on every new state, so no object iteration there. */
  readonly invariantNames: string[]
  readonly invariantPredicates: ((s: S) => boolean)[]
  readonly checkDeadlock: boolean
  readonly clock: ProgressClock
  violation: SafetyViolation<S> | undefined

  constructor(model: Model<S>, opts: CheckOptions) {
    this.model = model
    this.opts = opts
    this.invariantNames = Object.keys(model.invariants)
    this.invariantPredicates = this.invariantNames.map((n) => model.invariants[n]!)
    this.checkDeadlock = opts.deadlock !== false
    this.clock = new ProgressClock(opts)
    const visitor: SearchVisitor<S> = {
      expanded: (si, count, s) => this.expanded(si, count, s),
    }
    if (this.invariantNames.length > 0) visitor.state = (s, i) => this.checkInvariants(s, i)
    this.engine = new BreadthFirstSearch(
      model,
      visitor,
      {
        ...(opts.maxStates !== undefined && { maxStates: opts.maxStates }),
        ...(opts.maxDepth !== undefined && { maxDepth: opts.maxDepth }),
      },
      this.visited,
    )
  }

  run(): CheckResult<S> {
    const { engine } = this
    engine.run()
    const failure = engine.failure
    if (failure !== undefined && this.violation === undefined) {
      this.violation = this.errorViolation(failure.error, failure.index)
    }
    return this.result()
  }

  /** After state `si` was expanded (or probed at the depth bound): deadlock and progress. */
  expanded(si: number, count: number, s: S): boolean {
    if (count === 0 && this.checkDeadlock && !this.isTerminal(s, si)) {
      this.violation = deadlockViolation(this.model.name, this.traceTo(si))
      return true
    }
    if (this.violation) return true
    this.clock.tick(() => this.counts(), this.engine.queued)
    return false
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

  /** Returns true (and records the violation) when an invariant fails or throws at state `i`. */
  checkInvariants(s: S, i: number): boolean {
    const failed = failingInvariant(this.invariantNames, this.invariantPredicates, s)
    if (failed === undefined) return false
    this.violation =
      failed.error === undefined
        ? invariantViolation(failed.name, this.traceTo(i))
        : this.errorViolation(failed.error, i)
    return true
  }

  errorViolation(err: UserCodeError, stateIndex: number): SafetyViolation<S> {
    return errorViolation(describeUserError(err), this.traceTo(stateIndex))
  }

  traceTo(i: number): Step<S>[] {
    return this.engine.traceTo(i)
  }

  counts(): SearchCounts {
    const { engine } = this
    return { distinct: engine.store.size, generated: engine.generated, depth: engine.depth }
  }

  result(): CheckResult<S> {
    const { engine } = this
    return this.clock.result(
      this.model.name,
      this.counts(),
      this.visited.bytesInUse,
      this.violation,
      engine.incomplete,
    )
  }
}

/** The first invariant that is false (or throws) at `s`, or undefined when all hold. */
export function failingInvariant<S>(
  names: readonly string[],
  predicates: readonly ((s: S) => boolean)[],
  s: S,
): { name: string; error?: UserCodeError } | undefined {
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!
    let holds: boolean
    try {
      const verdict = predicates[k]!(s)
      if (verdict === undefined) throw new TypeError(NO_VERDICT)
      holds = Boolean(verdict)
    } catch (e) {
      return { name, error: new UserCodeError('invariant', name, e) }
    }
    if (!holds) return { name }
  }
  return undefined
}

/** What threw, as plain data (it crosses worker threads). */
export interface UserErrorInfo {
  readonly origin: string
  readonly label: string
  readonly type: string
  readonly message: string
}

/** A {@link UserCodeError} as plain data. */
export function describeUserError(err: UserCodeError): UserErrorInfo {
  const cause = err.cause
  return {
    origin: err.origin,
    label: err.label,
    type: cause instanceof Error ? cause.name : typeof cause,
    message: cause instanceof Error ? cause.message : String(cause),
  }
}

/** The violation for user code that threw at the last state of `trace`. */
export function errorViolation<S>(info: UserErrorInfo, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'error',
    name: info.label,
    message: `${info.origin} of ${info.label} threw after ${trace.length - 1} steps: ${info.message}`,
    trace,
    error: { origin: info.origin, type: info.type, message: info.message },
  }
}

/** The violation for an invariant that is false at the last state of `trace`. */
export function invariantViolation<S>(name: string, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'invariant',
    name,
    message: `invariant ${name} is violated after ${trace.length - 1} steps`,
    trace,
  }
}

/** The violation for a deadlock at the last state of `trace`. */
export function deadlockViolation<S>(model: string, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'deadlock',
    name: 'deadlock',
    message: `deadlock: a reachable state of ${model} has no enabled action and is not terminal`,
    trace,
  }
}
