/**
 * The simulated network of an async run: addressed endpoints, seeded latency, loss,
 * duplication, partitions and crashes, all evaluated when a message is delivered.
 *
 * @module
 */
import { WorldUsageError } from '../errors.ts'
import { checkOptions, hasOnlyKeys, keyList, type OptionKey } from '../options.ts'
import type { RunHost, TaskState } from './host.ts'
import type { Wakeup } from './wakeup.ts'

/** Default one-way latency bounds in virtual ms (seedloop's 1-20 ms), drawn uniformly per send. */
export const DEFAULT_LATENCY: { readonly min: number; readonly max: number } = { min: 1, max: 20 }

/** A message as received. Payloads are delivered by reference: do not mutate them after sending. */
export interface Message {
  readonly src: string
  readonly dst: string
  readonly payload: unknown
}

/** Options of `net.bind`: the faults of messages *sent* from this endpoint. */
export interface BindOptions {
  /**
   * A reliable endpoint: every message it sends arrives, once, and in the order it was sent to
   * that destination (per-link FIFO, as over a TCP connection). Latency is still drawn per
   * message, so messages to different destinations interleave as the seed decides. Partitions and
   * crashes still cut it: reachability is evaluated at delivery time and nothing is retransmitted.
   * Cannot be combined with `loss` or `duplicate`. Default false.
   */
  readonly reliable?: boolean
  /** Probability in [0, 1] that a message is lost. Default 0. */
  readonly loss?: number
  /** Probability in [0, 1] that a message is delivered twice. Default 0. */
  readonly duplicate?: number
  /** One-way latency bounds in integer virtual ms. Default {@link DEFAULT_LATENCY}. */
  readonly latency?: { readonly min: number; readonly max: number }
}

/** Options of `endpoint.recv`: how a receive gives up (JavaScript cannot cancel a pending promise). */
export interface RecvOptions {
  /** Virtual ms to wait; when they pass with no message, `recv` resolves `undefined`. */
  readonly timeout?: number
  /** Aborting rejects the pending `recv` with the signal's reason. */
  readonly signal?: AbortSignal
}

/** The keys {@link BindOptions} may have: anything else is a typo `net.bind` rejects. */
export const BIND_OPTION_KEYS: readonly OptionKey<BindOptions>[] = keyList<BindOptions>()([
  'reliable',
  'loss',
  'duplicate',
  'latency',
])

/** The latency bounds of {@link BindOptions}. */
export type LatencyBounds = NonNullable<BindOptions['latency']>

/** The keys the `latency` bounds of {@link BindOptions} may have. */
export const LATENCY_KEYS: readonly OptionKey<LatencyBounds>[] = keyList<LatencyBounds>()([
  'min',
  'max',
])

/** The keys {@link RecvOptions} may have: anything else is a typo `recv` rejects. */
export const RECV_OPTION_KEYS: readonly OptionKey<RecvOptions>[] = keyList<RecvOptions>()([
  'timeout',
  'signal',
])

/** An address bound on the simulated network. */
export interface Endpoint {
  readonly address: string
  /** Sends `payload` to the address `dst`; delivery happens after a seeded latency. */
  send(dst: string, payload: unknown): void
  /**
   * The next message; waits until one is delivered. Several receives may wait on one endpoint
   * at once (a pool of tasks serving one address): each delivery goes to the one that has waited
   * longest, and none is lost or handed out twice. seedloop raises on a second concurrent
   * receive; here it is well defined, so it is allowed.
   */
  recv(): Promise<Message>
  /** The next message, or `undefined` once `timeout` virtual ms pass without one. */
  recv(options: RecvOptions & { readonly timeout: number }): Promise<Message | undefined>
  /** The next message; rejects with the signal's reason if it is aborted first. */
  recv(options: RecvOptions): Promise<Message | undefined>
  /** Unbinds the address: later deliveries to it are dropped; waiting receives reject. */
  close(): void
}

interface Waiter {
  readonly task: TaskState
  readonly resolve: (m: Message | undefined) => void
  readonly reject: (e: unknown) => void
  timer: Wakeup | undefined
  abort: (() => void) | undefined
  signal: AbortSignal | undefined
}

function probability(address: string, what: string, p: unknown): number {
  if (p === undefined) return 0
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new WorldUsageError(
      `net.bind("${address}"): ${what} must be a probability in [0, 1], got ${String(p)}`,
    )
  }
  return p
}

/** Delivers `message` to `endpoint` (set by {@link BoundEndpoint}'s static block). */
let deliverTo: (endpoint: BoundEndpoint, message: Message) => void

