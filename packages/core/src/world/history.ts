/**
 * `world.history`: the async runtime's face of the shared history recorder. Operations belong
 * to the task that invokes them unless `{ client }` says otherwise.
 *
 * @module
 */
import { WorldUsageError } from '../errors.ts'
import {
  type AsyncHistoryRecorder,
  type InvokeOptions,
  type OperationLog,
  type PendingOperation,
  RECORD_OPTION_KEYS,
  type RecordOptions,
} from '../linearizability/recorder.ts'
import { checkOptions } from '../options.ts'

/** What `world.history` needs from its run. */
export interface HistoryHost {
  readonly ended: boolean
  readonly operations: OperationLog
  /** The name of the task whose code is running now. */
  currentTaskName(): string
}

/** An operation a run that has ended hands out: completing it records nothing. */
const DETACHED: PendingOperation<never> = { ok() {}, fail() {}, info() {} }

/** `world.history` of one run. */
export class WorldHistory implements AsyncHistoryRecorder {
  readonly #host: HistoryHost

  constructor(host: HistoryHost) {
    this.#host = host
  }

  invoke<I, O = unknown>(input: I, options?: InvokeOptions): PendingOperation<O> {
    const host = this.#host
    if (host.ended) return DETACHED
    const task = host.currentTaskName()
    return host.operations.invoke(
      0,
      task,
      input,
      options,
      `world.history.invoke() in task "${task}"`,
    ) as PendingOperation<O>
  }

  async record<I, R>(
    input: I,
    fn: () => R | Promise<R>,
    options?: RecordOptions,
  ): Promise<Awaited<R>> {
    const where = 'world.history.record()'
    if (options !== undefined) checkOptions(options, where, RECORD_OPTION_KEYS)
    if (typeof fn !== 'function') {
      throw new WorldUsageError(
        `${where} needs the call to record as a function () => Promise<output>, got ${typeof fn}`,
      )
    }
    const failed = options?.failed
    if (failed !== undefined && typeof failed !== 'function') {
      throw new WorldUsageError(
        `${where}: 'failed' must be a function (error) => boolean saying which errors mean the operation did not take effect, got ${typeof failed}`,
      )
    }
    const op = this.invoke<I, Awaited<R>>(
      input,
      options?.client === undefined ? undefined : { client: options.client },
    )
    let output: Awaited<R>
    try {
      output = await fn()
    } catch (e) {
      // Only the caller knows that an error means "did not happen"; anything else may hide an
      // operation that took effect, so it is an unknown outcome.
      let definite = false
      try {
        definite = failed?.(e) === true
      } finally {
        if (definite) op.fail()
        else op.info()
      }
      throw e
    }
    op.ok(output)
    return output
  }
}
