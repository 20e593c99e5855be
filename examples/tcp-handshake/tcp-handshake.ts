/**
 * TCP's handshake and teardown, model-checked from the endpoint's own event table. Two
 * endpoints, a client A that opens actively and a server B that listens, are the instances of
 * one crashable component (a crash loses the TCB, not the segments in flight) and talk over a
 * `fifo` channel, one reliable link each way. Every step of an endpoint is a rule of the table,
 * built with `statusFieldActions`, one action per event, so the model checks the table the code
 * runs.
 */
import {
  type ChannelValue,
  type CheckResult,
  type Composed,
  channel,
  check,
  checkLiveness,
  component,
  compose,
  declaredStates,
  type Envelope,
  type LivenessResult,
  type Model,
  statusFieldActions,
  successors,
  type TransitionTable,
} from '@musil/core'
import {
  classify,
  closedTcb,
  type EventTable,
  react,
  type Segment,
  type Tcb,
  type TcpEvent,
  type TcpState,
} from './tcp-endpoint.ts'

/** The two endpoints. */
export type Side = 'A' | 'B'

/** An endpoint: its TCB, and what its application has done since it (re)started. */
export interface Endpoint extends Tcb {
  /** Starts since the first: survives a crash (it stands for the clock that picks the ISS). */
  readonly incarnation: number
  /** The application has opened (A actively, B passively). */
  readonly opened: boolean
  /** The application has closed. */
  readonly closed: boolean
}

/** What the endpoints share: the network, a FIFO link each way. */
export interface Shared {
  readonly net: ChannelValue<Segment>
}

/** The model's state: `tcp.A` and `tcp.B`, the network, and which endpoint is down. */
export type Connection = Composed<Shared>

/** Options of {@link tcpModel}. */
export interface TcpModelOptions {
  /** How many crashes may happen in a run (default 0). */
  readonly crashes?: number
}

const SIDES: readonly Side[] = ['A', 'B']
const peerOf = (x: Side): Side => (x === 'A' ? 'B' : 'A')

/** A segment in RFC 793's notation: `<SEQ=300><ACK=101><CTL=SYN,ACK>`. */
export function formatSegment(seg: Segment): string {
  return `<SEQ=${seg.seq}>${seg.ack === undefined ? '' : `<ACK=${seg.ack}>`}<CTL=${seg.ctl}>`
}

/** The network: one FIFO link from each endpoint to the other, reliable. */
export const net = channel<Segment>({ name: 'net', kind: 'fifo', format: formatSegment })

/** Initial sequence numbers as in RFC 793's examples: A from 100, B from 300, +300 per restart. */
const issOf = (x: Side, incarnation: number): number => (x === 'A' ? 100 : 300) + 300 * incarnation

const fresh = (x: Side, incarnation: number): Endpoint => ({
  ...closedTcb(issOf(x, incarnation)),
  incarnation,
  opened: false,
  closed: false,
})

/** Endpoint `x` in state `s`. */
export const endpoint = (s: Connection, x: Side): Endpoint => (s.tcp as Record<Side, Endpoint>)[x]

/** `s` with endpoint `x` in `status`. */
const withStatus = (s: Connection, x: Side, status: TcpState): Connection => ({
  ...s,
  tcp: { ...(s.tcp as object), [x]: { ...endpoint(s, x), status } },
})

/** Nothing is in flight either way: what a timer waits for. */
export const quiet = (s: Connection): boolean => net.size(s.net) === 0

/** The segment at the head of the link into `x`, if any. */
const headFor = (s: Connection, x: Side): Envelope<Segment> | undefined =>
  net.deliverable(s.net).find((env) => env.to === x)

/** The arrows of an event table, state by state: the table `statusFieldActions` and `declaredStates` read. */
export function arrows(table: EventTable): TransitionTable {
  const out: Record<string, string[]> = {}
  for (const [state, row] of Object.entries(table)) {
    out[state] = [...new Set(Object.values(row ?? {}).map(([to]) => to))]
  }
  return out
}

