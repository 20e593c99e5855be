/**
 * A replicated key-value store in the style of Raft (Ongaro & Ousterhout, 2014), small enough to
 * read in one sitting: three replicas elect a leader by terms and majority votes, the leader
 * replicates every write to a majority before acknowledging it, and three clients, one per
 * replica, get and put two keys.
 *
 * Replication is by state transfer rather than by a log: every `append` carries the leader's
 * whole store, stamped `(term, seq)`. A new leader re-stamps its store with its own term at once
 * (Raft's no-op entry), so stamps order the stores the way Raft's (last term, last index) orders
 * logs, and the election restriction (vote only for a candidate at least as up to date) keeps
 * every acknowledged write.
 *
 * Where a `get` is answered is the subject of the chapter (`reads`):
 *
 * - `follower`: the replica the client talks to answers from its own copy. A replica cut off
 *   from the leader keeps answering with what it last heard: a stale read.
 * - `leader`: the request goes to the leader, which answers from its own copy. A leader cut off
 *   from the others does not know it has been replaced, and answers from a store the new leader
 *   has moved past: Jepsen's 2014 etcd stale read.
 * - `read-index`: the leader answers only after a majority acknowledged an `append` sent after
 *   the request arrived (Raft, section 8): that round proves it was still the leader when the
 *   read arrived, and commits its store in its own term. Linearizable.
 *
 * @module
 */
import { BaseNode, type Context, FaultSchedule, NetworkModel } from '@musil/core'

/** Where a `get` is answered. */
export type ReadPath = 'follower' | 'leader' | 'read-index'

/** A store: key to value. Replaced, never mutated, so a sent copy stays what it was. */
export type Store = Readonly<Record<string, number>>

/** What a client asks. */
export type Request =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: number }

/** The messages of the store. */
export type KvMessage =
  | {
      readonly type: 'request'
      readonly client: string
      readonly id: number
      readonly request: Request
    }
  /** The answer to request `id`: the value read (`null` for a missing key), or `null` for a put. */
  | { readonly type: 'response'; readonly id: number; readonly value: number | null }
  | {
      readonly type: 'append'
      readonly term: number
      readonly round: number
      readonly stampTerm: number
      readonly stampSeq: number
      readonly store: Store
    }
  | { readonly type: 'appendAck'; readonly term: number; readonly round: number }
  | {
      readonly type: 'requestVote'
      readonly term: number
      readonly stampTerm: number
      readonly stampSeq: number
    }
  | { readonly type: 'vote'; readonly term: number; readonly granted: boolean }

/** What a replica is doing. */
export type Role = 'follower' | 'candidate' | 'leader'

/** Timing of the replicas, in virtual ms. */
export interface ReplicaTiming {
  /** Leader heartbeat period. Default 20. */
  readonly heartbeat?: number
  /** Election timeout bounds, drawn from `ctx.random()` at every reset. Default 100-200. */
  readonly electionTimeout?: readonly [number, number]
}

/** A request the leader answers once a majority has acknowledged round `round`. */
interface Waiting {
  readonly round: number
  readonly client: string
  readonly id: number
  readonly value: number | null
}

/** One replica: a follower, a candidate or the leader of its term. */
export class Replica extends BaseNode {
  role: Role = 'follower'
  term = 0
  votedFor: string | undefined = undefined
  /** Whom this replica believes to be the leader (itself when it leads). */
  leader: string | undefined = undefined
  store: Store = {}
  /** The stamp of `store`: the term of the leader that last changed it, and a counter. */
  stampTerm = 0
  stampSeq = 0
  readonly #peers: readonly string[]
  readonly #reads: ReadPath
  readonly #heartbeat: number
  readonly #timeout: readonly [number, number]
  readonly #votes = new Set<string>()
  /** Leader only: the highest round each peer acknowledged in this term. */
  readonly #acked = new Map<string, number>()
  /** Leader only: requests waiting for a majority, in round order. */
  #waiting: Waiting[] = []
  #round = 0

