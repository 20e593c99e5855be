/**
 * Atomic commit: two-phase commit (Gray 1978) and three-phase commit (Skeen 1981) as composed
 * models: a coordinator and participants `r1`..`rN` on a shared channel, the coordinator
 * crashable.
 *
 * - 2PC blocks: a participant that voted yes may neither commit nor abort on its own, so a
 *   coordinator that crashes after prepare (and never comes back) leaves it waiting forever.
 *   A coordinator that logs its decision durably and re-sends it when it restarts unblocks
 *   everyone; one whose decision is volatile presumes abort after a restart and contradicts the
 *   commit it had already sent.
 * - 3PC adds a pre-commit round so that participants can finish without the coordinator: a
 *   termination protocol commits iff some participant it can see is pre-committed. Safe when
 *   the coordinator can only crash (and a timeout means it did), unsafe when a partition makes
 *   a live coordinator look dead: the two sides decide differently.
 */
import {
  type Action,
  action,
  type Channel,
  type ChannelValue,
  type Component,
  type ComponentContext,
  type Composed,
  channel,
  component,
  compose,
  localAction,
  type Model,
  symmetricIds,
} from '@musil/core'

/** Participant ids `r1`..`rN`. */
export function participants(n: number): string[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`atomic commit: participants must be an integer of at least 1, got ${n}`)
  }
  return Array.from({ length: n }, (_, i) => `r${i + 1}`)
}

/** The coordinator's id. */
export const COORDINATOR = 'c'

// ---------------------------------------------------------------------------------------------
// Two-phase commit
// ---------------------------------------------------------------------------------------------

/** Messages of 2PC. */
export type TwoPhaseMsg =
  | { readonly type: 'prepare' }
  | { readonly type: 'vote'; readonly yes: boolean }
  | { readonly type: 'commit' }
  | { readonly type: 'abort' }

/** What 2PC's components share: the network. */
export type TwoPhaseShared = { readonly net: ChannelValue<TwoPhaseMsg> }

/** A 2PC state. */
export type TwoPhaseState = Composed<TwoPhaseShared>

/** The coordinator (transaction manager). `decision` is what it has decided, and told. */
export interface TwoPhaseCoordinator {
  readonly phase: 'init' | 'waiting' | 'done'
  readonly yes: ReadonlySet<string>
  readonly decision: 'none' | 'commit' | 'abort'
}

/** A participant (resource manager). */
export interface Participant {
  readonly st: 'working' | 'prepared' | 'committed' | 'aborted'
  /** It has received the request to vote. */
  readonly asked: boolean
}

/**
 * How the 2PC coordinator fails:
 * - `crash-stop`: it may crash once and never comes back (the classic blocking scenario);
 * - `volatile-log`: it may crash once and restarts, but its decision was only in memory, so it
 *   presumes abort;
 * - `durable-log`: it may crash once and restarts with its decision read back from disk, and
 *   re-sends it.
 */
export type CoordinatorFailure = 'crash-stop' | 'volatile-log' | 'durable-log'

/** Options of {@link twoPhase}. */
export interface TwoPhaseOptions {
  /** Number of participants (default 3). */
  readonly participants?: number
  /** How the coordinator fails (default `durable-log`). */
  readonly coordinator?: CoordinatorFailure
  /** Treat the participants as interchangeable (`symmetricIds`): fewer states, same verdict. */
  readonly symmetric?: boolean
}

/** 2PC as a composed model, with its components (to read states with). */
export interface TwoPhaseModel {
  readonly model: Model<TwoPhaseState>
  readonly coordinator: Component<TwoPhaseCoordinator, TwoPhaseShared>
  readonly participant: Component<Participant, TwoPhaseShared>
  readonly ids: readonly string[]
}

/** The actions that must eventually happen (everything but `crash`). */
export const TWO_PHASE_FAIR = [
  'prepare',
  'commit',
  'timeout',
  'vote',
  'abort',
  'deliver',
  'restart',
] as const

/**
 * Two-phase commit: the coordinator asks every participant to prepare; each votes yes (and is
 * then prepared: it may no longer decide alone) or no (and aborts); the coordinator commits iff
 * every vote is yes, aborts at the first no, and tells everyone.
 */
