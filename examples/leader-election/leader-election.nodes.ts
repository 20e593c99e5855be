/**
 * The election as real node code: event-driven nodes that talk by messages under `simulate`,
 * with randomised election timeouts and heartbeats. The world the checks see is the model's
 * state (`Cluster`), built from the nodes' fields, so every run is held to `leaderElection` by
 * refinement: each step of the code must be a step of the model, or change nothing it sees.
 */
import {
  BaseNode,
  type Context,
  NetworkModel,
  type SimReport,
  type SimulateOptions,
  simulate,
} from '@musil/core'
import {
  ballot,
  type Cluster,
  electedIn,
  hasLeader,
  leaderElection,
  nodeIds,
  oneLeaderPerTerm,
  type Role,
  type VotePolicy,
} from './leader-election.ts'

/** The messages of the election; each carries its sender's term. */
export type ElectionMessage =
  | { readonly type: 'requestVote'; readonly term: number }
  | { readonly type: 'vote'; readonly term: number; readonly granted: boolean }
  | { readonly type: 'heartbeat'; readonly term: number }

/** Timing of a node, in virtual ms. */
export interface ElectionTiming {
  /** Election timeout, drawn uniformly from this range at every reset. Default 150-300. */
  readonly electionTimeout: readonly [number, number]
  /** Leader heartbeat period. Default 50. */
  readonly heartbeat: number
}

const TIMING: ElectionTiming = { electionTimeout: [150, 300], heartbeat: 50 }

const rank = (id: string): number => Number(id.slice(1))

/** One node of the election. */
export class ElectionNode extends BaseNode {
  term = 0
  role: Role = 'follower'
  votedFor: string | undefined = undefined
  /** Every vote this node cast, and the terms it led: the history the checks read. */
  readonly ballots: string[] = []
  readonly ledTerms: number[] = []
  readonly #peers: readonly string[]
  readonly #policy: VotePolicy
  readonly #maxTerm: number
  readonly #timing: ElectionTiming
  readonly #grants = new Set<string>()

  constructor(
    peers: readonly string[],
    policy: VotePolicy,
    maxTerm: number,
    timing: ElectionTiming = TIMING,
  ) {
    super()
    this.#peers = peers
    this.#policy = policy
    this.#maxTerm = maxTerm
    this.#timing = timing
  }

  override onStart(ctx: Context): void {
    this.#resetElectionTimer(ctx)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'heartbeat' && this.role === 'leader') {
      this.#broadcast(ctx, { type: 'heartbeat', term: this.term })
      ctx.setTimer('heartbeat', this.#timing.heartbeat)
    } else if (name === 'election' && this.role !== 'leader' && this.term < this.#maxTerm) {
      this.#startElection(ctx)
    }
  }

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    const msg = payload as ElectionMessage
    if (msg.term > this.term) {
      // A newer term: whatever we were, we are now a follower that has not voted in it.
      this.term = msg.term
      this.role = 'follower'
      this.votedFor = undefined
      this.#resetElectionTimer(ctx)
    }
    switch (msg.type) {
      case 'requestVote':
        this.#onRequest(ctx, src, msg.term)
        return
      case 'vote':
        if (this.role === 'candidate' && msg.term === this.term && msg.granted) {
          this.#grants.add(src)
          if (this.#grants.size * 2 > this.#peers.length + 1) this.#becomeLeader(ctx)
        }
        return
      case 'heartbeat':
        if (msg.term === this.term && this.role === 'candidate') this.role = 'follower'
        if (msg.term === this.term) this.#resetElectionTimer(ctx)
        return
    }
  }