class BoundEndpoint implements Endpoint {
  readonly address: string
  readonly reliable: boolean
  readonly loss: number
  readonly duplicate: number
  readonly minLatency: number
  readonly maxLatency: number
  closed = false
  readonly #net: SimulatedNetwork
  readonly #mailbox: Message[] = []
  readonly #waiters: Waiter[] = []
  /** What a task waiting here waits for, in deadlock reports; built once, read on every receive. */
  readonly #waitingLabel: string

  constructor(net: SimulatedNetwork, address: string, options: BindOptions) {
    this.#net = net
    this.address = address
    this.#waitingLabel = `recv on ${address}`
    checkOptions(options, `net.bind("${address}")`, BIND_OPTION_KEYS)
    if (options.latency !== undefined) {
      checkOptions(options.latency, `net.bind("${address}", { latency })`, LATENCY_KEYS)
    }
    this.loss = probability(address, 'loss', options.loss)
    this.duplicate = probability(address, 'duplicate', options.duplicate)
    const reliable = options.reliable ?? false
    if (typeof reliable !== 'boolean') {
      throw new WorldUsageError(
        `net.bind("${address}"): reliable must be true or false, got ${String(reliable)}`,
      )
    }
    if (reliable && (this.loss > 0 || this.duplicate > 0)) {
      // seedloop ignores loss and duplicate on a reliable endpoint; here the contradiction is a
      // mistake worth hearing about, like any other option that would silently do nothing.
      throw new WorldUsageError(
        `net.bind("${address}"): a reliable endpoint loses and duplicates nothing, so it cannot have ` +
          `loss ${this.loss} or duplicate ${this.duplicate}; drop one of the two`,
      )
    }
    this.reliable = reliable
    const latency = options.latency ?? DEFAULT_LATENCY
    if (
      !Number.isInteger(latency.min) ||
      !Number.isInteger(latency.max) ||
      latency.min < 0 ||
      latency.max < latency.min
    ) {
      throw new WorldUsageError(
        `net.bind("${address}"): latency must be integer ms with 0 <= min <= max, got ${latency.min}..${latency.max}`,
      )
    }
    this.minLatency = latency.min
    this.maxLatency = latency.max
  }

  send(dst: string, payload: unknown): void {
    if (typeof dst !== 'string' || dst.length === 0) {
      throw new WorldUsageError(
        `${this.address}.send() needs a destination address, got ${String(dst)}`,
      )
    }
    if (this.closed) {
      throw new WorldUsageError(
        `${this.address}.send("${dst}") after ${this.address} was closed: bind it again first`,
      )
    }
    this.#net.transmit(this, dst, payload)
  }

  recv(): Promise<Message>
  recv(options: RecvOptions & { readonly timeout: number }): Promise<Message | undefined>
  recv(options: RecvOptions): Promise<Message | undefined>
  recv(options?: RecvOptions): Promise<Message | undefined> {
    const runtime = this.#net.runtime
    if (options !== undefined && !hasOnlyKeys(options, RECV_OPTION_KEYS)) {
      checkOptions(options, `${this.address}.recv()`, RECV_OPTION_KEYS)
    }
    const timeout = options?.timeout
    if (
      timeout !== undefined &&
      (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)
    ) {
      throw new WorldUsageError(
        `${this.address}.recv(): timeout must be finite virtual ms >= 0, got ${String(timeout)}`,
      )
    }
    if (this.closed) {
      return Promise.reject(
        new WorldUsageError(`${this.address}.recv() after ${this.address} was closed`),
      )
    }
    const ready = this.#mailbox.shift()
    if (ready !== undefined) return Promise.resolve(ready)
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    const task = runtime.currentTask()
    if (runtime.ended) return new Promise(() => {})
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { task, resolve, reject, timer: undefined, abort: undefined, signal }
      task.waiting = this.#waitingLabel
      this.#waiters.push(waiter)
      if (timeout !== undefined) {
        waiter.timer = runtime.schedule(runtime.now() + timeout, task.name, task, () => {
          this.#forget(waiter)
          runtime.trace({
            t: runtime.now(),
            kind: 'timer',
            node: task.name,
            name: 'recv timeout',
            detail: this.address,
          })
          resolve(undefined)
        })
      }
      if (signal !== undefined) {
        waiter.abort = () => {
          this.#forget(waiter)
          reject(signal.reason)
        }
        signal.addEventListener('abort', waiter.abort, { once: true })
      }
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.#net.unbind(this)
    for (const w of this.#waiters.splice(0)) {
      this.#settle(w)
      w.reject(
        new WorldUsageError(`${this.address} was closed while ${w.task.name} waited in recv()`),
      )
    }
  }

