/**
 * Single-decree Paxos, a line-by-line port of Lamport's TLA+ `Paxos` specification
 * (tlaplus/Examples, specifications/Paxos/Paxos.tla), the algorithm of "Paxos Made Simple",
 * composed from its roles: acceptors, and one proposer per ballot.
 *
 * As in the TLA+ spec, the network is the set of every message ever sent: a `set` channel. A
 * message is never consumed, so it can be received any number of times (duplication) or never
 * (loss), and in any order. A message's sender and receiver are the envelope's `from` and `to`:
 * the TLA+ field `acc` of 1b and 2b messages is their `from`, and a broadcast 1a or 2a (one
 * envelope per acceptor, sent in one step) is the spec's one message. Proposers keep no state:
 * any ballot's phase 1a and 2a may happen at any time, which covers every proposer crash. A
 * value is chosen when a quorum of acceptors has voted for it in one ballot.
 *
 * The `skipPhase1` flag is the classic bug: a proposer sends its 2a ("accept") for any value
 * without waiting for a quorum of 1b promises, so it cannot learn of a value already chosen.
 */
import {
  type ChannelValue,
  type Composed,
  type ComposeSpec,
  channel,
  component,
  compose,
  type Envelope,
  localAction,
  type Model,
} from '@musil/core'

/** TLA+'s `None`: an acceptor that has not voted has no value. */
export const NONE = 'None'

/** The messages of `Paxos.tla`; `acc` is the envelope's sender. */
export type PaxosMessage =
  | { readonly type: '1a'; readonly bal: number }
  | { readonly type: '1b'; readonly bal: number; readonly mbal: number; readonly mval: string }
  | { readonly type: '2a'; readonly bal: number; readonly val: string }
  | { readonly type: '2b'; readonly bal: number; readonly val: string }

/** What the roles share: every message sent. */
export type Network = { readonly msgs: ChannelValue<PaxosMessage> }

/** An acceptor's variables (`maxBal[a]`, `maxVBal[a]`, `maxVal[a]` in the spec). */
export interface Acceptor {
  /** The highest ballot promised (-1: none). */
  readonly maxBal: number
  /** The ballot of the latest vote (-1: none). */
  readonly maxVBal: number
  /** The value of the latest vote (`None`: none). */
  readonly maxVal: string
}

/** The state of the composed model: `s.acceptor[a]`, `s.proposer[p]` and `s.msgs`. */
export type PaxosState = Composed<Network>

/** A configuration: TLC's constants. */
export interface PaxosConfig {
  /** `Acceptor`. */
  readonly acceptors: readonly string[]
  /** `Value`. */
  readonly values: readonly string[]
  /** `Ballot`, as `0..maxBallot` (MCPaxos overrides `Nat` this way). */
  readonly maxBallot: number
  /** `Quorum`; default: every majority of the acceptors. */
  readonly quorums?: readonly (readonly string[])[]
  /** Let phase 2a skip phase 1 (the bug). Default false. */
  readonly skipPhase1?: boolean
}

/**
 * The configuration of MCPaxos.cfg in tlaplus/Examples: one acceptor, one value, ballots 0..1.
 * Its manifest.json records TLC's count: 25 distinct states, 82 generated, depth 9.
 */
export const MC_PAXOS: PaxosConfig = { acceptors: ['a1'], values: ['v1'], maxBallot: 1 }

/** Three acceptors, two values, ballots 0..1: the smallest configuration where two values can be chosen. */
export const THREE_ACCEPTORS: PaxosConfig = {
  acceptors: ['a1', 'a2', 'a3'],
  values: ['v1', 'v2'],
  maxBallot: 1,
}

/** Every majority of `acceptors` (TLC's `Quorum` for the usual configurations). */
export function majorities(acceptors: readonly string[]): string[][] {
  const out: string[][] = []
  const need = Math.floor(acceptors.length / 2) + 1
  for (let mask = 1; mask < 1 << acceptors.length; mask++) {
    const q = acceptors.filter((_, i) => (mask >> i) & 1)
    if (q.length >= need) out.push(q)
  }
  return out
}

/** The messages of the network. */
export const msgs = channel<PaxosMessage>({ name: 'msgs', kind: 'set' })

/** The proposer of ballot `b`: `p0`, `p1`, ... */
export const proposerOf = (b: number): string => `p${b}`

/** The messages of one network value, by type: states are immutable, so this is computed once. */
const byType = new WeakMap<object, Map<string, Envelope<PaxosMessage>[]>>()

/** Every message of type `type`, with its sender. */
function sent<T extends PaxosMessage['type']>(
  s: PaxosState,
  type: T,
): Envelope<Extract<PaxosMessage, { type: T }>>[] {
  let groups = byType.get(s.msgs)
  if (groups === undefined) {
    groups = new Map()
    for (const e of msgs.messages(s.msgs)) {
      const list = groups.get(e.msg.type)
      if (list === undefined) groups.set(e.msg.type, [e])
      else list.push(e)
    }
    byType.set(s.msgs, groups)
  }
  return (groups.get(type) ?? []) as Envelope<Extract<PaxosMessage, { type: T }>>[]
}

