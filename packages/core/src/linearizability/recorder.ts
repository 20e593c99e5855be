/**
 * Recording a concurrent history from inside a simulated run, as Jepsen does: a client
 * *invokes* an operation, and later the operation completes `ok` (it took effect, with this
 * output), `fail` (it definitely did not take effect) or `info` (nobody knows: a timeout, a
 * crash). Both runtimes use this one recorder: callback nodes through `ctx.history`, async code
 * through `world.history`. Times are the run's virtual time, so a history is as deterministic as
 * the run that recorded it.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { Operation } from './types.ts'

/** Options of `history.invoke`. */
export interface InvokeOptions {
  /**
   * The client the operation belongs to in the history (a process, a session). Default: the
   * node (`ctx.history`) or the task (`world.history`) that invokes it. Give it when one node or
   * task acts for several clients: each client must have at most one operation pending at a time.
   */
  readonly client?: string | number
}

/** The keys {@link InvokeOptions} may have: anything else is a typo `invoke` rejects. */
export const INVOKE_OPTION_KEYS: readonly OptionKey<InvokeOptions>[] = keyList<InvokeOptions>()([
  'client',
])

/**
 * An operation that was invoked and has not completed yet. Complete it exactly once. One left
 * pending when the run ends counts as an unknown outcome (as `info()`).
 *
 * @typeParam O - the operation's output
 */
export interface PendingOperation<O = unknown> {
  /** It took effect and returned `output`, now. */
  ok(output: O): void
  /**
   * It definitely did not take effect (the server refused it, it never left the client): it is
   * dropped from the history. `output` only shows in the trace. When in doubt, use `info()`.
   */
  fail(output?: O): void
  /**
   * Its outcome is unknown (a timeout, a crash): it may or may not have taken effect, at any
   * time after its call. Its return time is `Infinity`, and the spec's `step` decides which
   * outputs it accepts for it (`output` is what it is given; default `undefined`).
   */
  info(output?: O): void
}

/**
 * Records the operations of a history: `ctx.history` of a callback node.
 *
 * @example
 * override onTimer(ctx: Context): void {
 *   this.op = ctx.history.invoke({ f: 'read' })
 *   ctx.send('server', { type: 'read' })
 * }
 * override onMessage(ctx: Context, _src: string, msg: { value: number }): void {
 *   this.op?.ok(msg.value)
 * }
 */
export interface HistoryRecorder {
  /**
   * Records the call of an operation with `input`, now, and returns the handle that completes
   * it. The trace shows an `invoke` event (and `ok`, `fail` or `info` when it completes).
   */
  invoke<I, O = unknown>(input: I, options?: InvokeOptions): PendingOperation<O>
}

/** Options of `world.history.record`. */
export interface RecordOptions extends InvokeOptions {
  /**
   * Which errors thrown by the call mean the operation definitely did not take effect
   * (recorded as `fail`). Any other error is an unknown outcome (`info`): a timeout or a lost
   * reply may hide an operation that took effect. Default: none.
   */
  readonly failed?: (error: unknown) => boolean
}

/** The keys {@link RecordOptions} may have: anything else is a typo `record` rejects. */
export const RECORD_OPTION_KEYS: readonly OptionKey<RecordOptions>[] = keyList<RecordOptions>()([
  'client',
  'failed',
])

/**
 * Records the operations of a history in an async scenario: `world.history`.
 *
 * @example
 * const value = await world.history.record({ f: 'read' }, () => client.read('x'))
 */
export interface AsyncHistoryRecorder extends HistoryRecorder {
  /**
   * Invokes an operation with `input`, runs `fn` and completes the operation by how it ends:
   * `ok` with the value `fn` resolves to (which `record` returns), `fail` when it throws an
   * error `options.failed` accepts, `info` when it throws anything else (a `DeadlineError`, a
   * timeout). The error is rethrown.
   */
  record<I, R>(input: I, fn: () => R | Promise<R>, options?: RecordOptions): Promise<Awaited<R>>
}