/** The arrows one event draws: each state's target under `event`, or none (over the table's states only). */
function column(table: EventTable, event: TcpEvent): TransitionTable<TcpState> {
  const out: Record<string, TcpState[]> = {}
  for (const [state, row] of Object.entries(table)) {
    const rule = row?.[event]
    out[state] = rule ? [rule[0]] : []
  }
  // A table without CLOSING (say) is a TransitionTable over fewer states: all it needs is that
  // every target has a row, which `statusFieldActions` checks.
  return out as unknown as TransitionTable<TcpState>
}

/** Whether `event` happens now: A opens actively, B listens, each closes once connected; timers fire when all is quiet. */
function userCalls(s: Connection, x: Side, event: TcpEvent): boolean {
  const e = endpoint(s, x)
  switch (event) {
    case 'OPEN active':
      return x === 'A' && !e.opened
    case 'OPEN passive':
      return x === 'B' && !e.opened
    case 'CLOSE':
      return !e.closed && (e.status === 'ESTABLISHED' || e.status === 'CLOSE_WAIT')
    // A timer fires only when nothing is in flight: the worst case for a real timer, and what
    // keeps the links bounded.
    case 'timeout 2MSL':
    case 'timeout rexmt':
    case 'timeout keepalive':
      return quiet(s)
    default:
      return false
  }
}

/** The event that happens to `x` next, if it is `event`: a call, a timeout, or the segment at the head of its link. */
function occurs(s: Connection, x: Side, event: TcpEvent, tcb: Tcb): boolean {
  if (!event.startsWith('rcv ')) return userCalls(s, x, event)
  const head = headFor(s, x)
  return head !== undefined && classify(tcb, head.msg) === event
}

/** Applies `event` to `x` through the table: the TCB changes, an arrived segment is consumed, a reply is sent. */
function apply(s: Connection, x: Side, event: TcpEvent, table: EventTable): Connection {
  const e = endpoint(s, x)
  const head = event.startsWith('rcv ') ? headFor(s, x) : undefined
  const r = react(table, e, event, head?.msg)!
  const next: Endpoint = {
    ...r.tcb,
    incarnation: e.incarnation,
    opened: e.opened || event === 'OPEN active' || event === 'OPEN passive',
    closed: e.closed || event === 'CLOSE',
  }
  let c = s.net
  if (head !== undefined) c = net.receive(c, head)
  if (r.sent !== undefined) c = net.send(c, x, peerOf(x), r.sent)
  return { ...s, tcp: { ...(s.tcp as object), [x]: next }, net: c }
}

/** Every event the table mentions, in a fixed order. */
function eventsOf(table: EventTable): TcpEvent[] {
  const seen = new Set<TcpEvent>()
  for (const row of Object.values(table))
    for (const e of Object.keys(row ?? {})) seen.add(e as TcpEvent)
  return [...seen]
}

/** Both endpoints ESTABLISHED: each expects exactly what the other sends next. */
export function synchronizedAgree(s: Connection): boolean {
  const [a, b] = [endpoint(s, 'A'), endpoint(s, 'B')]
  if (a.status !== 'ESTABLISHED' || b.status !== 'ESTABLISHED') return true
  return a.sndNxt === b.rcvNxt && b.sndNxt === a.rcvNxt
}

/** No endpoint is ESTABLISHED while its peer is CLOSED, unless a crash made it so. */
export function noHalfOpenWithoutCrash(s: Connection): boolean {
  if (((s.crashes as { tcp?: number } | undefined)?.tcp ?? 0) > 0) return true
  return SIDES.every(
    (x) => !(endpoint(s, x).status === 'ESTABLISHED' && endpoint(s, peerOf(x)).status === 'CLOSED'),
  )
}

/**
 * The connection of A and B under `table`: two endpoints of one crashable component (a crash
 * loses the TCB; the restarted application opens again with a new initial sequence number) and
 * the network between them. A run may stop only with both endpoints CLOSED (or B still
 * LISTENing) and nothing in flight; any other state without a next step is a deadlock, the
 * model's way of saying "the connection never finishes closing".
 */
