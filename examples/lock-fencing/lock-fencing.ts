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
 */
import { action, defineModel, type Model, type ModelSpec } from '@musil/core'

/** A write on its way to the storage: who sent it, under which lease. */
export interface Write {
  readonly client: string
  readonly token: number
}

/** A client's view: the lease it was granted (its token), and whether it sent its write. */
export interface Client {
  readonly token: number | null
  readonly wrote: boolean
}

/** The lock service, the clients, the writes in flight and the storage. */
export interface LockWorld {
  /** The client whose lease is current, if any, and the last token issued. */
  readonly lock: { readonly holder: string | null; readonly token: number }
  readonly clients: Readonly<Record<string, Client>>
  /** Writes sent and not yet received (a bag: they may arrive in any order). */
  readonly inFlight: readonly Write[]
  /** The storage: the highest token it has accepted, and the tokens of its accepted writes. */
  readonly storage: { readonly maxToken: number; readonly log: readonly number[] }
}

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

/**
 * The safety property: the storage accepts writes in lease order. A write under an older lease
 * accepted after a write under a newer one is the lost-update the lock was there to prevent.
 */
export function writesInLeaseOrder(s: LockWorld): boolean {
  return s.storage.log.every((t, i) => i === 0 || s.storage.log[i - 1]! <= t)
}

/** Whether the storage accepts `w`: always without fencing, else only a token not older than the last. */
export const accepts = (fenced: boolean, s: LockWorld, w: Write): boolean =>
  !fenced || w.token >= s.storage.maxToken

/** Writes in flight kept sorted, so the same bag is the same state. */
const sortWrites = (ws: readonly Write[]): Write[] =>
  [...ws].sort((a, b) => a.token - b.token || a.client.localeCompare(b.client))

/** The lock service, `clients` clients (each takes the lease once and writes once) and the storage. */
export function lockFencing(options: LockFencingOptions = {}): Model<LockWorld> {
  return defineModel(lockFencingSpec(options))
}

/** The definition {@link lockFencing} builds its model from, for a test that adds invariants. */
export function lockFencingSpec({
  clients = 2,
  fenced = true,
}: LockFencingOptions = {}): ModelSpec<LockWorld> {
  if (!Number.isInteger(clients) || clients < 1) {
    throw new RangeError(`lockFencing: clients must be an integer of at least 1, got ${clients}`)
  }
  const ids = clientIds(clients)
  const withClient = (s: LockWorld, c: string, v: Client) => ({ ...s.clients, [c]: v })
  return {
    name: `lock-fencing(${clients} clients, ${fenced ? 'fenced' : 'unfenced'})`,
    init: {
      lock: { holder: null, token: 0 },
      clients: Object.fromEntries(ids.map((c) => [c, { token: null, wrote: false }])),
      inFlight: [],
      storage: { maxToken: 0, log: [] },
    },
    actions: [
      // The lock service grants a free lease, with the next token.
      action.each(
        'acquire',
        () => ids,
        (s, c) => s.lock.holder === null && s.clients[c]!.token === null,
        (s, c) => {
          const token = s.lock.token + 1
          return {
            ...s,
            lock: { holder: c, token },
            clients: withClient(s, c, { token, wrote: false }),
          }
        },
      ),
      // The lease runs out. Its client is not told: it may be paused, or its write in flight.
      action(
        'expire',
        (s) => s.lock.holder !== null,
        (s) => ({ ...s, lock: { ...s.lock, holder: null } }),
      ),
      // A client that was granted a lease sends its write, with its token. It believes it
      // holds the lock: nothing in this step looks at the lease.
      action.each(
        'write',
        () => ids,
        (s, c) => s.clients[c]!.token !== null && !s.clients[c]!.wrote,
        (s, c) => {
          const { token } = s.clients[c]!
          return {
            ...s,
            clients: withClient(s, c, { token, wrote: true }),
            inFlight: sortWrites([...s.inFlight, { client: c, token: token! }]),
          }
        },
      ),
      // Done with its write, the client gives the lease back (if it still has it).
      action.each(
        'release',
        () => ids,
        (s, c) => s.lock.holder === c && s.clients[c]!.wrote,
        (s) => ({ ...s, lock: { ...s.lock, holder: null } }),
      ),
      // The storage receives a write: accepted, or rejected by the fencing check.
      action.each(
        'receive',
        (s) => s.inFlight.map((w): [string, number] => [w.client, w.token]),
        () => true,
        (s, [client, token]) => {
          const w = { client, token }
          const i = s.inFlight.findIndex((x) => x.client === client && x.token === token)
          const inFlight = s.inFlight.filter((_, j) => j !== i)
          if (!accepts(fenced, s, w)) return { ...s, inFlight }
          return {
            ...s,
            inFlight,
            storage: {
              maxToken: Math.max(s.storage.maxToken, w.token),
              log: [...s.storage.log, w.token],
            },
          }
        },
      ),
    ],
    invariants: { writesInLeaseOrder },
    // Every client has had its turn and every write has arrived: the run is over.
    terminal: (s) => s.inFlight.length === 0,
  }
}