export function twoPhase(options: TwoPhaseOptions = {}): TwoPhaseModel {
  const ids = participants(options.participants ?? 3)
  const failure = options.coordinator ?? 'durable-log'
  const net = channel<TwoPhaseMsg>()
  type G = TwoPhaseShared
  type C = TwoPhaseCoordinator

  const decide = (self: C, decision: 'commit' | 'abort', ctx: ComponentContext<G>): C => {
    ctx.broadcast('net', ids, { type: decision })
    return { ...self, phase: 'done', decision }
  }

  const coordinator = component<C, G>({
    name: 'coordinator',
    ids: [COORDINATOR],
    init: { phase: 'init', yes: new Set(), decision: 'none' },
    actions: [
      localAction<C, G>(
        'prepare',
        (self) => self.phase === 'init' && self.decision === 'none',
        (self, ctx) => {
          ctx.broadcast('net', ids, { type: 'prepare' })
          return { ...self, phase: 'waiting' }
        },
      ),
      localAction<C, G>(
        'commit',
        (self) => self.phase === 'waiting' && self.yes.size === ids.length,
        (self, ctx) => decide(self, 'commit', ctx),
      ),
      // A vote that does not come (its participant aborted on its own): give up.
      localAction<C, G>(
        'timeout',
        (self) => self.phase === 'waiting' && self.yes.size < ids.length,
        (self, ctx) => decide(self, 'abort', ctx),
      ),
    ],
    receive: (self, env, ctx) => {
      if (env.msg.type !== 'vote' || self.phase !== 'waiting') return self
      if (!env.msg.yes) return decide(self, 'abort', ctx)
      return { ...self, yes: new Set(self.yes).add(env.from) }
    },
    crash: {
      maxCrashes: 1,
      durable: failure === 'durable-log' ? ['decision'] : [],
      restart: failure !== 'crash-stop',
      // Recovery: re-send the logged decision, or, with none logged, presume abort.
      recover: (self, ctx) => decide(self, self.decision === 'commit' ? 'commit' : 'abort', ctx),
    },
  })

  const participant = component<Participant, G>({
    name: 'participant',
    ids,
    init: { st: 'working', asked: false },
    actions: [
      localAction.each<Participant, G, boolean>(
        'vote',
        () => [true, false],
        (self) => self.asked && self.st === 'working',
        (self, ctx, yes) => {
          ctx.send('net', COORDINATOR, { type: 'vote', yes })
          return { ...self, st: yes ? 'prepared' : 'aborted' }
        },
      ),
      // Until it votes yes, a participant may abort on its own (tired of waiting for prepare).
      localAction<Participant, G>(
        'abort',
        (self) => self.st === 'working',
        (self) => ({ ...self, st: 'aborted' }),
      ),
    ],
    receive: (self, env) => {
      switch (env.msg.type) {
        case 'prepare':
          return { ...self, asked: true }
        case 'commit':
          return { ...self, st: 'committed' }
        case 'abort':
          return self.st === 'committed' ? self : { ...self, st: 'aborted' }
        default:
          return self
      }
    },
  })

  const model = compose<G>({
    name: `two-phase-commit(${ids.length}, ${failure})`,
    components: [coordinator, participant],
    channels: { net },
    invariants: {
      consistent: (s) => consistent(ids.map((r) => participant.of(s, r).st)),
    },
    terminal: (s) => ids.every((r) => decided2(participant.of(s, r).st)),
    ...(options.symmetric && { symmetry: symmetricIds<TwoPhaseState>(ids) }),
  })
  return { model, coordinator, participant, ids }
}

function decided2(st: Participant['st']): boolean {
  return st === 'committed' || st === 'aborted'
}

/** No participant committed while another aborted. */
function consistent(states: readonly string[]): boolean {
  const committed = states.some((st) => st === 'committed')
  const aborted = states.some((st) => st === 'aborted')
  return !(committed && aborted)
}

/** 2PC's goal: every participant has committed or aborted. */
export function allDecided(m: TwoPhaseModel): (s: TwoPhaseState) => boolean {
  return (s) => m.ids.every((r) => decided2(m.participant.of(s, r).st))
}

// ---------------------------------------------------------------------------------------------
// Three-phase commit
// ---------------------------------------------------------------------------------------------

/** Messages of 3PC. */
export type ThreePhaseMsg =
  | { readonly type: 'canCommit' }
  | { readonly type: 'vote'; readonly yes: boolean }
  | { readonly type: 'preCommit' }
  | { readonly type: 'ack' }
  | { readonly type: 'doCommit' }
  | { readonly type: 'abort' }

/** What 3PC's components share: the network, and which participants a partition cut off. */
export type ThreePhaseShared = {
  readonly net: ChannelValue<ThreePhaseMsg>
  /** Participants on the far side of the partition (the coordinator is never cut off). */
  readonly cut: Readonly<Record<string, true>>
}

/** A 3PC state. */
export type ThreePhaseState = Composed<ThreePhaseShared>

