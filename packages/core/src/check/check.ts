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
import { checkSeed } from '../random/seed.ts'
import {
  Checkpointer,
  fingerprintSetOf,
  type LoadedCheckpoint,
  levelOf,
  modelDigest,
} from './checkpoint.ts'
import { BreadthFirstSearch, type SearchVisitor } from './engine.ts'
import { FrontierSpill, type Level } from './frontier.ts'
import { ProgressClock, type SearchCounts } from './outcome.ts'
import { randomWalk } from './random-walk.ts'
import {
  CHECK_OPTION_KEYS,
  CHECKPOINT_OPTION_KEYS,
  type CheckOptions,
  type CheckResult,
  MEMORY_OPTION_KEYS,
  type SafetyViolation,
  type Step,
} from './types.ts'
import {
  deadlockViolation,
  describeUserError,
  errorViolation,
  failingInvariant,
  invariantViolation,
} from './violations.ts'

/**
 * Explores every reachable state of `model` breadth-first and reports the first invariant
 * violation, deadlock or exception with a shortest trace.
 *
 * A bound (`maxStates`, `maxDepth`) that cuts the search makes the result incomplete:
 * `complete: false` and `ok: false`, never a silent success.
 *
 * Past one machine's memory and one job's time: `memory: { maxBytes }` sends the frontier to
 * disk beyond a budget, `checkpoint: { dir, everyMs }` saves the search at level boundaries and
 * resumes from the directory (`result.resumed`), and `mode: 'random-walk'` samples behaviours
 * of models too large to enumerate (`complete: false` always). See docs/guide/large-searches.md.
 *
 * @example
 * const r = check(model)
 * if (!r.ok) console.log(formatTrace(r.violation!.trace))
 *
 * @throws {StateEncodingError} when a state holds a function, symbol, class instance or cycle.
 * @throws {StateMutationError} when an action changes the state it was given.
 * @throws {OptionsError} when `opts` has a key `check` does not know.
 * @throws {CheckpointError} when `checkpoint.dir` holds a checkpoint of another model or options.
 */
export function check<S>(model: Model<S>, opts: CheckOptions = {}): CheckResult<S> {
  if (!isModel(model as unknown)) {
    throw new ModelDefinitionError(
      'check() expects a model built with defineModel({ init, actions })',
    )
  }
  validateOptions(opts, 'check()')
  if (opts.mode === 'random-walk') return randomWalk(model, opts)
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
  for (const k of ['maxStates', 'maxDepth', 'depth', 'walks'] as const) {
    const v = opts[k]
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`${where}: ${k} must be a positive integer, got ${String(v)}`)
    }
  }
  const { mode, seed, checkpoint, memory } = opts
  if (mode !== undefined && mode !== 'bfs' && mode !== 'random-walk') {
    throw new RangeError(`${where}: mode must be 'bfs' or 'random-walk', got ${String(mode)}`)
  }
  if (seed !== undefined) checkSeed(seed, where)
  if (mode !== 'random-walk') {
    for (const k of ['depth', 'walks', 'seed'] as const) {
      if (opts[k] !== undefined) {
        throw new RangeError(
          `${where}: ${k} is an option of mode: 'random-walk'; add mode: 'random-walk', or bound a breadth-first search with maxDepth / maxStates`,
        )
      }
    }
  } else if (checkpoint !== undefined || memory !== undefined) {
    throw new RangeError(
      `${where}: checkpoint and memory apply to the breadth-first search; a random walk keeps no frontier (drop them, or drop mode: 'random-walk')`,
    )
  }
  if (checkpoint !== undefined) {
    checkOptions(checkpoint, `${where} { checkpoint }`, CHECKPOINT_OPTION_KEYS)
    requireDir(checkpoint.dir, `${where}: checkpoint.dir`)
    const { everyMs } = checkpoint
    if (everyMs !== undefined && !(Number.isFinite(everyMs) && everyMs >= 0)) {
      throw new RangeError(
        `${where}: checkpoint.everyMs must be a number of milliseconds >= 0 (0: at every level), got ${String(everyMs)}`,
      )
    }
  }
  if (memory !== undefined) {
    checkOptions(memory, `${where} { memory }`, MEMORY_OPTION_KEYS)
    if (!(Number.isInteger(memory.maxBytes) && memory.maxBytes > 0)) {
      throw new RangeError(
        `${where}: memory.maxBytes must be a positive integer number of bytes, got ${String(memory.maxBytes)}`,
      )
    }
    if (memory.dir !== undefined) requireDir(memory.dir, `${where}: memory.dir`)
  }
}

