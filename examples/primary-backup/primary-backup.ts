/**
 * Primary-backup replication (Budhiraja, Marzullo, Schneider and Toueg, "The primary-backup
 * approach", 1993): a client writes to a primary, the primary keeps a backup's copy up to date,
 * and when the primary crashes the backup takes over.
 *
 * The specification is a single-copy register: writes take effect one at a time and each is
 * acknowledged after it took effect. The protocol is three components (client, primary, backup)
 * on one network; the primary can crash once and never comes back (crash-stop). The backup and
 * the client learn of the crash from a perfect failure detector: they act on it only once it has
 * happened. The question is what the primary must do before it acknowledges a write.
 */
import {
  action,
  type ChannelValue,
  type Composed,
  channel,
  component,
  compose,
  defineModel,
  localAction,
  type Model,
} from '@musil/core'

// ---------------------------------------------------------------------------------------------
// The specification
// ---------------------------------------------------------------------------------------------

/** The single-copy register: the value it holds (writes are 1, 2, ...), and the writes acknowledged. */
export interface Register {
  readonly value: number
  readonly acked: number
}

/**
 * The specification: one copy, `writes` writes made one at a time. A write takes effect
 * (`apply`), then is acknowledged (`ack`); nothing else ever changes the register, so an
 * acknowledged write is never lost.
 */
export function singleRegister(writes: number): Model<Register> {
  return defineModel<Register>({
    name: `single-copy register (${writes} writes)`,
    init: { value: 0, acked: 0 },
    actions: [
      action(
        'apply',
        (s) => s.value === s.acked && s.value < writes,
        (s) => ({ ...s, value: s.value + 1 }),
      ),
      action(
        'ack',
        (s) => s.acked < s.value,
        (s) => ({ ...s, acked: s.acked + 1 }),
      ),
    ],
    terminal: (s) => s.acked === writes,
  })
}

// ---------------------------------------------------------------------------------------------
// The protocol
// ---------------------------------------------------------------------------------------------

/** When the primary replicates a write, relative to acknowledging it. */
export type Replication = 'ack-then-replicate' | 'replicate-then-ack'

/** The messages; every one carries the write it is about (1, 2, ...). */
export type PbMessage =
  | { readonly type: 'write'; readonly v: number }
  | { readonly type: 'ack'; readonly v: number }
  | { readonly type: 'replicate'; readonly v: number }
  | { readonly type: 'replicated'; readonly v: number }

/** What the components share: the network. */
export interface Shared {
  readonly net: ChannelValue<PbMessage>
}

/** The state of the protocol: `s.client.c`, `s.primary.p`, `s.backup.b`, the network, and `down`. */
export type PbState = Composed<Shared>

/** The client writes 1, 2, ... one at a time, to the node it believes is the primary. */
export interface Client {
  /** The last write acknowledged to the client. */
  readonly acked: number
  /** The write in flight, if any. */
  readonly pending: number | null
  readonly target: 'p' | 'b'
}

/** The primary's copy, and (ack-then-replicate) the last value it has shipped to the backup. */
export interface Primary {
  readonly value: number
  readonly shipped: number
}

/** The backup's copy, and whether it has taken over. */
export interface Backup {
  readonly value: number
  readonly promoted: boolean
}

/** Options of {@link primaryBackup}. */
export interface PrimaryBackupOptions {
  readonly replication: Replication
  /** Writes the client makes (default 2). */
  readonly writes?: number
}

const message = (v: number, type: PbMessage['type']): PbMessage => ({ type, v })

// Readers of the composed state: each component has one instance (c, p, b).
const client = (s: PbState): Client => (s.client as Record<string, Client>).c!
const primaryOf = (s: PbState): Primary => (s.primary as Record<string, Primary>).p!
const backupOf = (s: PbState): Backup => (s.backup as Record<string, Backup>).b!
const isUp = (s: PbState, id: string): boolean =>
  !Object.hasOwn((s.down as object | undefined) ?? {}, id)