/** The 3PC coordinator. */
export interface ThreePhaseCoordinator {
  readonly phase: 'init' | 'voting' | 'precommit' | 'committed' | 'aborted'
  readonly yes: ReadonlySet<string>
  readonly acks: ReadonlySet<string>
}

/**
 * A 3PC participant, in Skeen's states: `q` initial, `w` voted yes and waiting, `p`
 * pre-committed, `c` committed, `a` aborted.
 */
export interface ThreePhaseParticipant {
  readonly st: 'q' | 'w' | 'p' | 'c' | 'a'
  readonly asked: boolean
}

/**
 * The faults 3PC runs under:
 * - `crash-stop`: the coordinator may crash once, for good; messages are not lost, and a
 *   participant times out only once every message the coordinator sent has arrived (a
 *   synchronous network: a timeout means the coordinator is dead);
 * - `partition`: nobody crashes, but once the network may cut one participant off from the
 *   others and the coordinator; messages across the cut are lost, and both sides time out.
 */
export type ThreePhaseFaults = 'crash-stop' | 'partition'

/** Options of {@link threePhase}. */
export interface ThreePhaseOptions {
  /** Number of participants (default 3). */
  readonly participants?: number
  /** The faults (default `crash-stop`). */
  readonly faults?: ThreePhaseFaults
}

/** 3PC as a composed model, with its components. */
export interface ThreePhaseModel {
  readonly model: Model<ThreePhaseState>
  readonly coordinator: Component<ThreePhaseCoordinator, ThreePhaseShared>
  readonly participant: Component<ThreePhaseParticipant, ThreePhaseShared>
  readonly ids: readonly string[]
}

/** The actions that must eventually happen (everything but `crash` and `partition`). */
export const THREE_PHASE_FAIR = [
  'start',
  'precommit',
  'commit',
  'timeout',
  'vote',
  'terminate',
  'deliver',
] as const

/**
 * Three-phase commit (Skeen 1981, central site): canCommit, votes, preCommit, acks, doCommit.
 * A participant that times out on the coordinator runs the termination protocol over the
 * participants it can reach: commit if one of them is pre-committed or committed, else abort.
 * A coordinator that times out on a participant aborts while collecting votes, and commits
 * while collecting acks (everyone voted yes).
 */
