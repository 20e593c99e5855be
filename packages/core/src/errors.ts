/**
 * Error classes thrown by musil. Every class carries a stable `name` and a brand that survives
 * duplicate copies of the package (Vite-transformed copies, worker threads), so test code should
 * prefer `MusilError.is(e)` and `e.name` over `instanceof`.
 *
 * @module
 */

import { formatValue } from './format/value.ts'

const BRAND = Symbol.for('musil.error')

/** Base class of every error musil throws on purpose. */
export class MusilError extends Error {
  override name = 'MusilError'

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options)
    // A non-enumerable footprint that identifies musil errors across package copies.
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** True when `e` is a musil error, whichever copy of the package created it. */
  static is(e: unknown): e is MusilError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true
  }
}

/**
 * The model itself is malformed: no initial state, an action that is not built with `action()`,
 * an invariant that is not a function, duplicate names. Thrown by `defineModel` and `check`.
 */
export class ModelDefinitionError extends MusilError {
  override name = 'ModelDefinitionError'
}

/**
 * A state could not be fingerprinted: it holds a function, a symbol, a class instance, or a
 * reference cycle. `path` locates the offending value inside the state, e.g. `state.nodes[2].cb`.
 */
export class StateEncodingError extends MusilError {
  override name = 'StateEncodingError'
  /** Where in the state the offending value sits, e.g. `state.queue[0].reply`. */
  readonly path: string
  /** Steps leading to the state that could not be encoded, when known (empty otherwise). */
  trace: readonly { action: string; state: unknown }[] = []

  constructor(message: string, path: string) {
    super(message)
    this.path = path
  }
}

/**
 * An action's effect (or a guard, domain, invariant) changed the state it was given instead of
 * returning a new one. States must be treated as immutable values.
 */
export class StateMutationError extends MusilError {
  override name = 'StateMutationError'
  /** Label of the action that mutated its input, e.g. `transfer(a)`. */
  readonly action: string
  /** Steps leading to the state that was mutated. */
  readonly trace: readonly { action: string; state: unknown }[]

  constructor(
    message: string,
    action: string,
    trace: readonly { action: string; state: unknown }[],
  ) {
    super(message)
    this.action = action
    this.trace = trace
  }
}

/**
 * A model's channel was misused: a send into a full bounded channel (guard the sending action
 * with `canSend`), a value that is not a channel of the expected kind, or channel options that
 * cannot work (a duplicating channel without a capacity has infinitely many states). `channel`
 * names the channel at fault.
 */
export class ChannelError extends MusilError {
  override name = 'ChannelError'
  /** The channel's name, or `channel` when it has none. */
  readonly channel: string

  constructor(channel: string, message: string) {
    super(message)
    this.channel = channel
  }
}

/** Wraps an exception thrown by user code (action, guard, invariant) so it can name its origin. */
export class UserCodeError extends MusilError {
  override name = 'UserCodeError'
  /** What kind of user code threw. */
  readonly origin:
    | 'guard'
    | 'effect'
    | 'domain'
    | 'invariant'
    | 'terminal'
    | 'constraint'
    | 'view'
    | 'symmetry'
    | 'goal'
    | 'abstraction'
    | 'step'
    | 'init'
    | 'partition'
    | 'equal'
    | 'hash'
    | 'describeOperation'
    | 'describeState'
  /** The action label or invariant name. */
  readonly label: string
  /** Steps to the state the code was evaluating, when the checker knows them (else empty). */
  trace: readonly { action: string; state: unknown }[] = []

  constructor(origin: UserCodeError['origin'], label: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
    super(`${origin} of ${label} threw ${inner}`, { cause })
    this.origin = origin
    this.label = label
  }
}

/**
 * An environment given to `checkOpen` (or `defineEnvironment`) is malformed: no name, no
 * actions, an assumption without a name or with an unknown status, a non-function guarantee, or
 * an action label that clashes with one of the system's actions. `environment` names the
 * environment at fault (or its position, `environments[2]`, when it has no usable name).
 */
export class EnvironmentSpecError extends MusilError {
  override name = 'EnvironmentSpecError'
  /** The environment's name, or its position when it has none. */
  readonly environment: string

  constructor(message: string, environment: string) {
    super(message)
    this.environment = environment
  }
}