  #onRequest(ctx: Context, src: string, term: number): void {
    let granted = false
    if (term === this.term) {
      if (this.#policy === 'yield' && this.role === 'candidate' && rank(src) > rank(ctx.self)) {
        // The bully tie-break: withdraw in favour of the higher-ranked candidate.
        this.role = 'follower'
        granted = true
      } else if (this.#policy === 'vote-twice') {
        granted = this.role !== 'leader' && this.votedFor !== src
      } else {
        granted = this.votedFor === undefined
      }
    }
    if (granted) {
      this.votedFor = src
      this.ballots.push(ballot(term, ctx.self, src))
      this.#resetElectionTimer(ctx)
    }
    ctx.send(src, { type: 'vote', term: this.term, granted })
  }

  #startElection(ctx: Context): void {
    this.term++
    this.role = 'candidate'
    this.votedFor = ctx.self
    this.ballots.push(ballot(this.term, ctx.self, ctx.self))
    this.#grants.clear()
    this.#grants.add(ctx.self)
    this.#resetElectionTimer(ctx)
    this.#broadcast(ctx, { type: 'requestVote', term: this.term })
  }

  #becomeLeader(ctx: Context): void {
    this.role = 'leader'
    this.ledTerms.push(this.term)
    ctx.cancelTimer('election')
    this.#broadcast(ctx, { type: 'heartbeat', term: this.term })
    ctx.setTimer('heartbeat', this.#timing.heartbeat)
  }

  #resetElectionTimer(ctx: Context): void {
    const [lo, hi] = this.#timing.electionTimeout
    ctx.setTimer('election', lo + ctx.random() * (hi - lo))
  }

  #broadcast(ctx: Context, message: ElectionMessage): void {
    for (const peer of this.#peers) ctx.send(peer, message)
  }
}

/** The nodes of one world, by id. */
export type ElectionNodes = Readonly<Record<string, ElectionNode>>

/** Options of the simulated election. */
export interface SimulatedElectionOptions {
  readonly policy: VotePolicy
  /** Cluster size (default 3). */
  readonly nodes?: number
  /** The last term a node may start, as in the model (default 2). */
  readonly maxTerm?: number
}

/** Builds a fresh cluster (called once per seed). */
export function electionNodes({
  policy,
  nodes = 3,
  maxTerm = 2,
}: SimulatedElectionOptions): () => ElectionNodes {
  const ids = nodeIds(nodes)
  return () =>
    Object.fromEntries(
      ids.map((id) => [
        id,
        new ElectionNode(
          ids.filter((p) => p !== id),
          policy,
          maxTerm,
        ),
      ]),
    )
}

/** What the checks see: the model's state, read from the nodes' fields. */
export function clusterOf(nodes: ElectionNodes): Cluster {
  const entries = Object.entries(nodes)
  return {
    nodes: Object.fromEntries(entries.map(([id, n]) => [id, { term: n.term, role: n.role }])),
    ballots: new Set(entries.flatMap(([, n]) => n.ballots)),
    elected: new Set(entries.flatMap(([id, n]) => n.ledTerms.map((t) => electedIn(t, id)))),
  }
}

/** A network with 1-20 ms of latency: messages overtake each other. */
export const jitteryNetwork: NetworkModel = new NetworkModel({ minLatency: 1, maxLatency: 20 })

/** The simulation's options: Election Safety checked after every step, the model refined. */
export function electionOptions(
  options: SimulatedElectionOptions,
): Omit<SimulateOptions<ElectionNodes, Cluster, Cluster>, 'seeds'> {
  const { policy, nodes = 3, maxTerm = 2 } = options
  return {
    snapshot: clusterOf,
    network: jitteryNetwork,
    invariants: { oneLeaderPerTerm },
    model: leaderElection({ nodes, maxTerm, policy }),
    abstraction: (w) => w,
    goal: hasLeader,
    goalName: 'a leader',
    maxTime: 1_000,
  }
}

/** Simulates the election over `seeds`. */
export function simulateElection(
  options: SimulatedElectionOptions,
  seeds: number | Iterable<number> = 200,
): SimReport<Cluster> {
  return simulate(electionNodes(options), { seeds, ...electionOptions(options) })
}
