/**
 * The programming model of simulated nodes: event handlers called by the simulator with a
 * {@link Context} that is the node's only window on time, the network, timers, randomness and
 * durable storage. Code written against it runs unchanged under any seed.
 *
 * @module
 */
import type { HistoryRecorder } from '../linearizability/recorder.ts'

/**
 * What a node sees of the world while one of its handlers runs. Every method is deterministic
 * for a given seed: the clock is virtual, `random()` is the node's own seeded substream.
 */
export interface Context {
  /** This node's address (its key in the factory's record). */
  readonly self: string
  /** Virtual time in milliseconds since the run started. */
  now(): number
  /**
   * Puts `payload` on the wire to node `dst`. The network decides latency, loss, duplication and
   * corruption. Payloads are delivered by reference: treat them as immutable once sent.
   *
   * @throws {NodeContextError} when `dst` is not a node of the simulation.
   */
  send(dst: string, payload: unknown): void
  /**
   * Arms timer `name` to fire `delay` ms from now (`onTimer(ctx, name)`). Arming a timer that is
   * already pending replaces it: each name has at most one pending firing.
   */
  setTimer(name: string, delay: number): void
  /** Disarms timer `name`; a no-op when it is not pending. */
  cancelTimer(name: string): void
  /** A float in [0, 1) from this node's own seeded substream. */
  random(): number
  /**
   * Durable storage that survives a crash and restart of this node (its fields do not). Writes
   * are durable as soon as `set` returns, like a synchronous fsync.
   */
  readonly storage: DurableStorage
  /**
   * Records the operations of a concurrent history (Jepsen's invoke, then ok / fail / info), in
   * virtual time; `simulate`'s `linearizable` option checks it when the run ends. The client is
   * this node unless `{ client }` says otherwise.
   *
   * @example
   * const op = ctx.history.invoke({ f: 'write', value: 3 })
   * // ... later, when the reply arrives:
   * op.ok(undefined)
   */
  readonly history: HistoryRecorder
}

/**
 * A node's durable key-value store. Values are copied in and out (`structuredClone`), so later
 * changes to an object never reach the stored copy: only what was written survives a crash.
 */
export interface DurableStorage {
  get(key: string): unknown
  set(key: string, value: unknown): void
  has(key: string): boolean
  delete(key: string): boolean
  /** Stored keys, in the order they were first written. */
  keys(): string[]
}

/**
 * A simulated node: any object with some of these handlers. Extend {@link BaseNode} or write a
 * plain object literal. A handler that throws fails the run (`kind: 'error'`, naming the node).
 */
export interface Node {
  /** Called once at time 0, and again after a restart (on the rebuilt node). */
  onStart?(ctx: Context): void
  /** Called when a message from `src` is delivered. */
  onMessage?(ctx: Context, src: string, payload: unknown): void
  /** Called when timer `name` fires. */
  onTimer?(ctx: Context, name: string): void
}

/**
 * Convenience base class for nodes: override the handlers you need. Keep the state the world
 * snapshot reads in public fields.
 *
 * @example
 * class Agent extends BaseNode {
 *   applied = 0
 *   override onMessage(ctx: Context, src: string, payload: unknown): void {
 *     this.applied = Math.max(this.applied, payload as number)
 *     ctx.send(src, 'ack')
 *   }
 * }
 */
export class BaseNode implements Node {
  onStart?(ctx: Context): void
  onMessage?(ctx: Context, src: string, payload: unknown): void
  onTimer?(ctx: Context, name: string): void
}

/** The nodes of one simulated world, by address; what `snapshot` receives. */
export type Nodes = Readonly<Record<string, Node>>

/** Builds a fresh set of nodes; called once per seed and once per restart. */
export type NodeFactory<N extends Nodes = Nodes> = () => N

/** A durable store backed by a Map, copying values in and out. */
export class MapStorage implements DurableStorage {
  readonly #data = new Map<string, unknown>()

  get(key: string): unknown {
    return this.#data.has(key) ? structuredClone(this.#data.get(key)) : undefined
  }
  set(key: string, value: unknown): void {
    this.#data.set(key, structuredClone(value))
  }
  has(key: string): boolean {
    return this.#data.has(key)
  }
  delete(key: string): boolean {
    return this.#data.delete(key)
  }
  keys(): string[] {
    return [...this.#data.keys()]
  }
}