function requireDir(dir: unknown, what: string): void {
  if (typeof dir !== 'string' || dir === '') {
    throw new RangeError(
      `${what} must be a directory path (a non-empty string), got ${JSON.stringify(dir) ?? String(dir)}`,
    )
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
  visited: FingerprintSet = new FingerprintSet()
  /** Invariants as parallel arrays: checked on every new state, so no object iteration there. */
  readonly invariantNames: string[]
  readonly invariantPredicates: ((s: S) => boolean)[]
  readonly checkDeadlock: boolean
  readonly clock: ProgressClock
  readonly spill: FrontierSpill
  readonly checkpoint: Checkpointer | undefined
  /** True when the search started from a checkpoint. */
  resumed = false
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
    const cp = opts.checkpoint
    this.checkpoint =
      cp === undefined
        ? undefined
        : new Checkpointer(cp.dir, cp.everyMs, modelDigest(model, opts), model.name)
    const saved = this.checkpoint?.load()
    if (saved !== undefined) {
      this.visited = fingerprintSetOf(saved.fingerprints)
      this.resumed = true
    }
    if (this.checkpoint !== undefined) {
      // The boundary a search resumed from is the checkpoint already on disk: skip it.
      let skip = this.resumed
      visitor.level = (level, levelStart) => {
        if (skip) skip = false
        else if (this.checkpoint!.due) this.saveCheckpoint(level, levelStart)
        return false
      }
    }
    this.spill = new FrontierSpill(
      opts.memory?.maxBytes,
      () => this.visited.bytesInUse,
      opts.memory?.dir,
    )
    this.engine = new BreadthFirstSearch(
      model,
      visitor,
      {
        ...(opts.maxStates !== undefined && { maxStates: opts.maxStates }),
        ...(opts.maxDepth !== undefined && { maxDepth: opts.maxDepth }),
      },
      this.visited,
    ).spillTo(this.spill)
    if (saved !== undefined) {
      try {
        this.resumeFrom(saved)
      } catch (e) {
        // A level refused after part of it went to disk: its files go too.
        this.spill.dispose()
        throw e
      }
    }
  }

  /** Saves the search at the boundary before `level`, numbered from `levelStart`. */
  saveCheckpoint(level: Level<S>, levelStart: number): void {
    this.checkpoint!.write({
      generated: this.engine.generated,
      depth: this.engine.depth,
      levelStart,
      levelSize: level.size,
      fingerprints: this.visited.toPairs(),
      chunks: level.encodedChunks(),
    })
  }

  /** Sets the engine at the boundary a checkpoint saved (its fingerprints are the store). */
  resumeFrom(saved: LoadedCheckpoint): void {
    const { meta } = saved
    const { engine } = this
    engine.generated = meta.generated
    engine.depth = meta.depth
    engine.expanded = meta.levelStart
    const level = levelOf<S>(saved.chunks(), meta.levelSize, this.spill)
    saved.checkLevel(level.size)
    engine.resume(level, meta.levelStart)
  }

  run(): CheckResult<S> {
    const { engine } = this
    try {
      engine.run()
      const failure = engine.failure
      if (failure !== undefined && this.violation === undefined) {
        // Its trace is replayed by a search that may spill too: before the files go.
        this.violation = this.errorViolation(failure.error, failure.index)
      }
      return this.result()
    } finally {
      this.spill.dispose()
    }
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
      {
        mode: 'bfs',
        spilledStates: this.spill.spilledStates,
        ...(this.checkpoint !== undefined && { resumed: this.resumed }),
      },
    )
  }
}
