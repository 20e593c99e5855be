/**
 * Leader election by majority vote, model first. Nodes move through numbered terms; a node that
 * hears from no leader times out, starts the next term as a candidate and votes for itself; a
 * candidate with votes from a majority becomes the term's leader. Votes are modelled as atomic
 * steps (the request and the grant in one step); the simulation in `leader-election.nodes.ts`
 * runs the same protocol over messages and is held to this model by refinement.
 *
 * Two properties: Election Safety (at most one leader per term, over the whole history) and
 * progress (eventually some node is leader). Three voting policies:
 * - `vote-twice` (the safety bug): a node votes for every candidate of its term;
 * - `once`: one vote per term. Safe, but candidates that split the votes can stay split;
 * - `yield` (the fix): one vote per term, and a candidate that meets a higher-ranked candidate
 *   of its own term withdraws and gives it its vote: the tie-break of Garcia-Molina's bully
 *   algorithm ("the node with the highest priority wins").
 *
 * Terms are bounded by `maxTerm` so the model is finite: after the last term's timeouts no
 * node starts another election, which is the "timeouts eventually stop firing too soon"
 * assumption of partial synchrony made concrete.
 */
import { type ComponentContext, component, compose, localAction, type Model } from '@musil/core'

/** What a node is doing. */
export type Role = 'follower' | 'candidate' | 'leader'

/** The voting policy. */
export type VotePolicy = 'vote-twice' | 'once' | 'yield'

/** One node: its current term and role. */
export interface NodeState {
  readonly term: number
  readonly role: Role
}

/** A vote cast in a term, as `term: voter → candidate` (readable in a trace, cheap to look up). */
export function ballot(term: number, voter: string, cand: string): string {
  return `${term}: ${voter} → ${cand}`
}

/** What the nodes share: the history of the election. */
export interface Shared {
  /** Every vote ever cast (a candidate's vote for itself included), as {@link ballot}s. */
  readonly ballots: ReadonlySet<string>
  /** Every election won, as `term: node`: Election Safety speaks about this history. */
  readonly elected: ReadonlySet<string>
}

/** The cluster: every node (the component `nodes`, by id) and the shared history. */
export interface Cluster extends Shared {
  readonly nodes: Readonly<Record<string, NodeState>>
}

/** Options of {@link leaderElection}. */
export interface LeaderElectionOptions {
  /** Cluster size (default 3). */
  readonly nodes?: number
  /** The last term any node may start (default 2). */
  readonly maxTerm?: number
  /** The voting policy (default `yield`). */
  readonly policy?: VotePolicy
}