/** Trace event kinds of a history, by completion status. */
export const OP_INVOKE = 0
export const OP_OK = 1
export const OP_FAIL = 2
export const OP_INFO = 3
const STATUS_NAMES = ['pending', 'ok', 'fail', 'info'] as const

/** The event names of a history in traces and timelines, indexed by `OP_*`. */
export const HISTORY_EVENT_KINDS: readonly string[] = ['invoke', 'ok', 'fail', 'info']

/** What the recorder needs from the run that hosts it. */
export interface RecorderHost {
  /** The run's virtual time. */
  now(): number
  /** An event of `op` (`OP_*`): append it to the trace or timeline. */
  recorded(kind: number, op: RecordedOperation): void
  /**
   * A misuse by the code that invoked `op` (`actor`): record it so that catching the throw
   * cannot hide it, and throw, or ignore it when the run is over.
   */
  refuse(actor: number, message: string): void
}

/**
 * One operation as recorded, and the handle that completes it. The recorder keeps virtual times
 * for people (`call`, `return`) and the order of events for the checker (`callOrder`,
 * `returnOrder`): within one instant of virtual time the run's events still happened one after
 * another, and the history must say which came first.
 */
export class RecordedOperation implements PendingOperation {
  /** The operation's number in its run (its trace events say `op #id`). */
  readonly id: number
  /** The node (index) or task that invoked it, as the host counts them. */
  readonly actor: number
  readonly client: string | number
  readonly input: unknown
  readonly call: number
  readonly callOrder: number
  output: unknown = undefined
  return: number = Number.POSITIVE_INFINITY
  returnOrder: number = Number.POSITIVE_INFINITY
  /** `OP_INVOKE` while pending, then `OP_OK`, `OP_FAIL` or `OP_INFO`. */
  status: number = OP_INVOKE
  readonly #recorder: OperationLog
  readonly #generation: number

  constructor(
    recorder: OperationLog,
    generation: number,
    id: number,
    actor: number,
    client: string | number,
    input: unknown,
    call: number,
    callOrder: number,
  ) {
    this.#recorder = recorder
    this.#generation = generation
    this.id = id
    this.actor = actor
    this.client = client
    this.input = input
    this.call = call
    this.callOrder = callOrder
  }

  ok(output: unknown): void {
    this.#recorder.complete(this, this.#generation, OP_OK, output)
  }

  fail(output?: unknown): void {
    this.#recorder.complete(this, this.#generation, OP_FAIL, output)
  }

  info(output?: unknown): void {
    this.#recorder.complete(this, this.#generation, OP_INFO, output)
  }
}

/**
 * The operations of one run, reset for every seed. A host (a simulation world, an async
 * runtime) owns one and hands out facades that know who is invoking.
 */
export class OperationLog {
  readonly #host: RecorderHost
  readonly #ops: RecordedOperation[] = []
  /** Pending operation per client: a client has at most one operation in flight. */
  #pending = new Map<string | number, RecordedOperation>()
  #order = 0
  #generation = 0

  constructor(host: RecorderHost) {
    this.#host = host
  }

