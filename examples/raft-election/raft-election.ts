/**
 * Raft leader election (Ongaro & Ousterhout, 2014, section 5.2), election only: terms,
 * RequestVote, majority, heartbeats. Log replication, persistence and membership changes are
 * out of scope. Each node is real async/await code that talks to the network through an
 * `Endpoint`, as it would through a socket.
 *
 * The `buggy` flag removes the one-vote-per-term rule: a node then grants its vote to every
 * candidate of its current term. Two candidates of the same term can each collect a majority,
 * and Election Safety ("at most one leader can be elected in a given term") breaks.
 */
import type { Endpoint, FaultHandle, Message, World } from '@musil/core'

/** The messages of the election. */
export type RaftMessage =
  | { readonly type: 'requestVote'; readonly term: number }
  | { readonly type: 'vote'; readonly term: number; readonly granted: boolean }
  | { readonly type: 'heartbeat'; readonly term: number }

/** What a node is doing. */
export type Role = 'follower' | 'candidate' | 'leader'

/** Knobs of the election; the defaults follow the Raft paper and seedloop's demo. */
export interface ElectionOptions {
  /** Drop the one-vote-per-term rule (the classic bug). Default false. */
  readonly buggy?: boolean
  /** Cluster size. Default 3. */
  readonly nodes?: number
  /** Virtual ms to run. Default 3,000. */
  readonly duration?: number
  /** Leader heartbeat period in ms. Default 50. */
  readonly heartbeat?: number
  /** Election timeout bounds in ms, drawn uniformly from `world.rng` at every reset. Default 150-300. */
  readonly electionTimeout?: readonly [number, number]
  /** Fault handles for the run (e.g. `(world) => [world.faults.partition()]`). Default none. */
  readonly faults?: (world: World) => readonly FaultHandle[]
}

/** One Raft node: its state, and its event loop (`run`). */
export class RaftNode {
  readonly id: string
  role: Role = 'follower'
  term = 0
  votedFor: string | undefined = undefined
  /** Terms in which this node became leader: the history Election Safety is about. */
  readonly ledTerms: number[] = []
  readonly #peers: readonly string[]
  readonly #world: World
  readonly #endpoint: Endpoint
  readonly #buggy: boolean
  readonly #heartbeat: number
  readonly #timeout: readonly [number, number]
  readonly #votes = new Set<string>()
  #deadline = 0

  constructor(id: string, peers: readonly string[], world: World, options: ElectionOptions) {
    this.id = id
    this.#peers = peers
    this.#world = world
    this.#endpoint = world.net.bind(id)
    this.#buggy = options.buggy === true
    this.#heartbeat = options.heartbeat ?? 50
    this.#timeout = options.electionTimeout ?? [150, 300]
  }

  /** The node's event loop: wait for a message until the next timeout, then react. */
  async run(): Promise<void> {
    const world = this.#world
    this.#resetElectionTimer()
    for (;;) {
      const msg = await this.#endpoint.recv({ timeout: Math.max(0, this.#deadline - world.now()) })
      if (msg !== undefined) this.#handle(msg)
      else if (this.role === 'leader') this.#sendHeartbeats()
      else this.#startElection()
    }
  }

  #resetElectionTimer(): void {
    const [lo, hi] = this.#timeout
    this.#deadline = this.#world.now() + lo + this.#world.rng.random() * (hi - lo)
  }

  #broadcast(message: RaftMessage): void {
    for (const peer of this.#peers) this.#endpoint.send(peer, message)
  }

  #startElection(): void {
    this.term++
    this.role = 'candidate'
    this.votedFor = this.id
    this.#votes.clear()
    this.#votes.add(this.id)
    this.#resetElectionTimer()
    this.#broadcast({ type: 'requestVote', term: this.term })
  }

  #becomeLeader(): void {
    this.role = 'leader'
    this.ledTerms.push(this.term)
    this.#world.record({ leader: this.id, term: this.term })
    this.#sendHeartbeats()
  }

  #sendHeartbeats(): void {
    this.#broadcast({ type: 'heartbeat', term: this.term })
    this.#deadline = this.#world.now() + this.#heartbeat
  }

  #handle({ src, payload }: Message): void {
    const msg = payload as RaftMessage
    if (msg.term > this.term) {
      // A newer term: whatever we were, we are now a follower that has not voted in it.
      const wasLeader = this.role === 'leader'
      this.term = msg.term
      this.role = 'follower'
      this.votedFor = undefined
      if (wasLeader) this.#resetElectionTimer()
    }
    switch (msg.type) {
      case 'requestVote': {
        const mayVote = this.#buggy || this.votedFor === undefined || this.votedFor === src
        const granted = msg.term === this.term && this.role !== 'leader' && mayVote
        if (granted) {
          this.votedFor = src
          this.#resetElectionTimer()
        }
        this.#endpoint.send(src, { type: 'vote', term: this.term, granted })
        return
      }
      case 'vote': {
        if (this.role !== 'candidate' || msg.term !== this.term || !msg.granted) return
        this.#votes.add(src)
        if (this.#votes.size * 2 > this.#peers.length + 1) this.#becomeLeader()
        return
      }
      case 'heartbeat': {
        if (msg.term < this.term || this.role === 'leader') return
        this.role = 'follower'
        this.#resetElectionTimer()
        return
      }
    }
  }
}

/** Election Safety: no term has two leaders, over the whole history of the run. */
export function atMostOneLeaderPerTerm(nodes: readonly RaftNode[]): boolean {
  const seen = new Set<number>()
  for (const node of nodes) {
    for (const term of node.ledTerms) {
      if (seen.has(term)) return false
      seen.add(term)
    }
  }
  return true
}

/** The `n` nodes of a cluster on `world` (`n1` … `nn`), each with the others as its peers. */
export function raftNodes(world: World, options: ElectionOptions = {}): RaftNode[] {
  const ids = Array.from({ length: options.nodes ?? 3 }, (_, i) => `n${i + 1}`)
  return ids.map(
    (id) =>
      new RaftNode(
        id,
        ids.filter((p) => p !== id),
        world,
        options,
      ),
  )
}

/**
 * The election as an async scenario: `n` nodes on the simulated network, Election Safety
 * checked after every scheduling step, `duration` ms of virtual time. `onNodes` lets a test
 * look at the nodes afterwards.
 */
export function election(
  options: ElectionOptions = {},
  onNodes?: (nodes: readonly RaftNode[]) => void,
): (world: World) => Promise<void> {
  return async (world) => {
    const nodes = raftNodes(world, options)
    onNodes?.(nodes)
    for (const node of nodes) world.spawn(node.id, () => node.run())
    world.always(() => atMostOneLeaderPerTerm(nodes), 'atMostOneLeaderPerTerm')
    await world.runFor(options.duration ?? 3000, { faults: options.faults?.(world) ?? [] })
  }
}