/**
 * An options object or definition has a key musil does not know (a typo such as `invariant` for
 * `invariants`), or is not an object at all. Types reject such literals already; this catches
 * values passed through variables and JavaScript callers, so a typo never turns into a check
 * that silently checks nothing. The message names the key, where it was given and, when one is
 * close, the valid key that was probably meant.
 */
export class OptionsError extends MusilError {
  override name = 'OptionsError'
  /** The unknown key; `undefined` when the options were not an object at all. */
  readonly key: string | undefined
  /** Where the options were given, e.g. `defineModel()` or `simulate() faults[2] (crash)`. */
  readonly where: string
  /** The valid key that was probably meant, when one is close. */
  readonly suggestion: string | undefined

  constructor(message: string, where: string, key?: string, suggestion?: string) {
    super(message)
    this.where = where
    this.key = key
    this.suggestion = suggestion
  }
}

/**
 * A transition table handed to `statusFieldActions` or `declaredStates` is malformed: not an
 * object, a state whose targets are not an array of strings, or a target that has no entry of
 * its own (the code would crash looking it up).
 */
export class TransitionTableError extends MusilError {
  override name = 'TransitionTableError'
}

/**
 * A history given to `checkLinearizability` is malformed: not an array, an operation that is not
 * an object, a `call` that is not a finite number, a `return` before its `call`, a `client` that
 * is neither a number nor a string, an input a shipped spec does not know (`{ op: 'reed' }`); or
 * the spec's `partition` lost, duplicated or invented an operation. `index` is the position of the operation at fault in the history, when there is one.
 */
export class HistoryError extends MusilError {
  override name = 'HistoryError'
  /** Index in the history of the operation at fault; `undefined` when the whole history is. */
  readonly index: number | undefined

  constructor(message: string, index?: number) {
    super(message)
    this.index = index
  }
}

/**
 * A sequential spec given to `checkLinearizability` is malformed: not an object, no `init` or
 * `step` function, an optional member (`partition`, `equal`, `describeOperation`,
 * `describeState`) that is not a function, or a `step` that returned something other than a
 * `[legal, next]` pair. The message names the member and what to give.
 */
export class SequentialSpecError extends MusilError {
  override name = 'SequentialSpecError'
}

// ---------------------------------------------------------------------------------------------
// Deterministic async runtime (explore / replay)
// ---------------------------------------------------------------------------------------------

/** Formats virtual milliseconds for messages: `229.5 ms`. */
function virtualMs(t: number): string {
  // Microsecond precision is plenty for a message; the exact value is on the error's `time`.
  return `${Math.round(t * 1000) / 1000} ms`
}

/**
 * Every task of an async run is blocked and no timer is pending, so nothing can ever wake
 * anything up again. `explore` reports it as a failure of kind `deadlock` instead of hanging.
 */
export class DeadlockError extends MusilError {
  override name = 'DeadlockError'
  /** Virtual time (ms) at which the run got stuck. */
  readonly time: number
  /** Tasks still alive, each with what it waits for when the runtime knows it. */
  readonly waiting: readonly string[]

  constructor(time: number, waiting: readonly string[]) {
    const who = waiting.length > 0 ? `: ${waiting.join(', ')}` : ''
    super(
      `every task is blocked and no timer is pending at t=${virtualMs(time)}${who}. ` +
        'Give a blocked recv() a timeout or an AbortSignal, or make sure someone sends what it waits for.',
    )
    this.time = time
    this.waiting = waiting
  }
}

/** An `always(pred, name)` predicate of an async run returned false after a scheduling step. */
export class InvariantError extends MusilError {
  override name = 'InvariantError'
  /** The invariant's name, as given to `world.always`. */
  readonly invariant: string
  /** Virtual time (ms) of the step after which it failed. */
  readonly time: number

  constructor(invariant: string, time: number) {
    super(`invariant "${invariant}" violated at t=${virtualMs(time)}`)
    this.invariant = invariant
    this.time = time
  }
}

/**
 * `world.runUntil(pred, { deadline })` gave up: the predicate was still false `deadline`
 * virtual milliseconds after the call. Catchable; uncaught it fails the run with kind `goal`.
 */