export function threePhase(options: ThreePhaseOptions = {}): ThreePhaseModel {
  const ids = participants(options.participants ?? 3)
  const faults = options.faults ?? 'crash-stop'
  const net = channel<ThreePhaseMsg>()
  type G = ThreePhaseShared
  type C = ThreePhaseCoordinator
  type P = ThreePhaseParticipant
  type S = ThreePhaseState

  const cutOff = (s: S, id: string) => Object.hasOwn(s.cut, id)
  /** Two nodes can talk: both on the same side of the cut (the coordinator is never cut off). */
  const linked = (s: S, a: string, b: string) => cutOff(s, a) === cutOff(s, b)
  /** Sends, unless the partition swallows the message. */
  const sendAll = (ctx: ComponentContext<G>, msg: ThreePhaseMsg) => {
    for (const r of ids) if (linked(ctx.state, ctx.id, r)) ctx.send('net', r, msg)
  }
  const fromCoordinatorInFlight = (s: S) =>
    net.messages(s.net).some((env) => env.from === COORDINATOR)

  const coordinator = component<C, G>({
    name: 'coordinator',
    ids: [COORDINATOR],
    init: { phase: 'init', yes: new Set(), acks: new Set() },
    actions: [
      localAction<C, G>(
        'start',
        (self) => self.phase === 'init',
        (self, ctx) => {
          sendAll(ctx, { type: 'canCommit' })
          return { ...self, phase: 'voting' }
        },
      ),
      localAction<C, G>(
        'precommit',
        (self) => self.phase === 'voting' && self.yes.size === ids.length,
        (self, ctx) => {
          sendAll(ctx, { type: 'preCommit' })
          return { ...self, phase: 'precommit' }
        },
      ),
      localAction<C, G>(
        'commit',
        (self) => self.phase === 'precommit' && self.acks.size === ids.length,
        (self, ctx) => {
          sendAll(ctx, { type: 'doCommit' })
          return { ...self, phase: 'committed' }
        },
      ),
      // A participant's reply cannot come (it is cut off): abort while voting, commit once
      // everyone has voted yes.
      localAction<C, G>(
        'timeout',
        (self, { state }) =>
          (self.phase === 'voting' || self.phase === 'precommit') &&
          ids.some(
            (r) => cutOff(state, r) && !(self.phase === 'voting' ? self.yes : self.acks).has(r),
          ),
        (self, ctx) => {
          const decision = self.phase === 'voting' ? 'abort' : 'doCommit'
          sendAll(ctx, { type: decision })
          return { ...self, phase: decision === 'abort' ? 'aborted' : 'committed' }
        },
      ),
    ],
    receive: (self, env, ctx) => {
      if (env.msg.type === 'vote' && self.phase === 'voting') {
        if (env.msg.yes) return { ...self, yes: new Set(self.yes).add(env.from) }
        sendAll(ctx, { type: 'abort' })
        return { ...self, phase: 'aborted' }
      }
      if (env.msg.type === 'ack' && self.phase === 'precommit') {
        return { ...self, acks: new Set(self.acks).add(env.from) }
      }
      return self
    },
    ...(faults === 'crash-stop' && { crash: { maxCrashes: 1, restart: false } }),
  })

  const coordinatorGone = (s: S, r: string) =>
    faults === 'crash-stop'
      ? !coordinator.isUp(s, COORDINATOR) && !fromCoordinatorInFlight(s)
      : cutOff(s, r)

  const participant: Component<P, G> = component<P, G>({
    name: 'participant',
    ids,
    init: { st: 'q', asked: false },
    actions: [
      localAction.each<P, G, boolean>(
        'vote',
        () => [true, false],
        (self) => self.asked && self.st === 'q',
        (self, ctx, yes) => {
          if (linked(ctx.state, ctx.id, COORDINATOR))
            ctx.send('net', COORDINATOR, { type: 'vote', yes })
          return { ...self, st: yes ? 'w' : 'a' }
        },
      ),
      // Timeout on the coordinator, then the termination protocol among the reachable
      // participants (its state collection is atomic here, as in the protocol's own analysis).
      localAction<P, G>(
        'terminate',
        (self, { state, id }) =>
          (self.st === 'q' || self.st === 'w' || self.st === 'p') && coordinatorGone(state, id),
        (self, { state, id }) => {
          const reachable = ids.filter((r) => linked(state, id, r))
          const sts = reachable.map((r) => participant.of(state, r).st)
          return { ...self, st: sts.includes('p') || sts.includes('c') ? 'c' : 'a' }
        },
      ),
    ],
    receive: (self, env, ctx) => {
      switch (env.msg.type) {
        case 'canCommit':
          return { ...self, asked: true }
        case 'preCommit':
          if (self.st !== 'w') return self
          if (linked(ctx.state, ctx.id, COORDINATOR)) ctx.send('net', COORDINATOR, { type: 'ack' })
          return { ...self, st: 'p' }
        case 'doCommit':
          return self.st === 'a' ? self : { ...self, st: 'c' }
        case 'abort':
          return self.st === 'c' ? self : { ...self, st: 'a' }
        default:
          return self
      }
    },
  })

  const model = compose<G>({
    name: `three-phase-commit(${ids.length}, ${faults})`,
    components: [coordinator, participant],
    channels: { net },
    shared: { cut: {} },
    actions: faults === 'partition' ? [partitionAction(ids, net)] : [],
    invariants: {
      consistent: (s) => {
        const sts = ids.map((r) => participant.of(s, r).st)
        const phase = coordinator.of(s, COORDINATOR).phase
        const committed = sts.includes('c') || phase === 'committed'
        const aborted = sts.includes('a') || phase === 'aborted'
        return !(committed && aborted)
      },
    },
    terminal: (s) => ids.every((r) => decided3(participant.of(s, r).st)),
  })
  return { model, coordinator, participant, ids }
}

/**
 * The partition, at most once: participant `r` is cut off from everyone else, and the messages
 * in flight across the cut are lost.
 */
function partitionAction(
  ids: readonly string[],
  net: Channel<ThreePhaseMsg>,
): Action<ThreePhaseState> {
  return action.each<ThreePhaseState, string>(
    'partition',
    () => ids,
    (s) => Object.keys(s.cut).length === 0,
    (s, r) => {
      let c = s.net
      for (const env of net.messages(s.net)) {
        if ((env.from === r) !== (env.to === r)) c = net.drop(c, env)
      }
      return { ...s, cut: { [r]: true }, net: c }
    },
  )
}

/** 3PC's goal: every participant has committed or aborted. */
export function allTerminated(m: ThreePhaseModel): (s: ThreePhaseState) => boolean {
  return (s) => m.ids.every((r) => decided3(m.participant.of(s, r).st))
}

function decided3(st: ThreePhaseParticipant['st']): boolean {
  return st === 'c' || st === 'a'
}