export function tcpModel(table: EventTable, options: TcpModelOptions = {}): Model<Connection> {
  const maxCrashes = options.crashes ?? 0
  if (!Number.isInteger(maxCrashes) || maxCrashes < 0) {
    throw new RangeError(
      `tcpModel: crashes must be a whole number of at least 0, got ${maxCrashes}`,
    )
  }
  const states = declaredStates(arrows(table))
  const tcp = component<Endpoint, Shared>({
    name: 'tcp',
    ids: SIDES,
    init: (id) => fresh(id as Side, 0),
    ...(maxCrashes > 0 && {
      crash: {
        durable: ['incarnation'],
        maxCrashes,
        recover: (self, ctx) => fresh(ctx.id as Side, self.incarnation + 1),
      },
    }),
  })
  const actions = SIDES.flatMap((x) =>
    eventsOf(table).flatMap((event) =>
      statusFieldActions(column(table, event), {
        name: `${x} ${event}`,
        get: (s: Connection) => endpoint(s, x).status,
        set: (s, to) => withStatus(s, x, to),
        guard: (s) => tcp.isUp(s, x) && occurs(s, x, event, endpoint(s, x)),
        effect: (s, _to, from) => apply(withStatus(s, x, from), x, event, table),
      }),
    ),
  )
  return compose<Shared>({
    name: `tcp(${maxCrashes} crash${maxCrashes === 1 ? '' : 'es'})`,
    components: [tcp],
    // The network is a shared field, not one of compose's channels: a segment leaves its link
    // through a rule of the table (the actions above), never through a generated delivery.
    shared: { net: net.empty() },
    actions,
    invariants: {
      declaredStatus: (s) => SIDES.every((x) => states.includes(endpoint(s, x).status)),
      synchronizedAgree,
      noHalfOpenWithoutCrash,
    },
    terminal: closedDown,
  })
}

/** The connection is over: both endpoints CLOSED (B may be LISTENing again) and nothing in flight. */
export function closedDown(s: Connection): boolean {
  return (
    quiet(s) &&
    SIDES.every((x) => endpoint(s, x).status === 'CLOSED' || endpoint(s, x).status === 'LISTEN')
  )
}

/**
 * Whether every connection closes down, again and again: from every reachable state, every fair
 * run gets back to {@link closedDown}. Every step but a crash is weakly fair (segments are
 * processed, timers fire, applications close what they opened); crashes may or may not happen.
 */
export function checkClosing(
  table: EventTable,
  options: TcpModelOptions = {},
): LivenessResult<Connection> {
  const model = tcpModel(table, options)
  return checkLiveness(model, {
    goal: closedDown,
    goalName: 'connection closed',
    everywhere: true,
    fair: model.actions.map((a) => a.name).filter((name) => name !== 'crash'),
  })
}

/** Checks the connection under `table`. */
export function checkTcp(
  table: EventTable,
  options: TcpModelOptions = {},
): CheckResult<Connection> {
  return check(tcpModel(table, options))
}

/** What the runs of a table's model use: the states they reach and the rules they apply. */
export interface Coverage {
  /** Declared states no run reaches. */
  readonly unreachable: TcpState[]
  /** Rules (`STATE: event`) no run applies. */
  readonly unusedRules: string[]
}

/** Explores every reachable state of the model of `table` and reports what its runs never use. */
export function coverage(table: EventTable, options: TcpModelOptions = {}): Coverage {
  const model = tcpModel(table, options)
  const reached = new Set<string>()
  const applied = new Set<string>()
  const seen = new Set<string>()
  const queue = [...model.init]
  for (const s of queue) seen.add(JSON.stringify(s))
  while (queue.length > 0) {
    const s = queue.shift()!
    for (const x of SIDES) reached.add(endpoint(s, x).status)
    for (const next of successors(model, s)) {
      const name = model.actions[next.action]!.name
      const [x, ...event] = name.split(' ')
      if (x === 'A' || x === 'B') applied.add(`${endpoint(s, x).status}: ${event.join(' ')}`)
      const key = JSON.stringify(next.state)
      if (!seen.has(key)) {
        seen.add(key)
        queue.push(next.state)
      }
    }
  }
  const rules = Object.entries(table).flatMap(([state, row]) =>
    Object.keys(row ?? {}).map((event) => `${state}: ${event}`),
  )
  return {
    unreachable: (declaredStates(arrows(table)) as TcpState[]).filter((x) => !reached.has(x)),
    unusedRules: rules.filter((r) => !applied.has(r)),
  }
}