export class DeadlineError extends MusilError {
  override name = 'DeadlineError'
  /** The name given to `runUntil`, or `runUntil` when none was given. */
  readonly goal: string
  /** The deadline, a duration in virtual ms counted from the call. */
  readonly deadline: number
  /** Virtual time (ms) at which the deadline passed. */
  readonly time: number

  constructor(goal: string, deadline: number, time: number) {
    super(
      `"${goal}" still false ${virtualMs(deadline)} after runUntil was called (t=${virtualMs(time)})`,
    )
    this.goal = goal
    this.deadline = deadline
    this.time = time
  }
}

/**
 * Code inside an async run (in any mode) or inside `auditMode` crossed the determinism boundary:
 * it started something the runtime cannot control (a socket, a DNS query, a child process, a
 * worker thread, a file write, a real timer). `source` names what was called, e.g.
 * `net.connect()`; the message says what to use instead.
 */
export class BoundaryError extends MusilError {
  override name = 'BoundaryError'
  /** What was called, e.g. `setTimeout` or `new Worker()`. */
  readonly source: string

  constructor(source: string, message?: string) {
    super(
      message ??
        `${source} was called inside an async run: it escapes the simulation's control, so the run would no ` +
          'longer be a function of its seed. Use world.sleep(), world.spawn() or world.scheduled() instead.',
    )
    this.source = source
  }
}

/**
 * Audit mode caught code reading entropy the seed does not control (the wall clock,
 * `Math.random`, or `crypto` randomness), inside a run with `audit: true` or inside `auditMode`.
 * `source` names the call.
 */
export class EntropyLeakError extends BoundaryError {
  override name = 'EntropyLeakError'

  constructor(source: string, remedy: string) {
    super(
      source,
      `${source} read uncontrolled entropy in audit mode: code that reads it is no longer a function of the seed. ${remedy}`,
    )
  }
}

/** A `World` was misused: a bad duration, a duplicate address, an unknown fault target, ... */
export class WorldUsageError extends MusilError {
  override name = 'WorldUsageError'
}

/**
 * A simulation is set up wrongly: a factory that returns no nodes, a node without handlers, a
 * network probability outside [0, 1], a fault naming a node the factory does not build, a seed
 * that is not a safe integer. Thrown by `simulate` before any seed runs, because no seed could
 * pass.
 */
export class SimulationConfigError extends MusilError {
  override name = 'SimulationConfigError'
}

/**
 * Node code misused its `Context` inside a simulated run: a message to an address the factory
 * does not build, a negative or non-finite timer delay, a context used after its node crashed.
 * `simulate` catches it and reports the seed as an `error` failure naming the node; it is thrown
 * (rather than only recorded) so that the node's handler stops at the faulty call.
 */
export class NodeContextError extends MusilError {
  override name = 'NodeContextError'
  /** The node whose context was misused. */
  readonly node: string

  constructor(node: string, message: string) {
    super(message)
    this.node = node
  }
}

// ---------------------------------------------------------------------------------------------
// Linearizability: histories recorded by real systems
// ---------------------------------------------------------------------------------------------

/**
 * A recorded history could not be read: malformed EDN, an event without a `:type` or
 * `:process`, a completion with no invocation before it, an operation the chosen mapping does
 * not know. `source` names the text (a file name, or `history.edn`), `line` and `column` the
 * place (1-based).
 */
export class HistoryFormatError extends MusilError {
  override name = 'HistoryFormatError'
  /** How the text was named, e.g. `history.edn`. */
  readonly source: string
  /** 1-based line of the fault. */
  readonly line: number
  /** 1-based column of the fault (1 when the whole line is at fault). */
  readonly column: number

  constructor(message: string, source: string, line: number, column = 1) {
    super(message)
    this.source = source
    this.line = line
    this.column = column
  }
}

// ---------------------------------------------------------------------------------------------
// Vitest integration (simTest, sweeps, replay)
// ---------------------------------------------------------------------------------------------

/**
 * `checkParallel` could not finish: the target module or export is missing or not a model, a
 * worker thread died, or the model threw an error `check` would throw (an unencodable state, an
 * effect that mutates its input), whose name and message this error carries.
 */