/** `chosen` (Voting.tla): the values a quorum has voted for in one ballot. */
export function chosenValues(s: PaxosState, quorums: readonly (readonly string[])[]): string[] {
  // Who voted for each (ballot, value).
  const voters = new Map<string, { val: string; accs: Set<string> }>()
  for (const { from, msg } of sent(s, '2b')) {
    const key = `${msg.bal} ${msg.val}`
    const entry = voters.get(key) ?? { val: msg.val, accs: new Set<string>() }
    entry.accs.add(from)
    voters.set(key, entry)
  }
  const chosen = new Set<string>()
  for (const { val, accs } of voters.values()) {
    if (quorums.some((q) => q.every((a) => accs.has(a)))) chosen.add(val)
  }
  return [...chosen].sort()
}

/** `Phase2a(b, v)`'s test on the 1b messages from quorum `q` (Paxos.tla, verbatim in meaning). */
function showsSafe(s: PaxosState, b: number, v: string, q: readonly string[]): boolean {
  const q1b = sent(s, '1b').filter((e) => q.includes(e.from) && e.msg.bal === b)
  const q1bv = q1b.filter((e) => e.msg.mbal >= 0)
  return (
    q.every((a) => q1b.some((e) => e.from === a)) &&
    (q1bv.length === 0 ||
      q1bv.some((e) => e.msg.mval === v && q1bv.every((ee) => e.msg.mbal >= ee.msg.mbal)))
  )
}

/**
 * Paxos.tla under a configuration, as a composed model. Each step is one disjunct of `Next`
 * with its witnesses: `Phase1a(p)` and `Phase2a(p, v)` are the proposer of a ballot's steps;
 * `Phase1b(a)` and `Phase2b(a)` are deliveries of a 1a or 2a message to acceptor `a` (the
 * witness `m` of `\E m \in msgs`). So `generated` counts what TLC's "states generated" counts,
 * but for `\E Q \in Quorum` in Phase2a: it sends nothing, so here it is a guard, where TLC makes
 * one successor per quorum that passes (the same with one quorum, as in MCPaxos).
 */
export function paxos(config: PaxosConfig): Model<PaxosState> {
  return compose(paxosSpec(config))
}

/** The roles and network {@link paxos} composes, for a test that adds invariants of its own. */
export function paxosSpec(config: PaxosConfig): ComposeSpec<Network> {
  const { acceptors, values, maxBallot } = config
  const quorums = config.quorums ?? majorities(acceptors)
  const ballots = Array.from({ length: maxBallot + 1 }, (_, b) => b)
  const ballotOf = (p: string) => Number(p.slice(1))

  const acceptor = component<Acceptor, Network>({
    name: 'acceptor',
    ids: acceptors,
    init: { maxBal: -1, maxVBal: -1, maxVal: NONE },
    // Phase1b takes a 1a of a higher ballot than any promised; Phase2b a 2a not below it.
    accepts: (self, { msg }) =>
      (msg.type === '1a' && msg.bal > self.maxBal) || (msg.type === '2a' && msg.bal >= self.maxBal),
    receive: (self, { msg }, ctx) => {
      if (msg.type === '1a') {
        // Phase1b(a): promise ballot bal, and report the latest vote.
        ctx.send('msgs', proposerOf(msg.bal), {
          type: '1b',
          bal: msg.bal,
          mbal: self.maxVBal,
          mval: self.maxVal,
        })
        return { ...self, maxBal: msg.bal }
      }
      // Phase2b(a): vote for (bal, val).
      const { bal, val } = msg as Extract<PaxosMessage, { type: '2a' }>
      ctx.send('msgs', proposerOf(bal), { type: '2b', bal, val })
      return { maxBal: bal, maxVBal: bal, maxVal: val }
    },
  })

  // A proposer has no variables; it reads the promises (1b) sent to it from the network when
  // it proposes, as the spec's Phase2a does, so it never takes a delivery.
  const firstProposal = (s: PaxosState, b: number) => !sent(s, '2a').some((e) => e.msg.bal === b)
  const proposer = component<Record<string, never>, Network>({
    name: 'proposer',
    ids: ballots.map(proposerOf),
    init: {},
    accepts: () => false,
    receive: (self) => self,
    actions: [
      // Phase1a(b): ask the acceptors to promise ballot b.
      localAction<Record<string, never>, Network>(
        'Phase1a',
        () => true,
        (self, ctx) => {
          ctx.broadcast('msgs', acceptors, { type: '1a', bal: ballotOf(ctx.id) })
          return self
        },
      ),
      // Phase2a(b, v): one proposal per ballot; with a quorum's promises, the value of the
      // highest vote they report (any value if none voted). The bug skips the promises.
      localAction.each<Record<string, never>, Network, string>(
        'Phase2a',
        () => values,
        (_, { id, state }, v) => {
          const b = ballotOf(id)
          if (!firstProposal(state, b)) return false
          return config.skipPhase1 === true || quorums.some((q) => showsSafe(state, b, v, q))
        },
        (self, ctx, v) => {
          ctx.broadcast('msgs', acceptors, { type: '2a', bal: ballotOf(ctx.id), val: v })
          return self
        },
      ),
    ],
  })

  return {
    name: `paxos(${acceptors.length} acceptors, ${values.length} values, ballots 0..${maxBallot}${config.skipPhase1 ? ', skip phase 1' : ''})`,
    components: [acceptor, proposer],
    channels: { msgs },
    invariants: {
      // Consensus safety: at most one value is ever chosen.
      oneValueChosen: (s) => chosenValues(s, quorums).length <= 1,
    },
  }
}
