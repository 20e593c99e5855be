/**
 * Primary-backup as real node code: a client, a primary and a backup, event-driven nodes that
 * `simulate` runs under a seeded network with the primary crashing at a fixed time. The backup
 * watches the primary's heartbeats and takes over when they stop.
 *
 * Two primaries: one acknowledges a write at once and ships it to the backup with its next
 * heartbeat (asynchronous replication, the classic bug); the other forwards the write and
 * acknowledges only once the backup has it. The runs are held to the single-copy register of
 * `primary-backup.ts` by refinement.
 */
import { BaseNode, type Context, crash, NetworkModel, type SimReport, simulate } from '@musil/core'
import { type Register, singleRegister } from './primary-backup.ts'

/** When the primary replicates a write, relative to acknowledging it. */
export type Replication = 'ack-then-replicate' | 'replicate-then-ack'

/** How many writes the client makes, one at a time. */
export const SIM_WRITES = 3
/** The primary's heartbeat period (ms); its heartbeats carry its value to the backup. */
export const HEARTBEAT = 5
/** The backup takes over after this long without a word from the primary (ms). */
export const TAKEOVER = 15
/** The client re-sends an unacknowledged write after this long, to the other node (ms). */
export const RETRY = 20
/** When the primary crashes (crash-stop: it never comes back). */
export const PRIMARY_CRASH = 20

/** The messages of the protocol. */
export type PbMessage =
  | { readonly write: number }
  | { readonly ack: number }
  | { readonly replicate: number }
  | { readonly replicated: number }
  | { readonly heartbeat: number }

/**
 * Writes 1, 2, ..., `SIM_WRITES`, the next only once the previous one is acknowledged, after a
 * think time drawn from its own random stream. An unacknowledged write is re-sent every `RETRY`
 * ms, alternately to the primary and the backup: the client does not know who serves.
 */
export class Client extends BaseNode {
  /** The writes this client saw acknowledged: each one a promise the service made. */
  acked: number[] = []
  next = 1
  target: 'primary' | 'backup' = 'primary'

  override onStart(ctx: Context): void {
    ctx.setTimer('write', ctx.random() * 10)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'retry') this.target = this.target === 'primary' ? 'backup' : 'primary'
    ctx.send(this.target, { write: this.next })
    ctx.setTimer('retry', RETRY)
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    const { ack } = payload as { ack: number }
    if (ack !== this.next) return // a late duplicate of an earlier acknowledgement
    this.acked.push(ack)
    this.next++
    ctx.cancelTimer('retry')
    if (this.next <= SIM_WRITES) ctx.setTimer('write', ctx.random() * 10)
  }
}

/** Applies writes, replicates them to the backup, acknowledges them, and sends heartbeats. */
export class Primary extends BaseNode {
  value = 0
  readonly replication: Replication

  constructor(replication: Replication) {
    super()
    this.replication = replication
  }

  override onStart(ctx: Context): void {
    ctx.setTimer('heartbeat', HEARTBEAT)
  }

  override onTimer(ctx: Context): void {
    // Asynchronous replication: the backup learns the value with the next heartbeat.
    ctx.send('backup', { heartbeat: this.value })
    ctx.setTimer('heartbeat', HEARTBEAT)
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as PbMessage
    if ('write' in msg) {
      this.value = Math.max(this.value, msg.write)
      if (this.replication === 'ack-then-replicate') ctx.send(src, { ack: msg.write })
      else ctx.send('backup', { replicate: msg.write })
    } else if ('replicated' in msg) {
      ctx.send('client', { ack: msg.replicated })
    }
  }
}

/**
 * Keeps a copy. Takes over when the primary has been silent for `TAKEOVER` ms (a watchdog timer
 * re-armed by every message from the primary); from then on it serves the client's writes
 * itself. Before that, it ignores them: it is not the primary.
 */
export class Backup extends BaseNode {
  value = 0
  promoted = false

  override onStart(ctx: Context): void {
    ctx.setTimer('watchdog', TAKEOVER)
  }

  override onTimer(): void {
    this.promoted = true
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as PbMessage
    if (src === 'primary') {
      if (!this.promoted) ctx.setTimer('watchdog', TAKEOVER)
      if ('heartbeat' in msg) this.value = Math.max(this.value, msg.heartbeat)
      if ('replicate' in msg) {
        this.value = Math.max(this.value, msg.replicate)
        ctx.send('primary', { replicated: msg.replicate })
      }
    } else if ('write' in msg && this.promoted) {
      this.value = Math.max(this.value, msg.write)
      ctx.send(src, { ack: msg.write })
    }
  }
}

/** The three nodes. */
export type PbNodes = {
  readonly client: Client
  readonly primary: Primary
  readonly backup: Backup
}

/** A fresh world for each seed. */
export function pbNodes(replication: Replication): () => PbNodes {
  return () => ({ client: new Client(), primary: new Primary(replication), backup: new Backup() })
}

/** What the checks see. */
export interface PbWorld {
  readonly acked: readonly number[]
  readonly primary: number
  readonly backup: number
  readonly promoted: boolean
}

/** The world as a plain value. */
export function pbSnapshot(n: PbNodes): PbWorld {
  return {
    acked: [...n.client.acked],
    primary: n.primary.value,
    backup: n.backup.value,
    promoted: n.backup.promoted,
  }
}

/** Every acknowledged write is held by whoever serves: the primary, or the backup once promoted. */
export function ackedWritesSurvive(w: PbWorld): boolean {
  const serving = w.promoted ? w.backup : w.primary
  return w.acked.every((v) => v <= serving)
}

/**
 * The run seen as the single-copy register: the register holds the backup's copy (what survives
 * the primary), and the writes acknowledged so far.
 */
export function registerOfWorld(w: PbWorld): Register {
  return { value: w.backup, acked: w.acked.length }
}

/** Reliable links whose 1-3 ms latency reorders messages. */
export const pbNetwork: NetworkModel = new NetworkModel({ minLatency: 1, maxLatency: 3 })

/**
 * Simulates the three nodes over `seeds`, the primary crashing at `PRIMARY_CRASH` ms, checking
 * `ackedWritesSurvive` after every step and the goal (every write acknowledged) at the end.
 * With `refine`, every step is also held to the single-copy register.
 */
export function simulatePrimaryBackup(
  replication: Replication,
  seeds: number | Iterable<number> = 200,
  { refine = false }: { readonly refine?: boolean } = {},
): SimReport<PbWorld> {
  return simulate(pbNodes(replication), {
    seeds,
    snapshot: pbSnapshot,
    network: pbNetwork,
    faults: [crash('primary', { at: PRIMARY_CRASH })],
    invariants: { ackedWritesSurvive },
    goal: (w) => w.acked.length === SIM_WRITES,
    goalName: 'every write acknowledged',
    ...(refine && { model: singleRegister(SIM_WRITES), abstraction: registerOfWorld }),
  })
}