  constructor(peers: readonly string[], reads: ReadPath, timing: ReplicaTiming = {}) {
    super()
    this.#peers = peers
    this.#reads = reads
    this.#heartbeat = timing.heartbeat ?? 20
    this.#timeout = timing.electionTimeout ?? [100, 200]
  }

  override onStart(ctx: Context): void {
    this.#resetElectionTimer(ctx)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'heartbeat' && this.role === 'leader') {
      this.#sendRound(ctx)
      ctx.setTimer('heartbeat', this.#heartbeat)
    } else if (name === 'election' && this.role !== 'leader') {
      this.#startElection(ctx)
    }
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as KvMessage
    if (msg.type === 'request') {
      this.#request(ctx, src, msg)
      return
    }
    if (msg.type === 'response') return
    if (msg.term > this.term) this.#newTerm(ctx, msg.term)
    switch (msg.type) {
      case 'append':
        this.#append(ctx, src, msg)
        return
      case 'appendAck':
        if (this.role === 'leader' && msg.term === this.term) {
          this.#acked.set(src, Math.max(this.#acked.get(src) ?? 0, msg.round))
          this.#answerCommitted(ctx)
        }
        return
      case 'requestVote': {
        const granted =
          msg.term === this.term &&
          (this.votedFor === undefined || this.votedFor === src) &&
          !this.#newerThan(msg.stampTerm, msg.stampSeq)
        if (granted) {
          this.votedFor = src
          this.#resetElectionTimer(ctx)
        }
        ctx.send(src, { type: 'vote', term: this.term, granted } satisfies KvMessage)
        return
      }
      case 'vote':
        if (this.role !== 'candidate' || msg.term !== this.term || !msg.granted) return
        this.#votes.add(src)
        if (this.#isMajority(this.#votes.size)) this.#becomeLeader(ctx)
        return
    }
  }

  /** A client's request, straight from the client or forwarded by another replica. */
  #request(ctx: Context, src: string, msg: Extract<KvMessage, { type: 'request' }>): void {
    const { request } = msg
    if (request.op === 'get' && this.#reads === 'follower') {
      this.#respond(ctx, msg.client, msg.id, this.store[request.key] ?? null)
      return
    }
    if (this.role !== 'leader') {
      // Forward once, to the leader this replica knows of; a forwarded request that meets a
      // replica which is no longer the leader is dropped, and the client times out.
      if (src === msg.client && this.leader !== undefined) ctx.send(this.leader, msg)
      return
    }
    if (request.op === 'get') {
      const value = this.store[request.key] ?? null
      if (this.#reads === 'leader') this.#respond(ctx, msg.client, msg.id, value)
      else
        this.#waiting.push({ round: this.#sendRound(ctx), client: msg.client, id: msg.id, value })
      return
    }
    this.store = { ...this.store, [request.key]: request.value }
    this.stampSeq++
    const round = this.#sendRound(ctx)
    this.#waiting.push({ round, client: msg.client, id: msg.id, value: null })
  }

  #append(ctx: Context, src: string, msg: Extract<KvMessage, { type: 'append' }>): void {
    if (msg.term === this.term) {
      this.role = 'follower'
      this.leader = src
      this.#resetElectionTimer(ctx)
      // Latency can reorder two appends of one leader: never go back to an older store.
      if (this.#olderThan(msg.stampTerm, msg.stampSeq)) {
        this.store = msg.store
        this.stampTerm = msg.stampTerm
        this.stampSeq = msg.stampSeq
      }
    }
    // An ack of an older term tells a deposed leader the news (it adopts our term and steps down).
    ctx.send(src, { type: 'appendAck', term: this.term, round: msg.round } satisfies KvMessage)
  }

