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
import {
  BaseNode,
  type Context,
  FaultSchedule,
  type KeyValueInput,
  type KeyValueOutput,
  keyValueSpec,
  NetworkModel,
  type PendingOperation,
  type SequentialSpec,
  type SimReport,
  type SimulateOptions,
  simulate,
} from '@musil/core'

/** Where a `get` is answered. */
export type ReadPath = 'follower' | 'leader' | 'read-index'

/** A store: key to value. Replaced, never mutated, so a sent copy stays what it was. */
export type Store = Readonly<Record<string, string>>

/** What a client asks: the `get` and `put` of musil's key-value spec (`keyValueSpec`). */
export type Request = Extract<KeyValueInput, { readonly op: 'get' | 'put' }>

/** The messages of the store. */
export type KvMessage =
  | {
      readonly type: 'request'
      readonly client: string
      readonly id: number
      readonly request: Request
    }
  /** The answer to request `id`: the value read (`''` for a missing key), nothing for a put. */
  | { readonly type: 'response'; readonly id: number; readonly value: KeyValueOutput }
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
  /** The longest a leader stays silent: it sends an `append` at least this often. Default 20. */
  readonly heartbeat?: number
  /** Election timeout bounds, drawn from `ctx.random()` at every reset. Default 150-300. */
  readonly electionTimeout?: readonly [number, number]
  /** Bounds of the first election timeout, after the start. Default: `electionTimeout`. */
  readonly firstElection?: readonly [number, number]
}

/** A request the leader answers once a majority has acknowledged round `round`. */
interface Waiting {
  readonly round: number
  readonly client: string
  readonly id: number
  readonly value: KeyValueOutput
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
  readonly #firstTimeout: readonly [number, number]
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
    this.#timeout = timing.electionTimeout ?? [150, 300]
    this.#firstTimeout = timing.firstElection ?? this.#timeout
  }

  override onStart(ctx: Context): void {
    this.#resetElectionTimer(ctx, this.#firstTimeout)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'heartbeat' && this.role === 'leader') {
      this.#sendRound(ctx)
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
        // A late append from this replica's own earlier term is refused but acked with the
        // current term; rounds only grow, so its round is below every round of this term.
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
      // Follower reads: whoever the client asks answers from its own copy.
      this.#respond(ctx, msg.client, msg.id, this.store[request.key] ?? '')
      return
    }
    if (this.role !== 'leader') {
      // Forward once, to the leader this replica knows of; a forwarded request that meets a
      // replica which is no longer the leader is dropped, and the client times out.
      if (src === msg.client && this.leader !== undefined) ctx.send(this.leader, msg)
      return
    }
    if (request.op === 'get') {
      const value = this.store[request.key] ?? ''
      if (this.#reads === 'leader') {
        // Leader reads: the leader answers from its own copy, without asking anyone.
        this.#respond(ctx, msg.client, msg.id, value)
      } else {
        // Read-index: the answer waits for a majority to acknowledge a round sent now.
        const round = this.#sendRound(ctx)
        this.#waiting.push({ round, client: msg.client, id: msg.id, value })
      }
      return
    }
    this.store = { ...this.store, [request.key]: request.value }
    this.stampSeq++
    const round = this.#sendRound(ctx)
    this.#waiting.push({ round, client: msg.client, id: msg.id, value: undefined })
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
  }

  /** Sends the whole store to every peer as round `n`, and arms the next heartbeat; returns `n`. */
  #sendRound(ctx: Context): number {
    ctx.setTimer('heartbeat', this.#heartbeat)
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

  #respond(ctx: Context, client: string, id: number, value: KeyValueOutput): void {
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

  #resetElectionTimer(ctx: Context, [lo, hi] = this.#timeout): void {
    // Whole milliseconds keep the traces readable.
    ctx.setTimer('election', Math.round(lo + ctx.random() * (hi - lo)))
  }
}

/** A client's knobs, in virtual ms. */
export interface ClientOptions {
  /** When the first request is made. Default 100, after the first election. */
  readonly start?: number
  /** No request is made at or after this time. Default 700. */
  readonly stop?: number
  /** Pause between a response (or a timeout) and the next request, drawn uniformly. Default 5-25. */
  readonly think?: readonly [number, number]
  /** How long the client waits for a response before it gives up on a request. Default 20. */
  readonly timeout?: number
  /** How much longer it pauses after a request it gave up on. Default 50. */
  readonly backoff?: number
}

/** The keys the clients use. */
export const KEYS: readonly string[] = ['x', 'y']

/**
 * A client: requests from `start` to `stop`, one at a time, to its home replica, each a `get` or a `put` of
 * a key drawn at random. Client `ci` puts the values `i01`, `i02`, …, so a value names its
 * write. Every request is recorded in the run's history (`ctx.history`) as Jepsen records one:
 * invoked when sent, `ok` with the response; a `put` without a response in time has an unknown
 * outcome (`info`): it may still take effect.
 */
export class Client extends BaseNode {
  readonly home: string
  readonly #index: number
  readonly #start: number
  readonly #stop: number
  readonly #think: readonly [number, number]
  readonly #timeout: number
  readonly #backoff: number
  #id = 0
  #puts = 0
  /** The request in flight, and its record in the history. */
  #pending:
    | { readonly op: Request['op']; readonly record: PendingOperation<KeyValueOutput> }
    | undefined = undefined

  constructor(home: string, index: number, options: ClientOptions = {}) {
    super()
    this.home = home
    this.#index = index
    this.#start = options.start ?? 100
    this.#stop = options.stop ?? 700
    this.#think = options.think ?? [5, 25]
    this.#timeout = options.timeout ?? 20
    this.#backoff = options.backoff ?? 50
  }

