/**
 * A heartbeat failure detector as real callback nodes: a primary and a backup that exchange
 * heartbeats, and the storage the primary writes to. The backup takes over when it has heard
 * nothing for `TIMEOUT` ms.
 *
 * A timeout cannot tell a dead node from a slow one or from one behind a partition. Two ways it
 * guesses wrong here: the primary pauses (a GC pause, a stalled disk) for longer than the
 * timeout and then finishes the write it was making, or a partition cuts the primary off and each
 * side suspects the other. Without fencing the storage accepts the deposed primary's write. With
 * fencing the storage hands out the epochs: a takeover claims a new epoch there, every write
 * carries its writer's epoch, and the storage refuses a write from an older epoch.
 */
import {
  BaseNode,
  type Context,
  FaultSchedule,
  NetworkModel,
  type SimReport,
  simulate,
} from '@musil/core'

/** A primary writes and heartbeats this often (ms). */
export const TICK = 5

/** A peer silent for longer than this is suspected (ms). */
export const TIMEOUT = 25

/** How long the primary stalls when it pauses (ms): longer than the timeout. */
export const PAUSE = 40

/** The run's horizon: heartbeats never stop, so the run ends here (ms). */
export const HORIZON = 300

/**
 * Global stabilisation time (ms): from here on nobody pauses and nothing is partitioned, so the
 * timeout's guesses become right. Partial synchrony, as Dwork, Lynch and Stockmeyer define it.
 */
export const GST = 200

/** The partition of the partition scenario: n1 alone, n2 with the storage, from 50 to 150 ms. */
export const SPLIT = { from: 50, until: 150 } as const

/** How the design reacts to a suspicion. */
export interface DetectorOptions {
  /** Take over through the storage's epochs, and have the storage refuse older epochs. */
  readonly fencing: boolean
  /** `slow`: the primary sometimes pauses; `partition`: n1 is cut off from n2 and the storage. */
  readonly scenario: 'slow' | 'partition'
  /** Suspect a peer silent for longer than this (ms); default `TIMEOUT`. */
  readonly timeout?: number
  /** How long a pause lasts (ms); default `PAUSE`. */
  readonly pause?: number
}

export type Role = 'primary' | 'backup'
type PeerMessage =
  | { type: 'heartbeat'; epoch: number; role: Role }
  | { type: 'granted'; epoch: number }
  | { type: 'rejected'; epoch: number }
type StorageMessage = { type: 'write'; epoch: number } | { type: 'claim' }

/** A takeover: from then on, `node` is the primary. */
export interface Takeover {
  readonly node: string
  readonly epoch: number
  readonly at: number
}

/** One of n1 and n2. n1 starts as the primary of epoch 1, n2 as its backup. */
export class Peer extends BaseNode {
  readonly options: DetectorOptions
  role: Role = 'backup'
  epoch = 1
  /** How many times this node began to suspect its peer. */
  suspicions = 0
  /** Takeovers this node declared by itself (without fencing there is nobody else to ask). */
  takeovers: Takeover[] = []
  #lastHeard = 0
  #suspecting = false
  #claiming = false
  #paused: { write: StorageMessage; inbox: [string, PeerMessage][] } | undefined

  constructor(options: DetectorOptions) {
    super()
    this.options = options
  }

  override onStart(ctx: Context): void {
    if (ctx.self === 'n1') this.role = 'primary'
    ctx.setTimer('tick', TICK)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'resume') {
      this.#resume(ctx)
      return
    }
    ctx.setTimer('tick', TICK)
    if (ctx.now() - this.#lastHeard > (this.options.timeout ?? TIMEOUT)) this.#suspect(ctx)
    if (this.role === 'primary') {
      const write: StorageMessage = { type: 'write', epoch: this.epoch }
      if (this.options.scenario === 'slow' && ctx.now() < GST && ctx.random() < 0.01) {
        // The process stalls between deciding to write and writing: it runs nothing, sends
        // nothing, and when it wakes it finishes what it was doing.
        this.#paused = { write, inbox: [] }
        ctx.cancelTimer('tick')
        ctx.setTimer('resume', this.options.pause ?? PAUSE)
        return
      }
      ctx.send('storage', write)
    }
    ctx.send(this.#peer(ctx), { type: 'heartbeat', epoch: this.epoch, role: this.role })
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as PeerMessage
    if (this.#paused) {
      this.#paused.inbox.push([src, msg]) // a stalled process reads its socket when it wakes
      return
    }
    if (msg.type === 'heartbeat') {
      this.#lastHeard = ctx.now()
      this.#suspecting = false
      this.#claiming = false
      // Two primaries: the one with the older epoch steps down.
      if (msg.role === 'primary' && msg.epoch > this.epoch) {
        this.role = 'backup'
        this.epoch = msg.epoch
      }
    } else if (msg.type === 'granted') {
      this.#claiming = false
      this.role = 'primary'
      this.epoch = msg.epoch
    } else {
      // The storage refused an old epoch: someone else took over. Step down and start afresh.
      this.role = 'backup'
      this.epoch = msg.epoch
      this.#lastHeard = ctx.now()
    }
  }

  #suspect(ctx: Context): void {
    if (!this.#suspecting) this.suspicions++
    this.#suspecting = true
    if (this.role !== 'backup') return
    if (this.options.fencing) {
      // Claim the next epoch at the storage; the takeover happens there, if it reaches it.
      if (!this.#claiming) ctx.send('storage', { type: 'claim' } satisfies StorageMessage)
      this.#claiming = true
      return
    }
    this.role = 'primary'
    this.epoch++
    this.takeovers.push({ node: ctx.self, epoch: this.epoch, at: ctx.now() })
  }

  #resume(ctx: Context): void {
    const { write, inbox } = this.#paused!
    this.#paused = undefined
    ctx.send('storage', write) // the write it was making when it stalled
    for (const [src, msg] of inbox) this.onMessage(ctx, src, msg)
    ctx.setTimer('tick', TICK)
  }

  #peer(ctx: Context): string {
    return ctx.self === 'n1' ? 'n2' : 'n1'
  }
}

