/**
 * Single-decree Paxos, a line-by-line port of Lamport's TLA+ `Paxos` specification
 * (tlaplus/Examples, specifications/Paxos/Paxos.tla), the algorithm of "Paxos Made Simple".
 *
 * As in the TLA+ spec, `msgs` is the set of every message ever sent: a message is never
 * consumed, so it can be received any number of times (duplication) or never (loss), and in any
 * order. Proposers are not processes: any ballot's phase 1a and 2a may happen at any time,
 * which covers every proposer and every proposer crash. A value is chosen when a quorum of
 * acceptors has voted for it in one ballot.
 *
 * The `skipPhase1` flag is the classic bug: a proposer sends its 2a ("accept") for any value
 * without waiting for a quorum of 1b promises, so it cannot learn of a value already chosen.
 */
import { action, defineModel, type Model, type ModelSpec } from '@musil/core'

/** TLA+'s `None`: an acceptor that has not voted has no value. */
export const NONE = 'None'

/** The messages of `Paxos.tla`, field for field. */
export type PaxosMessage =
  | { readonly type: '1a'; readonly bal: number }
  | {
      readonly type: '1b'
      readonly acc: string
      readonly bal: number
      readonly mbal: number
      readonly mval: string
    }
  | { readonly type: '2a'; readonly bal: number; readonly val: string }
  | { readonly type: '2b'; readonly acc: string; readonly bal: number; readonly val: string }

/** The variables of `Paxos.tla`. */
export interface PaxosState {
  /** The highest ballot each acceptor has promised (-1: none). */
  readonly maxBal: Readonly<Record<string, number>>
  /** The ballot of each acceptor's latest vote (-1: none). */
  readonly maxVBal: Readonly<Record<string, number>>
  /** The value of each acceptor's latest vote (`None`: none). */
  readonly maxVal: Readonly<Record<string, string>>
  /** Every message sent so far. */
  readonly msgs: ReadonlySet<PaxosMessage>
}

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

const sameMessage = (a: PaxosMessage, b: PaxosMessage): boolean =>
  a.type === b.type &&
  a.bal === b.bal &&
  (a as { acc?: string }).acc === (b as { acc?: string }).acc &&
  (a as { val?: string }).val === (b as { val?: string }).val &&
  (a as { mbal?: number }).mbal === (b as { mbal?: number }).mbal &&
  (a as { mval?: string }).mval === (b as { mval?: string }).mval

/** TLA+'s `Send(m)`: `msgs' = msgs \cup {m}` (a message already sent leaves the set as it is). */
function send(msgs: ReadonlySet<PaxosMessage>, m: PaxosMessage): ReadonlySet<PaxosMessage> {
  for (const x of msgs) if (sameMessage(x, m)) return msgs
  return new Set(msgs).add(m)
}

const ofType = <T extends PaxosMessage['type']>(
  s: PaxosState,
  type: T,
): Extract<PaxosMessage, { type: T }>[] =>
  [...s.msgs].filter((m): m is Extract<PaxosMessage, { type: T }> => m.type === type)

/** `chosen` (Voting.tla): the values a quorum has voted for in one ballot. */
export function chosenValues(s: PaxosState, quorums: readonly (readonly string[])[]): string[] {
  const votes = ofType(s, '2b')
  const chosen = new Set<string>()
  for (const v of new Set(votes.map((m) => m.val))) {
    for (const b of new Set(votes.map((m) => m.bal))) {
      const voted = (a: string) => votes.some((m) => m.acc === a && m.bal === b && m.val === v)
      if (quorums.some((q) => q.every(voted))) chosen.add(v)
    }
  }
  return [...chosen].sort()
}

/** `Phase2a(b, v)`'s test on the 1b messages of quorum `q` (Paxos.tla, verbatim in meaning). */
function showsSafe(s: PaxosState, b: number, v: string, q: readonly string[]): boolean {
  const q1b = ofType(s, '1b').filter((m) => q.includes(m.acc) && m.bal === b)
  const q1bv = q1b.filter((m) => m.mbal >= 0)
  return (
    q.every((a) => q1b.some((m) => m.acc === a)) &&
    (q1bv.length === 0 || q1bv.some((m) => m.mval === v && q1bv.every((mm) => m.mbal >= mm.mbal)))
  )
}

