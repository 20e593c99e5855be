/**
 * The lock, its clients and the storage as real node code under `simulate`. A client that is
 * granted a lease does its work and writes; sometimes (a seeded coin) it stops for a long
 * garbage-collection pause first, longer than its lease. The world the checks see is the
 * model's state, so every run is held to `lockFencing` by refinement.
 */
import {
  BaseNode,
  type Context,
  NetworkModel,
  type SimReport,
  type SimulateOptions,
  simulate,
} from '@musil/core'
import { clientIds, type LockWorld, lockFencing, net, writesInLeaseOrder } from './lock-fencing.ts'

/** The messages between the nodes. */
export type LockMessage =
  | { readonly type: 'acquire' }
  | { readonly type: 'grant'; readonly token: number }
  | { readonly type: 'write'; readonly token: number }

/** Lease length, client work and pause, in virtual ms. */
export const LEASE_MS = 100
/** How long a client works between its grant and its write, without a pause. */
export const WORK_MS = 5
/** A stop-the-world garbage collection: three leases long. */
export const GC_PAUSE_MS = 300
/** The chance that a client pauses before its write. */
export const GC_CHANCE = 0.25
/** How often a client asks again for a lease it has not been granted. */
export const RETRY_MS = 20

/**
 * The lock service: one lease at a time, `LEASE_MS` long, each with the next token. As in the
 * model, each client is granted one lease (it uses the lock once).
 */
export class LockService extends BaseNode {
  holder: string | null = null
  token = 0
  /** The token each client was granted. */
  readonly grants: Record<string, number> = {}

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as LockMessage
    if (msg.type === 'acquire' && this.holder === null && this.grants[src] === undefined) {
      this.holder = src
      this.token++
      this.grants[src] = this.token
      ctx.setTimer('expire', LEASE_MS)
      ctx.send(src, { type: 'grant', token: this.token })
    }
  }

  override onTimer(): void {
    this.holder = null
  }
}

/** A client: asks for the lease until granted, works (or pauses), writes; the lease expires. */
export class LockClient extends BaseNode {
  token: number | null = null
  wrote = false

  override onStart(ctx: Context): void {
    ctx.send('lock', { type: 'acquire' })
    ctx.setTimer('retry', RETRY_MS)
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    const msg = payload as LockMessage
    if (msg.type !== 'grant' || this.token !== null) return
    this.token = msg.token
    ctx.cancelTimer('retry')
    // The work before the write; a pause here outlives the lease, and nothing tells the client.
    ctx.setTimer('write', ctx.random() < GC_CHANCE ? GC_PAUSE_MS : WORK_MS)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'retry') {
      ctx.send('lock', { type: 'acquire' })
      ctx.setTimer('retry', RETRY_MS)
    } else if (name === 'write') {
      ctx.send('storage', { type: 'write', token: this.token })
      this.wrote = true
    }
  }
}

/** The storage: accepts every write, or with fencing only those whose token is not older. */
export class StorageNode extends BaseNode {
  maxToken = 0
  readonly log: number[] = []
  /** Every write received, accepted or not, by sender. */
  readonly received: { client: string; token: number }[] = []
  readonly fenced: boolean

  constructor(fenced: boolean) {
    super()
    this.fenced = fenced
  }

  override onMessage(_ctx: Context, src: string, payload: unknown): void {
    const msg = payload as LockMessage
    if (msg.type !== 'write') return
    const write = { client: src, token: msg.token }
    this.received.push(write)
    if (this.fenced && write.token < this.maxToken) return // fenced off: an older lease
    this.maxToken = Math.max(this.maxToken, write.token)
    this.log.push(write.token)
  }
}

/** The nodes of one world. */
export type LockNodes = Readonly<Record<string, LockService | LockClient | StorageNode>>

/** Builds a fresh world: the lock, `clients` clients and the storage. */
export function lockNodes(fenced: boolean, clients = 2): () => LockNodes {
  return () => ({
    lock: new LockService(),
    storage: new StorageNode(fenced),
    ...Object.fromEntries(clientIds(clients).map((c) => [c, new LockClient()])),
  })
}

/** What the checks see: the model's state, read from the nodes' fields. */
export function lockWorldOf(nodes: LockNodes): LockWorld {
  const lock = nodes.lock as LockService
  const storage = nodes.storage as StorageNode
  const clients = Object.entries(nodes).filter(
    (e): e is [string, LockClient] => e[1] instanceof LockClient,
  )
  // A client writes once: its write is in flight if it sent it and the storage has not got it.
  let inFlight = net.empty()
  for (const [c, n] of clients) {
    if (n.wrote && !storage.received.some((w) => w.client === c)) {
      inFlight = net.send(inFlight, c, 'storage', { type: 'write', token: n.token! })
    }
  }
  return {
    client: Object.fromEntries(
      clients.map(([c, n]) => [c, { token: lock.grants[c] ?? null, wrote: n.wrote }]),
    ),
    storage: { storage: { maxToken: storage.maxToken, log: [...storage.log] } },
    net: inFlight,
    lock: { holder: lock.holder, token: lock.token },
  }
}

/** A network with 1-10 ms of latency. */
export const lockNetwork: NetworkModel = new NetworkModel({ minLatency: 1, maxLatency: 10 })

/** The simulation's options: lease order checked after every step, the model refined. */
export function lockOptions(
  fenced: boolean,
  clients = 2,
): Omit<SimulateOptions<LockNodes, LockWorld, LockWorld>, 'seeds'> {
  return {
    snapshot: lockWorldOf,
    network: lockNetwork,
    invariants: { writesInLeaseOrder },
    model: lockFencing({ clients, fenced }),
    abstraction: (w) => w,
    // Every client got its lease and its write reached the storage.
    goal: (w) =>
      Object.values(w.client as Record<string, { wrote: boolean }>).every((c) => c.wrote) &&
      net.size(w.net) === 0,
    goalName: 'every write delivered',
  }
}

/** Simulates the lock over `seeds`. */
export function simulateLock(
  fenced: boolean,
  seeds: number | Iterable<number> = 300,
): SimReport<LockWorld> {
  return simulate(lockNodes(fenced), { seeds, ...lockOptions(fenced) })
}