export class ParallelCheckError extends MusilError {
  override name = 'ParallelCheckError'
  /** The name of the error the worker thread reported (e.g. `StateEncodingError`), if any. */
  readonly original?: string
  /** The trace that led to the fault, when the worker reported one. */
  readonly trace: readonly unknown[]

  constructor(
    message: string,
    original?: string,
    trace: readonly unknown[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options)
    if (original !== undefined) this.original = original
    this.trace = trace
  }
}

/**
 * musil's Vitest integration is used without its plugin: a musil test (`modelTest`, `simTest`, a
 * sweep) ran, or a musil matcher was called, in a project whose vitest.config.ts lacks
 * `musil()`. The message says what is missing and ends with the fix.
 */
export class PluginMissingError extends MusilError {
  override name = 'PluginMissingError'

  /** `what` says what needed the plugin; the sentence that fixes it is appended. */
  constructor(what: string) {
    super(
      `${what}: add musil() from @musil/vitest/plugin to vitest.config.ts (plugins: [musil()]; an entry of test.projects inherits it only with extends: true)`,
    )
  }
}

/**
 * A matcher, `modelTest` or `simTest.sweep` was asked for a verdict on something that checked
 * nothing of what it asserts: a simulation without invariants under `toBeSafe`, a model with no
 * invariants and no deadlock check, a report of no seed at all. The message names what was not
 * checked and how to check it (or which matcher says what was really meant, such as
 * `toRunWithoutError()`).
 *
 * It is thrown rather than returned as a failed assertion on purpose: Vitest flips a matcher's
 * result for `.not` and `expect.not.*`, but a run that checked nothing is neither safe nor
 * unsafe, so `expect(x).toBeSafe()` and `expect(x).not.toBeSafe()` must both fail.
 */
export class NothingCheckedError extends MusilError {
  override name = 'NothingCheckedError'
}

/**
 * A checkpoint cannot be used: `checkpoint.dir` holds the checkpoint of another model (or of the
 * same model with other options), or its files are unreadable. `dir` names the directory; the
 * message says what differs and how to go on (another directory, or delete this one).
 */
export class CheckpointError extends MusilError {
  override name = 'CheckpointError'
  /** The checkpoint directory at fault. */
  readonly dir: string

  constructor(dir: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.dir = dir
  }
}

/**
 * A swarm report cannot be merged or replayed: a file that is not a shard report, shards of
 * different models or swarms, or a trace whose choices no longer match the model.
 */
export class SwarmReportError extends MusilError {
  override name = 'SwarmReportError'
}

/**
 * A seed setting is malformed: `MUSIL_SEED`, `-- --seed=N`, `MUSIL_SHARD=i/n`, a sweep's seed
 * range or a `simTest.each` seed list. `source` names where the bad value came from.
 */
export class SeedConfigError extends MusilError {
  override name = 'SeedConfigError'
  /** Where the bad value came from, e.g. `MUSIL_SEED` or `simTest.each`. */
  readonly source: string

  constructor(source: string, message: string) {
    super(`${source}: ${message}`)
    this.source = source
  }
}

/**
 * A thrown value in one line, the same in both runtimes' failure details: an error as
 * `Name: message` (musil's own errors too, so the class at fault is named), anything else as
 * `non-Error value <value>`.
 *
 * `style: 'message'` is for a sentence that already says what went wrong around the value
 * (`sweep aborted: <reason>`, or an error that only carries another's message): an error is its
 * message alone and a string is itself, where the class name would be noise.
 */
export function describeError(e: unknown, style: 'named' | 'message' = 'named'): string {
  if (e instanceof Error || MusilError.is(e) || isErrorOfAnyRealm(e)) {
    const { name, message } = e as Error
    return style === 'named' ? `${name}: ${message}` : message
  }
  return style === 'message' && typeof e === 'string' ? e : `non-Error value ${formatValue(e)}`
}

/**
 * An error made in another realm (a `vm` context, or Node's own errors seen from inside one, as
 * under Vitest's `vmThreads` pool) fails `instanceof Error`; its brand still says Error, and its
 * message is what a reader needs, not `non-Error value {}`.
 */
function isErrorOfAnyRealm(e: unknown): boolean {
  return (
    typeof e === 'object' && e !== null && Object.prototype.toString.call(e) === '[object Error]'
  )
}
