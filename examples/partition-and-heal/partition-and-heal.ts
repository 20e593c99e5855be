/**
 * Partition and heal: two ways the world takes messages away for a while.
 *
 * 1. A sustained partition between the control plane and the agent. Fire-and-forget pushes into
 *    the partition and never again: when it heals, nothing is in flight and the agent is wedged
 *    on its old version forever. Re-push keeps trying and converges once the link heals.
 * 2. A cold restart of a key-value store. What the store kept only in memory is gone; a write
 *    sent while it was down is dropped. A store that acks before persisting loses acked writes
 *    (a safety violation); a durable store still misses writes nobody re-sent (the goal fails);
 *    a durable store with a client that retries un-acked writes loses nothing.
 */
import {
  BaseNode,
  type Context,
  crash,
  FaultSchedule,
  NetworkModel,
  type SimReport,
  simulate,
} from '@musil/core'
import {
  caughtUp,
  type Routes,
  routeNodes,
  routeSnapshot,
  routesModel,
} from '../reconciliation-under-loss/reconciliation-under-loss.ts'

// ---------------------------------------------------------------------------------------------
// 1. A sustained partition
// ---------------------------------------------------------------------------------------------

/** The control plane and the agent cannot talk for the first `ms` milliseconds. */
export function splitFor(ms: number): FaultSchedule {
  return new FaultSchedule().partition([['cp'], ['agent']], { from: 0, until: ms })
}

/** Route delivery over a reliable network, split for the first 50 ms. */
export function simulatePartitionedPush(
  repush: boolean,
  seeds: number | Iterable<number> = 100,
): SimReport<Routes> {
  return simulate(routeNodes(repush), {
    seeds,
    snapshot: routeSnapshot,
    network: new NetworkModel({ minLatency: 1, maxLatency: 3 }),
    faults: splitFor(50),
    model: routesModel(),
    abstraction: (w) => w,
    goal: caughtUp,
    goalName: 'applied==desired',
  })
}

// ---------------------------------------------------------------------------------------------
// 2. A cold restart
// ---------------------------------------------------------------------------------------------

/** The writes the client makes, and when (ms). The third lands while the store is down. */
export const WRITES: readonly (readonly [time: number, key: string])[] = [
  [0, 'a'],
  [6, 'b'],
  [14, 'c'],
]

/** When the store crashes, and when it comes back. */
export const STORE_CRASH = { at: 12, restartAt: 20 } as const

/**
 * Writes `WRITES` to the store. With `retry`, it re-sends every un-acked write every 10 ms;
 * without it, each write is sent once (fire-and-forget).
 */
export class Writer extends BaseNode {
  readonly retry: boolean
  sent: string[] = []
  acked: string[] = []

  constructor(options: { retry: boolean }) {
    super()
    this.retry = options.retry
  }

  override onStart(ctx: Context): void {
    for (const [at, key] of WRITES) ctx.setTimer(`write ${key}`, at)
    if (this.retry) ctx.setTimer('retry', 10)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'retry') {
      const pending = this.sent.filter((k) => !this.acked.includes(k))
      for (const key of pending) ctx.send('store', { put: key })
      if (pending.length > 0 || this.sent.length < WRITES.length) ctx.setTimer('retry', 10)
      return
    }
    const key = name.slice('write '.length)
    this.sent.push(key)
    ctx.send('store', { put: key })
  }

  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    const key = (payload as { ack: string }).ack
    if (!this.acked.includes(key)) this.acked.push(key)
  }
}

/**
 * A key-value store. `durable` writes each key to `ctx.storage` before acking and reloads on
 * start; otherwise it keeps keys only in memory, so a restart comes back empty.
 */
export class Store extends BaseNode {
  readonly durable: boolean
  keys: string[] = []

  constructor(options: { durable: boolean }) {
    super()
    this.durable = options.durable
  }

  override onStart(ctx: Context): void {
    if (this.durable) this.keys = (ctx.storage.get('keys') as string[] | undefined) ?? []
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const key = (payload as { put: string }).put
    if (!this.keys.includes(key)) this.keys.push(key)
    if (this.durable) ctx.storage.set('keys', this.keys)
    ctx.send(src, { ack: key })
  }
}

/** What the checks see. */
export interface Writes {
  readonly sent: readonly string[]
  readonly acked: readonly string[]
  readonly stored: readonly string[]
}

/** Simulates the writer and the store through a cold restart of the store. */
export function simulateColdRestart(
  options: { durable: boolean; retry: boolean },
  seeds: number | Iterable<number> = 200,
): SimReport<Writes> {
  return simulate(
    () => ({
      writer: new Writer({ retry: options.retry }),
      store: new Store({ durable: options.durable }),
    }),
    {
      seeds,
      snapshot: (n) => ({
        sent: [...n.writer.sent],
        acked: [...n.writer.acked],
        stored: [...n.store.keys],
      }),
      // Reliable links with some reordering: the crash is the only fault.
      network: new NetworkModel({ minLatency: 1, maxLatency: 3 }),
      faults: [crash('store', STORE_CRASH)],
      invariants: {
        // An acknowledged write is a promise: it must survive anything the store goes through.
        ackedWritesSurvive: (w) => w.acked.every((k) => w.stored.includes(k)),
      },
      goal: (w) => WRITES.every(([, k]) => w.stored.includes(k)),
      goalName: 'every write stored',
    },
  )
}