  static {
    // The network's one way in: a module-level function, not a method, so that code holding an
    // endpoint cannot hand it a message that never crossed the network.
    deliverTo = (endpoint, message) => endpoint.#enqueue(message)
  }

  /** Hands a delivered message to the oldest waiting receive, or keeps it in the mailbox. */
  #enqueue(message: Message): void {
    const waiter = this.#waiters.shift()
    if (waiter === undefined) {
      this.#mailbox.push(message)
      return
    }
    this.#settle(waiter)
    waiter.resolve(message)
  }

  #forget(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter)
    if (i >= 0) this.#waiters.splice(i, 1)
    this.#settle(waiter)
  }

  #settle(waiter: Waiter): void {
    waiter.task.waiting = undefined
    if (waiter.timer !== undefined) waiter.timer.cancelled = true
    if (waiter.abort !== undefined) waiter.signal?.removeEventListener('abort', waiter.abort)
  }
}

/** A partition: each address's group; addresses named in no group form one more group together. */
type Cut = ReadonlyMap<string, number>

function cutOf(groups: readonly (readonly string[])[], what: string): Cut {
  const cut = new Map<string, number>()
  groups.forEach((group, i) => {
    if (!Array.isArray(group)) {
      throw new WorldUsageError(
        `${what}: each group must be an array of addresses, got ${String(group)}`,
      )
    }
    for (const address of group) {
      if (cut.has(address))
        throw new WorldUsageError(`${what}: address "${address}" is in two groups`)
      cut.set(address, i)
    }
  })
  return cut
}

function separates(cut: Cut, a: string, b: string): boolean {
  return (cut.get(a) ?? -1) !== (cut.get(b) ?? -1)
}

/** Renders a partition for the timeline: `n1 | n2 n3`. */
export function describeGroups(groups: readonly (readonly string[])[]): string {
  return groups.map((g) => g.join(' ')).join(' | ')
}

/** The simulated network of a run: `world.net`. */
export interface Network {
  /** Binds `address` and returns its endpoint. Throws if the address is already bound. */
  bind(address: string, options?: BindOptions): Endpoint
  /**
   * Splits the network: a message between different groups is dropped when it would be
   * delivered. Addresses named in no group form one more group together, so
   * `partition(['n1'])` isolates `n1` from everyone else, and an address the test forgot to name
   * can never bridge two groups (seedloop instead lets such an address reach everyone). The
   * callback-node runtime (`simulate`) splits the same way. Replaces the previous partition set
   * this way.
   */
  partition(...groups: string[][]): void
  heal(): void
  /** The addresses bound now, in binding order. */
  addresses(): string[]
}

/** The messages in flight on one reliable link, oldest first, and when the newest arrives. */
interface ReliableLink {
  readonly queue: Message[]
  last: number
}

/** The network of one run. */
export class SimulatedNetwork implements Network {
  readonly runtime: RunHost
  readonly #endpoints = new Map<string, BoundEndpoint>()
  /** Per-link FIFO state of reliable endpoints, keyed `src\u0000dst`. */
  readonly #links = new Map<string, ReliableLink>()
  #partition: Cut | undefined = undefined
  /** Partitions from fault handles: each its own entry, so windows compose. */
  readonly #faultCuts = new Set<Cut>()
  readonly #crashed = new Set<string>()
  readonly #slow = new Map<string, number[]>()
  /** `net:<address>`, the owner of a delivery to an address, built once per address. */
  readonly #owners = new Map<string, string>()

  constructor(runtime: RunHost) {
    this.runtime = runtime
  }

  bind(address: string, options: BindOptions = {}): Endpoint {
    if (typeof address !== 'string' || address.length === 0) {
      throw new WorldUsageError(`net.bind() needs a non-empty address, got ${String(address)}`)
    }
    if (this.#endpoints.has(address)) {
      throw new WorldUsageError(
        `net.bind("${address}"): the address is already bound; close() the old endpoint first`,
      )
    }
    const endpoint = new BoundEndpoint(this, address, options)
    this.#endpoints.set(address, endpoint)
    return endpoint
  }

  partition(...groups: string[][]): void {
    this.#partition = cutOf(groups, 'net.partition()')
    this.runtime.trace({ t: this.runtime.now(), kind: 'partition', detail: describeGroups(groups) })
  }

  heal(): void {
    this.#partition = undefined
    this.runtime.trace({ t: this.runtime.now(), kind: 'heal' })
  }