  override onStart(ctx: Context): void {
    ctx.setTimer('request', this.#start)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'request') {
      this.#request(ctx)
      return
    }
    // No response in time. A put may or may not have taken effect: its outcome is unknown. A get
    // changes nothing, so one without an answer is left out of the history (Jepsen records it as
    // failed too): an unknown outcome would only give the checker one more operation to place.
    if (this.#pending?.op === 'get') this.#pending.record.fail()
    else this.#pending?.record.info()
    this.#next(ctx, this.#backoff)
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    const msg = payload as KvMessage
    // A late response to a request this client already gave up on is ignored.
    if (msg.type !== 'response' || msg.id !== this.#id || this.#pending === undefined) return
    this.#pending.record.ok(msg.value)
    ctx.cancelTimer('timeout')
    this.#next(ctx, 0)
  }

  #request(ctx: Context): void {
    const key = KEYS[Math.floor(ctx.random() * KEYS.length)]!
    const request: Request =
      ctx.random() < 0.5
        ? { op: 'get', key }
        : { op: 'put', key, value: `${this.#index}${String(++this.#puts).padStart(2, '0')}` }
    this.#pending = { op: request.op, record: ctx.history.invoke(request) }
    const id = ++this.#id
    ctx.send(this.home, { type: 'request', client: ctx.self, id, request } satisfies KvMessage)
    ctx.setTimer('timeout', this.#timeout)
  }

  #next(ctx: Context, backoff: number): void {
    this.#pending = undefined
    const [lo, hi] = this.#think
    const at = ctx.now() + backoff + Math.round(lo + ctx.random() * (hi - lo))
    if (at < this.#stop) ctx.setTimer('request', at - ctx.now())
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
  readonly clients?: ClientOptions
}

/**
 * Builds a fresh world (called once per seed): client `ci` talks to replica `ni`. Replica `n1`
 * boots first (its first election timeout is 50-100 ms, the others' 150-300 ms), so it is the
 * first leader, and the fault schedule knows whom it cuts off.
 */
export function kvStore(reads: ReadPath, options: KvOptions = {}): () => KvNodes {
  const replica = (self: string, timing: ReplicaTiming = {}) =>
    new Replica(
      REPLICAS.filter((r) => r !== self),
      reads,
      { ...timing, ...options.replicas },
    )
  const client = (i: number) => new Client(`n${i}`, i, options.clients)
  return () => ({
    n1: replica('n1', { firstElection: [50, 100] }),
    n2: replica('n2'),
    n3: replica('n3'),
    c1: client(1),
    c2: client(2),
    c3: client(3),
  })
}

/** Latency of 1-2 ms: jitter reorders messages, but no stale read happens without a partition. */
export const network: NetworkModel = new NetworkModel({ minLatency: 1, maxLatency: 2 })

/**
 * The follower `n3` and its client cut off from the rest for 90 ms: too short for `n3` to time
 * out and start an election (its timeout is at least 150 ms after the last `append`, and the
 * leader sends one at least every 50 ms), so `n1` still leads when it heals.
 */
export const followerCutOff: FaultSchedule = new FaultSchedule().partition(
  [
    ['n3', 'c3'],
    ['n1', 'n2', 'c1', 'c2'],
  ],
  { from: 120, until: 210 },
)

/**
 * The leader `n1` and its client cut off from the rest for 350 ms: long enough for `n2` and
 * `n3` to elect a new leader and write through it, while `n1` still believes it leads.
 */
export const leaderCutOff: FaultSchedule = new FaultSchedule().partition(
  [
    ['n1', 'c1'],
    ['n2', 'n3', 'c2', 'c3'],
  ],
  { from: 300, until: 650 },
)

/** Both partitions, one after the other: a follower cut off, then the leader. */
export const bothCutOffs: FaultSchedule = new FaultSchedule([
  ...followerCutOff.faults,
  ...leaderCutOff.faults,
])

/** Virtual ms a run lasts: the clients stop at 700 ms, and their last request times out by 750. */
export const DURATION = 750

/** The design the store must implement: a map of keys to strings, `''` before any put. */
export const kvSpec: SequentialSpec<string, KeyValueInput, KeyValueOutput> = keyValueSpec()

/** What the checks see of a world: each replica's role and term. */
export type KvWorld = Readonly<Record<(typeof REPLICAS)[number], `${Role} ${number}`>>

/** The world as `simulate` sees it. */
export function kvSnapshot(nodes: KvNodes): KvWorld {
  const at = (r: Replica) => `${r.role} ${r.term}` as const
  return { n1: at(nodes.n1), n2: at(nodes.n2), n3: at(nodes.n3) }
}

/** `simulate` options of the chapter, but the seeds and the faults: the network and the check. */
export const kvOptions = {
  snapshot: kvSnapshot,
  network,
  maxTime: DURATION,
  linearizable: kvSpec,
} satisfies Omit<SimulateOptions<KvNodes, KvWorld>, 'seeds'>

/**
 * Simulates the store with `reads` over `seeds` (default 500) under `faults` (default both
 * partitions), every run's history checked against {@link kvSpec}.
 */
export function simulateKv(
  reads: ReadPath,
  seeds: number | Iterable<number> = 500,
  faults: FaultSchedule = bothCutOffs,
): SimReport<KvWorld> {
  return simulate(kvStore(reads), { ...kvOptions, seeds, faults })
}
