/**
 * The public face of the deterministic async runtime: what a scenario sees.
 *
 * @module
 */

import type { AsyncHistoryRecorder } from '../linearizability/recorder.ts'
import { keyList, type OptionKey } from '../options.ts'
import type { RandomStream } from '../random/stream.ts'
import type { TraceEvent } from '../report.ts'
import type { FaultFactory, FaultHandle } from './faults.ts'
import type { Network } from './network.ts'

/** A task started with `world.spawn`. */
export interface TaskHandle {
  /** The name given to `spawn`; it appears in the timeline and in error details. */
  readonly name: string
  /**
   * Settles when the task's function returns. It never rejects: a task that throws ends the
   * whole run at once, with a failure of kind `error` naming the task.
   */
  readonly finished: Promise<void>
}

/** Options of `world.runFor`. */
export interface RunForOptions {
  /** Fault handles from `world.faults`, committed in list order when `runFor` is called. */
  readonly faults?: readonly FaultHandle[]
}

/** Options of `world.runUntil`. */
export interface RunUntilOptions {
  /**
   * Virtual milliseconds from the call after which `runUntil` rejects with a `DeadlineError`
   * (catchable; uncaught it fails the run with kind `goal`). Without one it waits forever, and
   * a run where nothing else can happen ends as a deadlock.
   */
  readonly deadline?: number
  /** Names the goal in the `DeadlineError` and the timeline. Default `runUntil`. */
  readonly name?: string
}

/** The keys {@link RunForOptions} may have: anything else is a typo `world.runFor` rejects. */
export const RUN_FOR_OPTION_KEYS: readonly OptionKey<RunForOptions>[] = keyList<RunForOptions>()([
  'faults',
])

/** The keys {@link RunUntilOptions} may have: anything else is a typo `world.runUntil` rejects. */
export const RUN_UNTIL_OPTION_KEYS: readonly OptionKey<RunUntilOptions>[] =
  keyList<RunUntilOptions>()(['deadline', 'name'])

/**
 * The world an async scenario runs in. It owns virtual time, randomness, the network and the
 * order in which ready tasks resume, so a run is a pure function of its seed.
 *
 * @example
 * await explore(async (world) => {
 *   const a = world.net.bind('a')
 *   const b = world.net.bind('b')
 *   world.spawn('pinger', async () => a.send('b', 'ping'))
 *   const msg = await b.recv({ timeout: 100 })
 *   world.record(msg?.payload)
 * }, { seeds: 100 })
 */
export interface World {
  /** The run's seed. */
  readonly seed: number
  /** The user's own seeded random stream (substream `user`): use it for every random choice. */
  readonly rng: RandomStream
  /** The simulated network. */
  readonly net: Network
  /** Seed-scheduled fault handles to pass to `runFor`. */
  readonly faults: FaultFactory
  /**
   * Every event so far: the runtime's own (spawn, run, timer, send, deliver, drop, ...) and the
   * user's. Each read returns a snapshot (a copy taken then): later events do not appear in it,
   * and changing it does not change the run's record.
   */
  readonly timeline: readonly TraceEvent[]
  /** Virtual time in milliseconds since the run started. */
  now(): number
  /** Resolves after `ms` virtual milliseconds. `sleep(0)` yields to whatever else is ready now. */
  sleep(ms: number): Promise<void>
  /** Queues a concurrent task. It starts when the scheduler picks its start, never synchronously. */
  spawn(name: string, fn: () => Promise<void> | void): TaskHandle
  /** Appends a user event (kind `user`) to the timeline, stamped with the time and the task. */
  record(event: unknown): void
  /**
   * Records the operations of a concurrent history (Jepsen's invoke, then ok / fail / info), in
   * virtual time; the `linearizable` option of `explore`/`replay` checks it when the run ends.
   * The client is the invoking task unless `{ client }` says otherwise.
   *
   * @example
   * await world.history.record({ f: 'write', value: 1 }, () => store.write(1))
   * const op = world.history.invoke({ f: 'read' })
   * op.ok(await store.read())
   */
  readonly history: AsyncHistoryRecorder
  /** Checks `pred` after every scheduling step; false fails the run with an `InvariantError` (kind `safety`). */
  always(pred: () => boolean, name: string): void
  /** Commits the fault handles, then resolves after `ms` virtual milliseconds. */
  runFor(ms: number, options?: RunForOptions): Promise<void>
  /** Resolves after the first scheduling step at whose end `pred` holds (at once if it holds now). */
  runUntil(pred: () => boolean, options?: RunUntilOptions): Promise<void>
  /**
   * Wraps an async function (a mocked I/O call, a store access) so that each call takes effect
   * only when the scheduler releases it: the call queues a wake-up and `fn` runs when that
   * wake-up is picked. Unlike fast-check's `scheduleFunction`, the effect itself is deferred, not
   * just the resolution, so two calls really do race.
   *
   * @example
   * const get = world.scheduled('get', async () => stored)
   * const set = world.scheduled('set', async (v: number) => { stored = v })
   */
  scheduled<A extends unknown[], R>(
    label: string,
    fn: (...args: A) => R | Promise<R>,
  ): (...args: A) => Promise<Awaited<R>>
}