/**
 * Paxos.tla under a configuration. Each action instance is one disjunct of `Next` with its
 * witnesses (`\E b \in Ballot`, `\E a \in Acceptor`, `\E m \in msgs`), so `generated` counts what
 * TLC's "states generated" counts; `\E Q \in Quorum` in Phase2a sends nothing, so it is a guard.
 */
export function paxos(config: PaxosConfig): Model<PaxosState> {
  return defineModel(paxosSpec(config))
}

/** The definition {@link paxos} builds its model from, for a test that adds invariants of its own. */
export function paxosSpec(config: PaxosConfig): ModelSpec<PaxosState> {
  const { acceptors, values, maxBallot } = config
  const quorums = config.quorums ?? majorities(acceptors)
  const ballots = Array.from({ length: maxBallot + 1 }, (_, b) => b)
  const ballotValues = ballots.flatMap((b) => values.map((v): [number, string] => [b, v]))
  const record = <T>(f: (a: string) => T) => Object.fromEntries(acceptors.map((a) => [a, f(a)]))
  const firstProposal = (s: PaxosState, b: number) => !ofType(s, '2a').some((m) => m.bal === b)
  return {
    name: `paxos(${acceptors.length} acceptors, ${values.length} values, ballots 0..${maxBallot}${config.skipPhase1 ? ', skip phase 1' : ''})`,
    init: {
      maxBal: record(() => -1),
      maxVBal: record(() => -1),
      maxVal: record(() => NONE),
      msgs: new Set(),
    },
    actions: [
      // Phase1a(b): a proposer asks the acceptors to promise ballot b.
      action.each(
        'Phase1a',
        () => ballots,
        () => true,
        (s, b) => ({ ...s, msgs: send(s.msgs, { type: '1a', bal: b }) }),
      ),
      // Phase1b(a): acceptor a receives the 1a of ballot b (the witness m of `\E m \in msgs`),
      // promises it if it is higher than any promise so far, and reports its latest vote.
      action.each(
        'Phase1b',
        (s) => acceptors.flatMap((a) => ofType(s, '1a').map((m): [string, number] => [a, m.bal])),
        (s, [a, b]) => b > s.maxBal[a]!,
        (s, [a, b]) => ({
          ...s,
          maxBal: { ...s.maxBal, [a]: b },
          msgs: send(s.msgs, {
            type: '1b',
            acc: a,
            bal: b,
            mbal: s.maxVBal[a]!,
            mval: s.maxVal[a]!,
          }),
        }),
      ),
      // Phase2a(b, v): one proposal per ballot; with a quorum's promises, the value of the
      // highest vote they report (any value if none voted). The bug skips the promises.
      action.each(
        'Phase2a',
        () => ballotValues,
        config.skipPhase1
          ? (s, [b]) => firstProposal(s, b)
          : (s, [b, v]) => firstProposal(s, b) && quorums.some((q) => showsSafe(s, b, v, q)),
        (s, [b, v]) => ({ ...s, msgs: send(s.msgs, { type: '2a', bal: b, val: v }) }),
      ),
      // Phase2b(a): acceptor a votes for the proposal (b, v) unless it promised a higher ballot.
      action.each(
        'Phase2b',
        (s) =>
          acceptors.flatMap((a) =>
            ofType(s, '2a').map((m): [string, number, string] => [a, m.bal, m.val]),
          ),
        (s, [a, b]) => b >= s.maxBal[a]!,
        (s, [a, b, v]) => ({
          maxBal: { ...s.maxBal, [a]: b },
          maxVBal: { ...s.maxVBal, [a]: b },
          maxVal: { ...s.maxVal, [a]: v },
          msgs: send(s.msgs, { type: '2b', acc: a, bal: b, val: v }),
        }),
      ),
    ],
    invariants: {
      // Consensus safety: at most one value is ever chosen.
      oneValueChosen: (s) => chosenValues(s, quorums).length <= 1,
    },
  }
}