/** Node ids `n1`..`nN`: a higher number ranks higher in the `yield` tie-break. */
export function nodeIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`)
}

const rank = (id: string): number => Number(id.slice(1))

/** `term: id`, an entry of `elected`. */
export const electedIn = (term: number, id: string): string => `${term}: ${id}`

/** Election Safety: no term has two leaders, over the whole history. */
export function oneLeaderPerTerm(s: Cluster): boolean {
  const terms = [...s.elected].map((e) => e.slice(0, e.indexOf(':')))
  return new Set(terms).size === terms.length
}

/** The progress goal: some node is leader. */
export function hasLeader(s: Cluster): boolean {
  return Object.values(s.nodes).some((n) => n.role === 'leader')
}

/** Whether `voter` has voted for `cand` in `term`. */
export const voted = (s: Cluster, term: number, voter: string, cand: string): boolean =>
  s.ballots.has(ballot(term, voter, cand))

const castBallot = (s: Cluster, term: number, voter: string, cand: string): ReadonlySet<string> =>
  voted(s, term, voter, cand) ? s.ballots : new Set(s.ballots).add(ballot(term, voter, cand))

/** The election as a model over `nodes` nodes and terms 1..`maxTerm`. */
export function leaderElection({
  nodes = 3,
  maxTerm = 2,
  policy = 'yield',
}: LeaderElectionOptions = {}): Model<Cluster> {
  if (!Number.isInteger(nodes) || nodes < 2) {
    throw new RangeError(`leaderElection: nodes must be an integer of at least 2, got ${nodes}`)
  }
  if (!Number.isInteger(maxTerm) || maxTerm < 1) {
    throw new RangeError(`leaderElection: maxTerm must be an integer of at least 1, got ${maxTerm}`)
  }
  if (policy !== 'vote-twice' && policy !== 'once' && policy !== 'yield') {
    throw new RangeError(
      `leaderElection: policy must be 'vote-twice', 'once' or 'yield', got ${JSON.stringify(policy)}`,
    )
  }
  const ids = nodeIds(nodes)
  const terms = Array.from({ length: maxTerm }, (_, t) => t + 1)
  // A voter's requests to consider: every candidate (not itself: the guard), every term.
  const requests = ids.flatMap((cand) => terms.map((t) => [cand, t] as const))
  const majority = Math.floor(nodes / 2) + 1
  // A message of term t exists only if some candidate started term t (and voted for itself):
  // guards read the history, so a request or heartbeat still in flight after its sender moved
  // on is covered, as the simulation needs.
  const requested = (s: Cluster, t: number, cand: string) => voted(s, t, cand, cand)
  const hasVoted = (s: Cluster, t: number, voter: string) =>
    ids.some((cand) => voted(s, t, voter, cand))
  const votesFor = (s: Cluster, t: number, cand: string) =>
    ids.filter((voter) => voted(s, t, voter, cand)).length
  /** May `voter` grant `cand`'s request of term `t`? */
  const mayGrant = (s: Cluster, voter: string, cand: string, t: number): boolean => {
    const v = s.nodes[voter]!
    if (!requested(s, t, cand) || v.term > t || voted(s, t, voter, cand)) return false
    if (v.term < t) return true // a newer term: the voter has not voted in it yet
    if (policy === 'vote-twice') return v.role !== 'leader'
    return !hasVoted(s, t, voter)
  }
  // A node's local action family whose functions read the composed state as a Cluster.
  const local = <P>(
    name: string,
    domain: (self: NodeState, s: Cluster) => Iterable<P>,
    guard: (self: NodeState, s: Cluster, id: string, p: P) => boolean,
    effect: (self: NodeState, ctx: ComponentContext<Shared>, s: Cluster, p: P) => NodeState,
  ) =>
    localAction.each<NodeState, Shared, P>(
      name,
      (self, view) => domain(self, view.state as unknown as Cluster),
      (self, view, p) => guard(self, view.state as unknown as Cluster, view.id, p),
      (self, ctx, p) => effect(self, ctx, ctx.state as unknown as Cluster, p),
    )
  const node = component<NodeState, Shared>({
    name: 'nodes',
    ids,
    init: { term: 0, role: 'follower' },
    actions: [
      // Heard from no leader: start the next term as a candidate, voting for itself.
      localAction<NodeState, Shared>(
        'timeout',
        (self) => self.role !== 'leader' && self.term < maxTerm,
        (self, ctx) => {
          const term = self.term + 1
          ctx.set('ballots', castBallot(ctx.state as unknown as Cluster, term, ctx.id, ctx.id))
          return { term, role: 'candidate' }
        },
      ),
      // The voter grants the candidate's request of term t (a newer term makes it a follower).
      local<readonly [string, number]>(
        'vote',
        () => requests,
        (_, s, voter, [cand, t]) => voter !== cand && mayGrant(s, voter, cand, t),
        (self, ctx, s, [cand, t]) => {
          ctx.set('ballots', castBallot(s, t, ctx.id, cand))
          return self.term < t ? { term: t, role: 'follower' } : self
        },
      ),
      // A candidate with a majority's votes wins its term.
      localAction<NodeState, Shared>(
        'becomeLeader',
        (self, { id, state }) =>
          self.role === 'candidate' &&
          votesFor(state as unknown as Cluster, self.term, id) >= majority,
        (self, ctx) => {
          ctx.set('elected', new Set(ctx.state.elected).add(electedIn(self.term, ctx.id)))
          return { ...self, role: 'leader' }
        },
      ),
      // A node hears of a newer term (any message carries its sender's term) and follows in it.
      local<number>(
        'catchUp',
        () => terms,
        (self, s, _, t) => t > self.term && ids.some((j) => requested(s, t, j)),
        (_, __, ___, t) => ({ term: t, role: 'follower' }),
      ),
      // A candidate hears from the leader of its own term and follows it.
      localAction<NodeState, Shared>(
        'follow',
        (self, { state }) =>
          self.role === 'candidate' && ids.some((j) => state.elected.has(electedIn(self.term, j))),
        (self) => ({ ...self, role: 'follower' }),
      ),
      ...(policy === 'yield'
        ? [
            // The bully tie-break: a candidate gets the request of a higher-ranked candidate of
            // its own term, withdraws and gives it its vote.
            local<string>(
              'yield',
              () => ids,
              (self, s, i, j) =>
                rank(j) > rank(i) && self.role === 'candidate' && requested(s, self.term, j),
              (self, ctx, s, j) => {
                ctx.set('ballots', castBallot(s, self.term, ctx.id, j))
                return { ...self, role: 'follower' }
              },
            ),
          ]
        : []),
    ],
  })
  // The composed state is exactly a Cluster: the component's records under `nodes`, and the
  // shared history.
  return compose<Shared>({
    name: `leader-election(${nodes} nodes, terms 1..${maxTerm}, ${policy})`,
    components: [node],
    shared: { ballots: new Set(), elected: new Set() },
    invariants: { oneLeaderPerTerm: (s) => oneLeaderPerTerm(s as unknown as Cluster) },
    // Any state may be where the election stops (no term left to start, nobody able to vote or
    // win): that it stops without a leader is the liveness question checkLiveness asks, so a
    // stopped state is no deadlock for check.
    terminal: () => true,
  }) as unknown as Model<Cluster>
}