/** An accepted write: who wrote, with which epoch, when. */
export interface Write {
  readonly node: string
  readonly epoch: number
  readonly at: number
}

/**
 * The storage. Without fencing it accepts every write. With fencing it is the epoch authority:
 * a claim gets the next epoch, and a write from an older epoch than the newest is refused.
 */
export class Storage extends BaseNode {
  readonly fencing: boolean
  epoch = 1
  accepted: Write[] = []
  /** Takeovers granted here (with fencing); n1 holds epoch 1 from the start. */
  grants: Takeover[] = [{ node: 'n1', epoch: 1, at: 0 }]

  constructor(options: { fencing: boolean }) {
    super()
    this.fencing = options.fencing
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as StorageMessage
    if (msg.type === 'claim') {
      this.epoch++
      this.grants.push({ node: src, epoch: this.epoch, at: ctx.now() })
      ctx.send(src, { type: 'granted', epoch: this.epoch } satisfies PeerMessage)
    } else if (this.fencing && msg.epoch < this.epoch) {
      ctx.send(src, { type: 'rejected', epoch: this.epoch } satisfies PeerMessage)
    } else {
      this.accepted.push({ node: src, epoch: msg.epoch, at: ctx.now() })
    }
  }
}

/** What the checks see. */
export interface DetectorWorld {
  /** Every takeover, in time order: n1's start, then the self-declared or granted ones. */
  readonly takeovers: readonly Takeover[]
  /**
   * The write the storage accepted last. The invariant is checked after every step and a step
   * accepts at most one write, so checking the newest one checks them all.
   */
  readonly lastWrite: Write | undefined
  /** How many writes the storage accepted. */
  readonly writes: number
  readonly suspicions: { readonly n1: number; readonly n2: number }
  readonly roles: { readonly n1: Role; readonly n2: Role }
}

type DetectorNodes = { n1: Peer; n2: Peer; storage: Storage }

/**
 * The safety property, stated where the damage is done: every write the storage accepts comes
 * from the node that had most recently taken over before it (strictly before: two events at one
 * instant happened in an order the times cannot show).
 */
export const noDeposedWrite = (w: DetectorWorld): boolean => {
  const write = w.lastWrite
  if (write === undefined) return true
  const before = w.takeovers.filter((t) => t.at < write.at)
  return before.length === 0 || before.at(-1)!.node === write.node
}

/**
 * After GST the system settles: at the horizon there is one primary, and the storage accepted
 * one of its writes in the last 20 ms.
 */
export const onePrimaryWriting = (w: DetectorWorld): boolean => {
  const primaries = (['n1', 'n2'] as const).filter((n) => w.roles[n] === 'primary')
  const last = w.lastWrite
  return primaries.length === 1 && last?.node === primaries[0] && last.at >= HORIZON - 20
}

function snapshot(n: DetectorNodes): DetectorWorld {
  const takeovers = [...n.storage.grants, ...n.n1.takeovers, ...n.n2.takeovers]
  // Stable: n1's start and the storage's grants keep their order among equal times.
  takeovers.sort((a, b) => a.at - b.at)
  return {
    takeovers,
    lastWrite: n.storage.accepted.at(-1),
    writes: n.storage.accepted.length,
    suspicions: { n1: n.n1.suspicions, n2: n.n2.suspicions },
    roles: { n1: n.n1.role, n2: n.n2.role },
  }
}

/** Simulates the two peers and the storage over `seeds`. */
export function simulateDetector(
  options: DetectorOptions,
  seeds: number | Iterable<number> = 200,
): SimReport<DetectorWorld> {
  return simulate(
    (): DetectorNodes => ({
      n1: new Peer(options),
      n2: new Peer(options),
      storage: new Storage(options),
    }),
    {
      seeds,
      snapshot,
      network: new NetworkModel({ minLatency: 1, maxLatency: 3 }),
      ...(options.scenario === 'partition' && {
        faults: new FaultSchedule().partition([['n1'], ['n2', 'storage']], SPLIT),
      }),
      invariants: { noDeposedWrite },
      goal: onePrimaryWriting,
      goalName: 'one primary, writing, after GST',
      maxTime: HORIZON,
    },
  )
}
