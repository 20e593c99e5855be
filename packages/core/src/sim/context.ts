/**
 * The `Context` a node's handlers receive: one object per node incarnation, forwarding to the run
 * that hosts it. A context outlives nothing: once its node crashed (or the run ended) every call
 * is refused with an error naming the node, so a handler cannot act from beyond the grave. The
 * host says so by clearing {@link NodeContext.alive}: one flag to test per call.
 *
 * @module
 */
import type {
  HistoryRecorder,
  InvokeOptions,
  OperationLog,
  PendingOperation,
} from '../linearizability/recorder.ts'
import type { Context, DurableStorage } from './node.ts'

/** What a context needs from the run that hosts it. */
export interface ContextHost {
  readonly names: readonly string[]
  readonly time: number
  readonly running: boolean
  send(from: number, dst: string, payload: unknown): void
  setTimer(node: number, name: string, delay: number): void
  cancelTimer(node: number, name: string): void
  nodeRandom(node: number): number
  storageOf(node: number): DurableStorage
  /** The run's history: what `ctx.history.invoke` records into. */
  readonly operations: OperationLog
  /** Records a misuse so that catching the throw cannot hide it, and throws. */
  misuse(node: number, message: string): never
}

/** The context handed to one incarnation of one node. */
export class NodeContext implements Context {
  readonly self: string
  readonly #world: ContextHost
  readonly #node: number
  #history: NodeHistory | undefined
  /**
   * Cleared by the host when this incarnation's node crashes or its run ends (and set again
   * when a first incarnation's context is reused for the next seed).
   */
  alive = true

  constructor(world: ContextHost, node: number) {
    this.self = world.names[node]!
    this.#world = world
    this.#node = node
  }

  get storage(): DurableStorage {
    return this.#world.storageOf(this.#node)
  }

  get history(): HistoryRecorder {
    this.#history ??= new NodeHistory(this)
    return this.#history
  }

  /** `ctx.history.invoke`: a live context's node invokes an operation, by default as its own client. */
  invoke(input: unknown, options: InvokeOptions | undefined): PendingOperation {
    this.#live()
    return this.#world.operations.invoke(
      this.#node,
      this.self,
      input,
      options,
      `ctx.history.invoke() of node '${this.self}'`,
    )
  }

  now(): number {
    return this.#world.time
  }

  send(dst: string, payload: unknown): void {
    this.#live()
    this.#world.send(this.#node, dst, payload)
  }

  setTimer(name: string, delay: number): void {
    this.#live()
    this.#world.setTimer(this.#node, name, delay)
  }

  cancelTimer(name: string): void {
    this.#live()
    this.#world.cancelTimer(this.#node, name)
  }

  random(): number {
    this.#live()
    return this.#world.nodeRandom(this.#node)
  }

  #live(): void {
    if (!this.alive) this.#refuse()
  }

  #refuse(): never {
    const w = this.#world
    return w.misuse(
      this.#node,
      w.running
        ? `node '${this.self}' used a context from before its crash at t=${w.time}: a crashed node's handlers must not keep running (was ctx stored and reused?)`
        : `node '${this.self}' used its context after the run ended: keep ctx inside handlers`,
    )
  }
}

/** `ctx.history` of one context: records operations as the context's node. */
class NodeHistory implements HistoryRecorder {
  readonly #ctx: NodeContext

  constructor(ctx: NodeContext) {
    this.#ctx = ctx
  }

  invoke<I, O = unknown>(input: I, options?: InvokeOptions): PendingOperation<O> {
    return this.#ctx.invoke(input, options) as PendingOperation<O>
  }
}