  addresses(): string[] {
    return [...this.#endpoints.keys()]
  }

  // ---- used by endpoints and faults --------------------------------------------------------

  unbind(endpoint: BoundEndpoint): void {
    if (this.#endpoints.get(endpoint.address) === endpoint) this.#endpoints.delete(endpoint.address)
  }

  addFaultCut(groups: readonly (readonly string[])[]): Cut {
    const cut = cutOf(groups, 'faults.partition()')
    this.#faultCuts.add(cut)
    return cut
  }

  removeFaultCut(cut: Cut): void {
    this.#faultCuts.delete(cut)
  }

  crash(address: string): void {
    this.#crashed.add(address)
  }

  /** Multiplies the latency of both directions between `a` and `b` until `unslow`. */
  slow(a: string, b: string, factor: number): void {
    for (const key of [`${a}\u0000${b}`, `${b}\u0000${a}`]) {
      const factors = this.#slow.get(key) ?? []
      factors.push(factor)
      this.#slow.set(key, factors)
    }
  }

  unslow(a: string, b: string, factor: number): void {
    for (const key of [`${a}\u0000${b}`, `${b}\u0000${a}`]) {
      const factors = this.#slow.get(key)
      if (factors === undefined) continue
      factors.splice(factors.indexOf(factor), 1)
      if (factors.length === 0) this.#slow.delete(key)
    }
  }

  transmit(from: BoundEndpoint, dst: string, payload: unknown): void {
    const runtime = this.runtime
    const src = from.address
    const t = runtime.now()
    runtime.trace({ t, kind: 'send', src, dst, payload })
    // Exactly one latency draw per send, even for a message that is then lost, so a loss never
    // shifts the latencies of later messages.
    let latency = runtime.networkStream.int(from.minLatency, from.maxLatency)
    if (this.#slow.size > 0) {
      const factors = this.#slow.get(`${src}\u0000${dst}`)
      if (factors !== undefined) for (const f of factors) latency *= f
    }
    if (from.reliable) {
      this.#sendReliably({ src, dst, payload }, t + latency)
      return
    }
    if (from.loss > 0 && runtime.faultStream.chance(from.loss)) {
      runtime.trace({ t, kind: 'drop', src, dst, payload, detail: 'lost' })
      return
    }
    const message: Message = { src, dst, payload }
    const owner = this.#ownerOf(dst)
    runtime.schedule(t + latency, owner, undefined, () => this.#deliver(message))
    if (from.duplicate > 0 && runtime.faultStream.chance(from.duplicate)) {
      const again = latency + runtime.faultStream.int(0, from.maxLatency)
      runtime.trace({ t, kind: 'duplicate', src, dst, payload })
      runtime.schedule(t + again, owner, undefined, () => this.#deliver(message))
    }
  }

  /**
   * Per-link FIFO: a message never arrives before one sent earlier on the same link (its time is
   * at least the previous one's), and each delivery hands over the link's *oldest* message rather
   * than its own. Wake-ups at the same instant run in the order the seed picks, so this second
   * rule is what keeps the order when two arrivals tie.
   */
  #sendReliably(message: Message, at: number): void {
    const key = `${message.src}\u0000${message.dst}`
    let link = this.#links.get(key)
    if (link === undefined) {
      link = { queue: [], last: 0 }
      this.#links.set(key, link)
    }
    const when = Math.max(at, link.last)
    link.last = when
    link.queue.push(message)
    const fifo = link
    this.runtime.schedule(when, this.#ownerOf(message.dst), undefined, () =>
      this.#deliver(fifo.queue.shift()!),
    )
  }

  /** Who a delivery to `dst` wakes, for PCT's priorities. */
  #ownerOf(dst: string): string {
    let owner = this.#owners.get(dst)
    if (owner === undefined) {
      owner = `net:${dst}`
      this.#owners.set(dst, owner)
    }
    return owner
  }

  #deliver(message: Message): void {
    const runtime = this.runtime
    const { src, dst, payload } = message
    const t = runtime.now()
    const endpoint = this.#endpoints.get(dst)
    const why =
      endpoint === undefined
        ? 'unbound'
        : this.#crashed.has(src) || this.#crashed.has(dst)
          ? 'crashed'
          : this.#cutBetween(src, dst)
            ? 'partitioned'
            : undefined
    if (why !== undefined || endpoint === undefined) {
      runtime.trace({ t, kind: 'drop', src, dst, payload, detail: why })
      return
    }
    runtime.trace({ t, kind: 'deliver', src, dst, payload })
    deliverTo(endpoint, message)
  }

  #cutBetween(a: string, b: string): boolean {
    if (this.#partition !== undefined && separates(this.#partition, a, b)) return true
    for (const cut of this.#faultCuts) if (separates(cut, a, b)) return true
    return false
  }
}