  #newTerm(ctx: Context, term: number): void {
    const wasLeader = this.role === 'leader'
    this.term = term
    this.role = 'follower'
    this.votedFor = undefined
    this.leader = undefined
    if (wasLeader) {
      ctx.cancelTimer('heartbeat')
      // The requests it was holding are not answered: their clients time out.
      this.#waiting = []
      this.#resetElectionTimer(ctx)
    }
  }

  #startElection(ctx: Context): void {
    this.term++
    this.role = 'candidate'
    this.votedFor = ctx.self
    this.leader = undefined
    this.#votes.clear()
    this.#votes.add(ctx.self)
    this.#resetElectionTimer(ctx)
    const ask: KvMessage = {
      type: 'requestVote',
      term: this.term,
      stampTerm: this.stampTerm,
      stampSeq: this.stampSeq,
    }
    for (const peer of this.#peers) ctx.send(peer, ask)
  }

  #becomeLeader(ctx: Context): void {
    this.role = 'leader'
    this.leader = ctx.self
    // Raft's no-op entry: the store is now this term's, and the first round commits it.
    this.stampTerm = this.term
    this.stampSeq = 0
    this.#acked.clear()
    this.#waiting = []
    ctx.cancelTimer('election')
    this.#sendRound(ctx)
    ctx.setTimer('heartbeat', this.#heartbeat)
  }

  /** Sends the whole store to every peer as round `n`; returns `n`. */
  #sendRound(ctx: Context): number {
    const round = ++this.#round
    const append: KvMessage = {
      type: 'append',
      term: this.term,
      round,
      stampTerm: this.stampTerm,
      stampSeq: this.stampSeq,
      store: this.store,
    }
    for (const peer of this.#peers) ctx.send(peer, append)
    return round
  }

  /** Answers every waiting request whose round a majority (the leader included) has acked. */
  #answerCommitted(ctx: Context): void {
    const acked = this.#peers.map((p) => this.#acked.get(p) ?? 0).sort((a, b) => b - a)
    // The leader counts itself: the round a majority holds is the (majority - 1)-th highest ack.
    const committed = acked[this.#majority() - 2] ?? 0
    let i = 0
    while (i < this.#waiting.length && this.#waiting[i]!.round <= committed) {
      const w = this.#waiting[i++]!
      this.#respond(ctx, w.client, w.id, w.value)
    }
    if (i > 0) this.#waiting = this.#waiting.slice(i)
  }

  #respond(ctx: Context, client: string, id: number, value: number | null): void {
    ctx.send(client, { type: 'response', id, value } satisfies KvMessage)
  }

  #majority(): number {
    return Math.floor((this.#peers.length + 1) / 2) + 1
  }

  #isMajority(n: number): boolean {
    return n >= this.#majority()
  }

  /** Is this replica's store stamped later than `(term, seq)`? */
  #newerThan(term: number, seq: number): boolean {
    return this.stampTerm > term || (this.stampTerm === term && this.stampSeq > seq)
  }

  /** Is this replica's store stamped earlier than `(term, seq)`? */
  #olderThan(term: number, seq: number): boolean {
    return this.stampTerm < term || (this.stampTerm === term && this.stampSeq < seq)
  }

  #resetElectionTimer(ctx: Context): void {
    const [lo, hi] = this.#timeout
    ctx.setTimer('election', lo + ctx.random() * (hi - lo))
  }
}

/** Timing of a client, in virtual ms. */
export interface ClientTiming {
  /** Pause between a response (or a timeout) and the next request, drawn uniformly. Default 5-15. */
  readonly think?: readonly [number, number]
  /** How long a client waits for a response before it gives up on a request. Default 50. */
  readonly timeout?: number
  /** No request is made at or after this time. Default: none. */
  readonly until?: number
}

/** The keys the clients use. */
export const KEYS: readonly string[] = ['x', 'y']

/**
 * A client: one request at a time to its home replica, a `get` or a `put` of a key chosen at
 * random; client `i` puts the values `100 i + 1`, `100 i + 2`, …, so a value names its write.
 */
export class Client extends BaseNode {
  readonly home: string
  // TEMPORARY until the history recorder lands: what the client saw.
  readonly ops: { input: Request; call: number; output: number | null; return: number }[] = []
  readonly #base: number
  readonly #think: readonly [number, number]
  readonly #timeout: number
  readonly #until: number
  #id = 0
  #puts = 0
  #pending: { id: number; request: Request; call: number } | undefined = undefined