  /** Forgets the last run's operations; handles from it are refused from now on. */
  reset(): void {
    // Most runs record no operations: skip the runtime calls that empty what is empty.
    if (this.#ops.length > 0) this.#ops.length = 0
    if (this.#pending.size > 0) this.#pending.clear()
    this.#order = 0
    this.#generation++
  }

  /** Operations invoked so far (failed ones included). */
  get size(): number {
    return this.#ops.length
  }

  /**
   * Records an invocation by `actor` for `client` (already defaulted by the facade).
   * `options` is what the user passed (validated here).
   */
  invoke(
    actor: number,
    defaultClient: string,
    input: unknown,
    options: InvokeOptions | undefined,
    where: string,
  ): RecordedOperation {
    if (options !== undefined) checkOptions(options, where, INVOKE_OPTION_KEYS)
    const client = options?.client ?? defaultClient
    if (
      !(typeof client === 'string' && client.length > 0) &&
      !(typeof client === 'number' && Number.isFinite(client))
    ) {
      this.#host.refuse(
        actor,
        `${where}: client must be a non-empty string or a finite number, got ${formatValue(client)}`,
      )
    }
    const busy = this.#pending.get(client)
    if (busy !== undefined) {
      this.#host.refuse(
        actor,
        `${where}: client ${formatValue(client)} invoked ${formatValue(input)} while its op #${busy.id} ${formatValue(busy.input)} (called at t=${busy.call}) is still pending; a client issues one operation at a time: complete the first (ok, fail or info), or give each concurrent operation its own client with { client }`,
      )
    }
    const op = new RecordedOperation(
      this,
      this.#generation,
      this.#ops.length,
      actor,
      client,
      input,
      this.#host.now(),
      this.#order++,
    )
    this.#ops.push(op)
    this.#pending.set(client, op)
    this.#host.recorded(OP_INVOKE, op)
    return op
  }

  /** Completes `op` (called through its handle). */
  complete(op: RecordedOperation, generation: number, status: number, output: unknown): void {
    const what = `op #${op.id} ${formatValue(op.input)} of client ${formatValue(op.client)}`
    if (generation !== this.#generation) {
      this.#host.refuse(
        op.actor,
        `${what} is from an earlier run: a handle from invoke() must not outlive its run`,
      )
      return
    }
    if (op.status !== OP_INVOKE) {
      this.#host.refuse(
        op.actor,
        `${what} was completed twice (${STATUS_NAMES[op.status]}, then ${STATUS_NAMES[status]}); complete each operation once`,
      )
      return
    }
    op.status = status
    op.output = output
    if (status !== OP_INFO) {
      op.return = this.#host.now()
      op.returnOrder = this.#order++
    }
    this.#pending.delete(op.client)
    this.#host.recorded(status, op)
  }

  /**
   * The history in virtual time, for people: every operation but the failed ones, in call
   * order; an unknown outcome (`info`, or still pending) returns at `Infinity`.
   */
  history(): Operation<unknown, unknown>[] {
    return this.#operations(false)
  }

  /**
   * The same history (same operations, same indices) for the checker: call and return are
   * positions in the run's order of events, so two operations are concurrent exactly when their
   * intervals overlapped in the run, even within one instant of virtual time.
   *
   * `eventual` (see {@link outputs}) is for a run cut short of another: an operation still
   * pending here gets the output it ended with there (still returning at `Infinity`).
   */
  orderedHistory(eventual?: readonly unknown[]): Operation<unknown, unknown>[] {
    return this.#operations(true, eventual)
  }

  /**
   * Each operation's output by id, `undefined` for one that failed or never completed: what an
   * operation pending in a shorter replay of this run (the same events, cut earlier) ended with.
   */
  outputs(): unknown[] {
    return this.#ops.map((op) =>
      op.status === OP_OK || op.status === OP_INFO ? op.output : undefined,
    )
  }

  #operations(ordered: boolean, eventual?: readonly unknown[]): Operation<unknown, unknown>[] {
    const out: Operation<unknown, unknown>[] = []
    for (const op of this.#ops) {
      if (op.status === OP_FAIL) continue
      out.push({
        client: op.client,
        input: op.input,
        call: ordered ? op.callOrder : op.call,
        output: op.status === OP_INVOKE && eventual !== undefined ? eventual[op.id] : op.output,
        return: ordered ? op.returnOrder : op.return,
      })
    }
    return out
  }

  /** The actors that invoked at least one operation, ascending. */
  actors(): number[] {
    return [...new Set(this.#ops.map((op) => op.actor))].sort((a, b) => a - b)
  }
}
