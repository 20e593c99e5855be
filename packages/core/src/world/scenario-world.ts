/**
 * The {@link World} a scenario runs in: a thin face over the {@link Engine}. Each method checks
 * what the scenario passed (strict options, names, durations) and hands the checked arguments
 * to the engine, so the engine's loop never meets a malformed argument and every usage error
 * is raised here, in the caller's task, before anything is scheduled.
 *
 * @module
 */
import { WorldUsageError } from '../errors.ts'
import type { AsyncHistoryRecorder } from '../linearizability/recorder.ts'
import { checkOptions } from '../options.ts'
import { RandomStream } from '../random/stream.ts'
import type { TraceEvent } from '../report.ts'
import type { Engine } from './engine.ts'
import { commitFaults, type FaultFactory, faultFactory } from './faults.ts'
import { WorldHistory } from './history.ts'
import type { BindOptions, Network } from './network.ts'
import {
  RUN_FOR_OPTION_KEYS,
  RUN_UNTIL_OPTION_KEYS,
  type RunForOptions,
  type RunUntilOptions,
  type TaskHandle,
  type World,
} from './world.ts'

/** The usage error for a duration that is not a finite number of milliseconds >= 0, if it is not. */
function badDuration(what: string, ms: unknown): WorldUsageError | undefined {
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return undefined
  return new WorldUsageError(
    `${what} needs a finite number of virtual milliseconds >= 0, got ${String(ms)}`,
  )
}

/** The usage error for a name that is not a non-empty string, if it is not. */
function badName(what: string, name: unknown): WorldUsageError | undefined {
  if (typeof name === 'string' && name.length > 0) return undefined
  return new WorldUsageError(`${what} needs a non-empty name, got ${String(name)}`)
}

/** Throws unless `name` is a non-empty string. */
function checkName(what: string, name: unknown): void {
  const bad = badName(what, name)
  if (bad !== undefined) throw bad
}

/**
 * The world of one run, over the engine that runs it. Methods that return a promise report a
 * bad argument as a rejection, not a throw, so that `await` sees it in the caller's task either
 * way.
 */
export class ScenarioWorld implements World {
  readonly seed: number
  readonly rng: RandomStream
  readonly net: Network
  readonly faults: FaultFactory = faultFactory
  readonly history: AsyncHistoryRecorder
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
    this.seed = engine.seed
    this.rng = new RandomStream(engine.seed, 'user')
    // The network's face, not the network: the engine's network also offers the fault hooks and
    // its host (the engine itself), which scenario code must not reach even by a cast.
    const net = engine.net
    this.net = {
      bind: (address: string, options?: BindOptions) => net.bind(address, options),
      partition: (...groups: string[][]) => net.partition(...groups),
      heal: () => net.heal(),
      addresses: () => net.addresses(),
    }
    this.history = new WorldHistory(engine)
  }

  /**
   * A snapshot: a copy taken now, which later events do not change. Handing out the live array
   * would let user code rewrite the record the replay guarantee rests on.
   */
  get timeline(): readonly TraceEvent[] {
    return this.#engine.events.slice()
  }

  now(): number {
    return this.#engine.now()
  }

  sleep(ms: number): Promise<void> {
    const bad = badDuration('sleep', ms)
    if (bad !== undefined) return Promise.reject(bad)
    return this.#engine.sleep(ms)
  }

  spawn(name: string, fn: () => Promise<void> | void): TaskHandle {
    checkName('spawn', name)
    if (typeof fn !== 'function') {
      throw new WorldUsageError(`spawn("${name}") needs a function to run, got ${typeof fn}`)
    }
    if (this.#engine.isRunning(name)) {
      throw new WorldUsageError(
        `spawn("${name}"): a task of that name is still running; give each concurrent task its own name ` +
          '(the timeline, error details, crash faults and PCT priorities refer to tasks by name)',
      )
    }
    return { name, finished: this.#engine.spawn(name, fn).finished }
  }

  record(event: unknown): void {
    this.#engine.record(event)
  }

  always(pred: () => boolean, name: string): void {
    checkName('always', name)
    if (typeof pred !== 'function') {
      throw new WorldUsageError(`always("${name}") needs a predicate function, got ${typeof pred}`)
    }
    this.#engine.always(pred, name)
  }

  runFor(ms: number, options: RunForOptions = {}): Promise<void> {
    const bad = badDuration('runFor', ms)
    if (bad !== undefined) return Promise.reject(bad)
    try {
      checkOptions(options, 'world.runFor()', RUN_FOR_OPTION_KEYS)
      commitFaults(this.#engine, options.faults ?? [], ms)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.#engine.sleep(ms)
  }

  runUntil(pred: () => boolean, options: RunUntilOptions = {}): Promise<void> {
    try {
      checkOptions(options, 'world.runUntil()', RUN_UNTIL_OPTION_KEYS)
    } catch (e) {
      return Promise.reject(e)
    }
    const name = options.name ?? 'runUntil'
    const unnamed = badName('runUntil', name)
    if (unnamed !== undefined) return Promise.reject(unnamed)
    if (typeof pred !== 'function') {
      return Promise.reject(
        new WorldUsageError(`runUntil("${name}") needs a predicate function, got ${typeof pred}`),
      )
    }
    const deadline = options.deadline
    const bad =
      deadline === undefined ? undefined : badDuration(`runUntil("${name}") deadline`, deadline)
    if (bad !== undefined) return Promise.reject(bad)
    return this.#engine.runUntil(pred, name, deadline)
  }

  scheduled<A extends unknown[], R>(
    label: string,
    fn: (...args: A) => R | Promise<R>,
  ): (...args: A) => Promise<Awaited<R>> {
    checkName('scheduled', label)
    if (typeof fn !== 'function') {
      throw new WorldUsageError(`scheduled("${label}") needs a function to wrap, got ${typeof fn}`)
    }
    const engine = this.#engine
    return (...args: A): Promise<Awaited<R>> => engine.release(label, fn, args)
  }
}