  constructor(home: string, index: number, timing: ClientTiming = {}) {
    super()
    this.home = home
    this.#base = 100 * index
    this.#think = timing.think ?? [5, 15]
    this.#timeout = timing.timeout ?? 50
    this.#until = timing.until ?? Number.POSITIVE_INFINITY
  }

  override onStart(ctx: Context): void {
    this.#pause(ctx)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'request') {
      this.#makeRequest(ctx)
      return
    }
    // A timeout: the request may or may not have taken effect.
    const p = this.#pending
    if (p === undefined) return
    this.ops.push({
      input: p.request,
      call: p.call,
      output: null,
      return: Number.POSITIVE_INFINITY,
    })
    this.#pending = undefined
    this.#pause(ctx)
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    const msg = payload as KvMessage
    const p = this.#pending
    // A late response to a request this client already gave up on is ignored.
    if (msg.type !== 'response' || p === undefined || msg.id !== p.id) return
    this.ops.push({ input: p.request, call: p.call, output: msg.value, return: ctx.now() })
    this.#pending = undefined
    ctx.cancelTimer('timeout')
    this.#pause(ctx)
  }

  #makeRequest(ctx: Context): void {
    if (ctx.now() >= this.#until) return
    const key = KEYS[Math.floor(ctx.random() * KEYS.length)]!
    const request: Request =
      ctx.random() < 0.5 ? { op: 'get', key } : { op: 'put', key, value: this.#base + ++this.#puts }
    const id = ++this.#id
    this.#pending = { id, request, call: ctx.now() }
    ctx.send(this.home, {
      type: 'request',
      client: ctx.self,
      id,
      request,
    } satisfies KvMessage)
    ctx.setTimer('timeout', this.#timeout)
  }

  #pause(ctx: Context): void {
    const [lo, hi] = this.#think
    ctx.setTimer('request', lo + ctx.random() * (hi - lo))
  }
}

/** The nodes of the world: three replicas and one client per replica. */
export type KvNodes = {
  readonly n1: Replica
  readonly n2: Replica
  readonly n3: Replica
  readonly c1: Client
  readonly c2: Client
  readonly c3: Client
}

/** The replicas' addresses. */
export const REPLICAS = ['n1', 'n2', 'n3'] as const

/** Knobs of the world. */
export interface KvOptions {
  readonly replicas?: ReplicaTiming
  readonly clients?: ClientTiming
}

/** Builds a fresh world (called once per seed): client `ci` talks to replica `ni`. */
export function kvStore(reads: ReadPath, options: KvOptions = {}): () => KvNodes {
  const replica = (self: string) =>
    new Replica(
      REPLICAS.filter((r) => r !== self),
      reads,
      options.replicas,
    )
  const client = (i: number) => new Client(`n${i}`, i, options.clients ?? { until: DURATION - 100 })
  return () => ({
    n1: replica('n1'),
    n2: replica('n2'),
    n3: replica('n3'),
    c1: client(1),
    c2: client(2),
    c3: client(3),
  })
}

/** Virtual ms each run lasts. */
export const DURATION = 1_800

/**
 * Each replica in turn is cut off, with its client, from the other two for 300 ms, with 200 ms
 * of calm in between. Whoever the seed makes leader, some partition isolates it, and some
 * partition isolates a follower.
 */
export const isolateEachInTurn: FaultSchedule = new FaultSchedule()
  .partition(
    [
      ['n1', 'c1'],
      ['n2', 'n3', 'c2', 'c3'],
    ],
    { from: 300, until: 600 },
  )
  .partition(
    [
      ['n2', 'c2'],
      ['n1', 'n3', 'c1', 'c3'],
    ],
    { from: 800, until: 1_100 },
  )
  .partition(
    [
      ['n3', 'c3'],
      ['n1', 'n2', 'c1', 'c2'],
    ],
    { from: 1_300, until: 1_600 },
  )

/** Latency of 1-2 ms: jitter reorders messages, but no stale read happens without a partition. */
export const network: NetworkModel = new NetworkModel({ minLatency: 1, maxLatency: 2 })
