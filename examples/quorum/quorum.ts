/**
 * Quorum replication as in Dynamo (DeCandia et al., SOSP 2007, section 4.5): a key lives on N
 * replicas; a write is acknowledged once W replicas have stored it, and a read returns the
 * newest version among the first R replies. The paper's rule, W + R > N, makes every read
 * quorum overlap every write quorum. This model shows it is exactly the condition for
 * read-after-write: a read that starts after a write was acknowledged returns that write.
 *
 * Two components share one network: N replicas and a client. The client writes version 1 over
 * version 0 to every replica and, once W have acknowledged it, asks every replica for the key
 * and takes the first R replies. The network is an unordered bag without loss: any message may
 * wait while the others are delivered, which is all a slow replica needs to be.
 */
import {
  type ChannelValue,
  type Composed,
  channel,
  check,
  component,
  compose,
  localAction,
  type Model,
} from '@musil/core'

/** A message of the protocol. */
export type QuorumMessage =
  | { readonly type: 'write' }
  | { readonly type: 'writeAck' }
  | { readonly type: 'read' }
  | { readonly type: 'reply'; readonly version: number }

/** What the components share: the network. */
export interface Shared {
  readonly net: ChannelValue<QuorumMessage>
}

/** The state: `s.replica[id]`, `s.client.c` and the network. */
export type QuorumState = Composed<Shared>

/** What the client is doing. */
export type ClientPhase = 'idle' | 'writing' | 'written' | 'reading' | 'read'

/** The client: its phase, the write acknowledgements and read replies it has, what it read. */
export interface Client {
  readonly phase: ClientPhase
  readonly acks: number
  readonly replies: readonly number[]
  /** What the read returned, once it has R replies. */
  readonly result: number | null
}

/** A replica: the version of the key it holds. */
export interface Replica {
  readonly version: number
}

/** The three sizes of a Dynamo key: replicas, write quorum, read quorum. */
export interface QuorumConfig {
  readonly n: number
  readonly w: number
  readonly r: number
}

/** The version the client writes; the replicas start with version 0. */
export const WRITTEN = 1

const clientOf = (s: QuorumState): Client => (s.client as Record<string, Client>).c!

/** Read-after-write: a read that started after the write was acknowledged returns it. */
export function readsLatestWrite(s: QuorumState): boolean {
  const c = clientOf(s)
  return c.phase !== 'read' || c.result === WRITTEN
}

/**
 * The protocol for one (N, W, R).
 *
 * @example
 * check(quorum({ n: 3, w: 2, r: 1 })) // not ok: the read asks a replica the write has not reached
 */
export function quorum({ n, w, r }: QuorumConfig): Model<QuorumState> {
  if (![n, w, r].every(Number.isInteger) || n < 1 || w < 1 || r < 1 || w > n || r > n) {
    throw new RangeError(`quorum: need 1 <= W, R <= N, got N=${n}, W=${w}, R=${r}`)
  }
  const ids = Array.from({ length: n }, (_, i) => `r${i + 1}`)

  const replica = component<Replica, Shared>({
    name: 'replica',
    ids,
    init: { version: 0 },
    receive: (self, { from, msg }, ctx) => {
      if (msg.type === 'write') {
        ctx.send('net', from, { type: 'writeAck' })
        return { version: Math.max(self.version, WRITTEN) }
      }
      if (msg.type === 'read') ctx.send('net', from, { type: 'reply', version: self.version })
      return self
    },
  })

  const client = component<Client, Shared>({
    name: 'client',
    ids: ['c'],
    init: { phase: 'idle', acks: 0, replies: [], result: null },
    actions: [
      localAction<Client, Shared>(
        'write',
        (self) => self.phase === 'idle',
        (self, ctx) => {
          ctx.broadcast('net', ids, { type: 'write' })
          return { ...self, phase: 'writing' }
        },
      ),
      // Only once the write is acknowledged: this is read-after-write.
      localAction<Client, Shared>(
        'read',
        (self) => self.phase === 'written',
        (self, ctx) => {
          ctx.broadcast('net', ids, { type: 'read' })
          return { ...self, phase: 'reading' }
        },
      ),
    ],
    receive: (self, { msg }) => {
      if (msg.type === 'writeAck') {
        const acks = self.acks + 1
        return {
          ...self,
          acks,
          phase: self.phase === 'writing' && acks >= w ? 'written' : self.phase,
        }
      }
      if (msg.type === 'reply' && self.phase === 'reading') {
        const replies = [...self.replies, msg.version].sort()
        return replies.length < r
          ? { ...self, replies }
          : { ...self, replies, phase: 'read', result: Math.max(...replies) }
      }
      return self // a reply beyond the first R: the read is over
    },
  })

  return compose<Shared>({
    name: `quorum(N=${n}, W=${w}, R=${r})`,
    components: [replica, client],
    channels: { net: channel<QuorumMessage>() },
    invariants: { readsLatestWrite },
    terminal: (s) => clientOf(s).phase === 'read',
  })
}

/** One row of the table of verdicts. */
export interface Verdict extends QuorumConfig {
  /** W + R > N: every read quorum meets every write quorum. */
  readonly overlap: boolean
  /** `check` found no stale read. */
  readonly ok: boolean
  readonly distinct: number
  /** For a stale read: the length of the shortest trace (states). */
  readonly trace?: number
}

/** Every (N, W, R) with 1 <= W, R <= N <= `maxN`, checked. */
export function verdicts(maxN: number): Verdict[] {
  const out: Verdict[] = []
  for (let n = 1; n <= maxN; n++) {
    for (let w = 1; w <= n; w++) {
      for (let r = 1; r <= n; r++) {
        const res = check(quorum({ n, w, r }))
        out.push({
          n,
          w,
          r,
          overlap: w + r > n,
          ok: res.ok,
          distinct: res.stats.distinct,
          ...(res.violation && { trace: res.violation.trace.length }),
        })
      }
    }
  }
  return out
}

/** The verdicts as a Markdown table, one row per (N, W, R), columns padded to line up. */
export function verdictTable(rows: readonly Verdict[]): string {
  const header = ['N', 'W', 'R', 'W + R > N', 'read-after-write', 'states']
  const body = rows.map((v) => [
    String(v.n),
    String(v.w),
    String(v.r),
    v.overlap ? 'yes' : 'no',
    v.ok ? 'holds' : `stale read, trace of ${v.trace} states`,
    v.distinct.toLocaleString('en-US'),
  ])
  // Numbers right-aligned, words left-aligned, as the rule row says (at least `-:` or `---`).
  const right = [true, true, true, false, false, true]
  const widths = header.map((h, i) =>
    Math.max(right[i] ? 2 : 3, h.length, ...body.map((b) => b[i]!.length)),
  )
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [line(header), rule, ...body.map(line)].join('\n')
}
