/**
 * A distributed lock with leases, guarding writes to a storage service (Kleppmann, "How to do
 * distributed locking", 2016; Burrows, "The Chubby lock service", OSDI 2006, section 2.4 on
 * sequencers). A client acquires a lease, then writes; the lease expires on its own, so a
 * crashed client cannot hold the lock forever. But a client does not know when its lease has
 * expired: a process pause (garbage collection) or a slow network lets its write arrive after
 * another client has acquired the lease and written.
 *
 * The fix is a fencing token: every grant carries a number one higher than the last, the client
 * sends it with its write, and the storage rejects a write whose token is lower than one it has
 * already accepted.
 *
 * The model is composed: clients and the storage are components, writes travel on a channel
 * (an unordered bag: they may arrive in any order), and the lock service is a shared field that
 * a client's `acquire` and the environment's `expire` change. A client never gives its lease
 * back early: every lease ends by expiring, the case the chapter is about.
 */
import {
  action,
  type ChannelValue,
  type Composed,
  type ComposeSpec,
  channel,
  component,
  compose,
  localAction,
  type Model,
} from '@musil/core'

/** A write, with the token of the lease it was made under. */
export type Write = { readonly type: 'write'; readonly token: number }

/** The lock service: the client whose lease is current, if any, and the last token issued. */
export interface Lock {
  readonly holder: string | null
  readonly token: number
}

/** What the components share: the writes in flight and the lock service. */
export type Shared = { readonly net: ChannelValue<Write>; readonly lock: Lock }

/** A client: the token of the lease it was granted, and whether it sent its write. */
export interface Client {
  readonly token: number | null
  readonly wrote: boolean
}

/** The storage: the highest token it has accepted, and the tokens of its accepted writes. */
export interface Storage {
  readonly maxToken: number
  readonly log: readonly number[]
}

/** The state of the composed model: `s.client[c]`, `s.storage.storage`, `s.net`, `s.lock`. */
export type LockWorld = Composed<Shared>

/** Options of {@link lockFencing}. */
export interface LockFencingOptions {
  /** Clients (default 2). */
  readonly clients?: number
  /** Whether the storage checks fencing tokens (default true). */
  readonly fenced?: boolean
}

/** Client ids `c1`..`cN`. */
export function clientIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${i + 1}`)
}

/** The network between the clients and the storage: an unordered bag. */
export const net = channel<Write>({ name: 'net' })

/** The storage's slice of a state. */
export const storageOf = (s: LockWorld): Storage =>
  (s.storage as Readonly<Record<string, Storage>>).storage!

/**
 * The safety property: the storage accepts writes in lease order. A write under an older lease
 * accepted after a write under a newer one is the lost-update the lock was there to prevent.
 */
export function writesInLeaseOrder(s: LockWorld): boolean {
  const { log } = storageOf(s)
  return log.every((t, i) => i === 0 || log[i - 1]! <= t)
}

/** Whether the storage accepts a write: always without fencing, else only a token not older than the last. */
export const accepts = (fenced: boolean, storage: Storage, token: number): boolean =>
  !fenced || token >= storage.maxToken

/** The lock service, `clients` clients (each takes the lease once and writes once) and the storage. */
export function lockFencing(options: LockFencingOptions = {}): Model<LockWorld> {
  return compose(lockFencingSpec(options))
}

/** The components and channel {@link lockFencing} composes, for a test that adds invariants. */
export function lockFencingSpec({
  clients = 2,
  fenced = true,
}: LockFencingOptions = {}): ComposeSpec<Shared> {
  if (!Number.isInteger(clients) || clients < 1) {
    throw new RangeError(`lockFencing: clients must be an integer of at least 1, got ${clients}`)
  }
  const client = component<Client, Shared>({
    name: 'client',
    ids: clientIds(clients),
    init: { token: null, wrote: false },
    actions: [
      // The lock service grants a free lease, with the next token.
      localAction<Client, Shared>(
        'acquire',
        (self, { state }) => state.lock.holder === null && self.token === null,
        (_, ctx) => {
          const token = ctx.state.lock.token + 1
          ctx.set('lock', { holder: ctx.id, token })
          return { token, wrote: false }
        },
      ),
      // The client sends its write, with its token. It believes it holds the lock: nothing in
      // this step looks at the lease, which may have expired long ago.
      localAction<Client, Shared>(
        'write',
        (self) => self.token !== null && !self.wrote,
        (self, ctx) => {
          ctx.send('net', 'storage', { type: 'write', token: self.token! })
          return { ...self, wrote: true }
        },
      ),
    ],
  })
  const storage = component<Storage, Shared>({
    name: 'storage',
    ids: ['storage'],
    init: { maxToken: 0, log: [] },
    // A write arrives: accepted, or rejected by the fencing check.
    receive: (self, { msg }) =>
      accepts(fenced, self, msg.token)
        ? { maxToken: Math.max(self.maxToken, msg.token), log: [...self.log, msg.token] }
        : self,
  })
  return {
    name: `lock-fencing(${clients} clients, ${fenced ? 'fenced' : 'unfenced'})`,
    components: [client, storage],
    channels: { net },
    shared: { lock: { holder: null, token: 0 } },
    actions: [
      // The lease runs out. Its client is not told: it may be paused, or its write in flight.
      action<LockWorld>(
        'expire',
        (s) => s.lock.holder !== null,
        (s) => ({ ...s, lock: { ...s.lock, holder: null } }),
      ),
    ],
    invariants: { writesInLeaseOrder },
    // Every client has had its turn and every write has arrived: the run is over.
    terminal: (s) => net.size(s.net) === 0,
  }
}