/** Every acknowledged write is held by a replica that is up. */
export function ackedWritesSurvive(s: PbState): boolean {
  const c = client(s)
  const up = [...(isUp(s, 'p') ? [primaryOf(s).value] : []), backupOf(s).value]
  return c.acked <= Math.max(...up)
}

/** The protocol seen as the register: the backup's copy (what survives the primary), the acks. */
export function registerOf(s: PbState): Register {
  return { value: backupOf(s).value, acked: client(s).acked }
}

/**
 * Client, primary and backup. The primary crashes at most once, for good; then the backup may
 * take over (`promote`) and the client may turn to it (`failover`), re-sending its pending write.
 *
 * - `ack-then-replicate`: the primary acknowledges a write as soon as it has applied it, and
 *   ships its value to the backup in a later step (asynchronous replication).
 * - `replicate-then-ack`: the primary forwards the write to the backup and acknowledges it only
 *   when the backup has confirmed it.
 */
export function primaryBackup({ replication, writes = 2 }: PrimaryBackupOptions): Model<PbState> {
  const clientC = component<Client, Shared>({
    name: 'client',
    ids: ['c'],
    init: { acked: 0, pending: null, target: 'p' },
    actions: [
      localAction<Client, Shared>(
        'write',
        (self) => self.pending === null && self.acked < writes,
        (self, ctx) => {
          ctx.send('net', self.target, message(self.acked + 1, 'write'))
          return { ...self, pending: self.acked + 1 }
        },
      ),
      localAction<Client, Shared>(
        'failover',
        (self, { state }) => self.target === 'p' && !isUp(state, 'p'),
        (self, ctx) => {
          if (self.pending !== null) ctx.send('net', 'b', message(self.pending, 'write'))
          return { ...self, target: 'b' }
        },
      ),
    ],
    receive: (self, env) =>
      env.msg.type === 'ack' && env.msg.v === self.pending
        ? { ...self, acked: env.msg.v, pending: null }
        : self,
  })

  const primaryC = component<Primary, Shared>({
    name: 'primary',
    ids: ['p'],
    init: { value: 0, shipped: 0 },
    crash: { maxCrashes: 1, restart: false },
    actions:
      replication === 'ack-then-replicate'
        ? [
            localAction<Primary, Shared>(
              'replicate',
              (self) => self.shipped < self.value,
              (self, ctx) => {
                ctx.send('net', 'b', message(self.value, 'replicate'))
                return { ...self, shipped: self.value }
              },
            ),
          ]
        : [],
    receive: (self, env, ctx) => {
      const { type, v } = env.msg
      if (type === 'write') {
        if (replication === 'ack-then-replicate') ctx.send('net', env.from, message(v, 'ack'))
        else ctx.send('net', 'b', message(v, 'replicate'))
        return { ...self, value: Math.max(self.value, v) }
      }
      if (type === 'replicated') ctx.send('net', 'c', message(v, 'ack'))
      return self
    },
  })

  const backupC = component<Backup, Shared>({
    name: 'backup',
    ids: ['b'],
    init: { value: 0, promoted: false },
    actions: [
      localAction<Backup, Shared>(
        'promote',
        (self, { state }) => !self.promoted && !isUp(state, 'p'),
        (self) => ({ ...self, promoted: true }),
      ),
    ],
    // A client's write waits until the backup has taken over: before, it is not the primary.
    accepts: (self, env) => env.msg.type !== 'write' || self.promoted,
    receive: (self, env, ctx) => {
      const { type, v } = env.msg
      if (type === 'replicate') {
        if (replication === 'replicate-then-ack') ctx.send('net', 'p', message(v, 'replicated'))
        return { ...self, value: Math.max(self.value, v) }
      }
      if (type === 'write') {
        ctx.send('net', env.from, message(v, 'ack'))
        return { ...self, value: Math.max(self.value, v) }
      }
      return self
    },
  })

  return compose<Shared>({
    name: `primary-backup (${replication}, ${writes} writes)`,
    components: [clientC, primaryC, backupC],
    channels: { net: channel<PbMessage>({ format: (m) => `${m.type}(${m.v})` }) },
    invariants: { ackedWritesSurvive },
    terminal: (s) => client(s).acked === writes,
  })
}
