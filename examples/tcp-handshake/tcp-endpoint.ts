/**
 * The code: a TCP endpoint's connection state machine, kept as an event table in the style of
 * RFC 793's Figure 6, where every arrow reads "event / action". For each state the table says
 * what each event moves the endpoint to and which segment, if any, it sends. `react` is the
 * whole engine: it classifies what happened (a user call, a timeout, an arriving segment) the
 * way RFC 793 section 3.9 does, looks the event up, and applies the rule. An event the table
 * has no rule for is refused, so a missing arrow shows up as a segment nobody takes.
 *
 * Three tables: `figure6` (the diagram exactly), `figure6WithoutClosing` (a teardown drawn from
 * the common case, with no simultaneous close), and `rfc793` (the diagram plus the reset rules of
 * sections 3.4 and 3.9, which the diagram leaves out).
 */

/** The eleven connection states of RFC 793. */
export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'

/** The control bits of a segment (a FIN always carries an ACK here, as in practice). */
export type Ctl = 'SYN' | 'SYN,ACK' | 'ACK' | 'FIN,ACK' | 'RST' | 'RST,ACK'

/** A segment without data: its control bits, sequence number and, with an ACK, what it acknowledges. */
export interface Segment {
  readonly ctl: Ctl
  readonly seq: number
  readonly ack?: number
}

/** What the application asks of its endpoint. */
export type UserCall = 'OPEN passive' | 'OPEN active' | 'CLOSE'

/**
 * Timers: `2MSL` ends TIME_WAIT once every old segment of the connection has left the network;
 * `rexmt` sends a SYN again that got no answer; `keepalive` probes an idle peer (RFC 1122
 * 4.2.3.6, RFC 9293 section 3.8.4) so that a peer that forgot the connection answers with a reset.
 */
export type Timeout = 'timeout 2MSL' | 'timeout rexmt' | 'timeout keepalive'

/**
 * An arriving segment, classified against the endpoint's state as RFC 793 section 3.9 does:
 * - `rcv SYN`, `rcv SYN,ACK`, `rcv FIN`, `rcv RST`: acceptable segments with those bits (a
 *   SYN,ACK or RST that acknowledges our SYN, a FIN or RST at the next expected sequence number);
 * - `rcv ACK`: an ACK of everything we sent, while we wait for one (for our SYN or our FIN);
 * - `rcv dup ACK`: an ACK that tells us nothing new;
 * - `rcv bad ACK`: a segment acknowledging something we never sent (in LISTEN or SYN_SENT);
 * - `rcv old`: in a synchronized state, a segment that is not the next one expected;
 * - `rcv stray`: any segment arriving while there is no connection (CLOSED);
 * - `rcv stray RST`: a reset that matches nothing.
 */
export type Arrival =
  | 'rcv SYN'
  | 'rcv SYN,ACK'
  | 'rcv ACK'
  | 'rcv dup ACK'
  | 'rcv FIN'
  | 'rcv RST'
  | 'rcv bad ACK'
  | 'rcv old'
  | 'rcv stray'
  | 'rcv stray RST'

/** Anything that can move an endpoint. */
export type TcpEvent = UserCall | Timeout | Arrival

/**
 * What a rule sends; the endpoint fills in the numbers. `probe` is a keep-alive: an ACK one
 * below the next sequence number, which a live peer must answer.
 */
export type Send = 'SYN' | 'SYN,ACK' | 'ACK' | 'FIN' | 'RST' | 'probe'

/** One arrow of the diagram: where the event moves the endpoint, and what it sends on the way. */
export type Rule = readonly [to: TcpState, send?: Send]

/** For each state, the events it handles. An event missing from a state's row is refused. */
export type EventTable = { readonly [S in TcpState]?: { readonly [E in TcpEvent]?: Rule } }

/**
 * RFC 793 Figure 6 as RFC 9293 redraws it (its Figure 5), arrow by arrow, less LISTEN's `SEND`,
 * which no application here uses. The redrawing adds one arrow to the 1981 diagram, a reset that
 * sends SYN_RECEIVED back to LISTEN (section 3.4's prose in 1981), and answers a simultaneous
 * open with SYN,ACK where RFC 793 drew `snd ACK`.
 */
export const figure6 = {
  CLOSED: { 'OPEN passive': ['LISTEN'], 'OPEN active': ['SYN_SENT', 'SYN'] },
  LISTEN: { 'rcv SYN': ['SYN_RECEIVED', 'SYN,ACK'], CLOSE: ['CLOSED'] },
  SYN_SENT: {
    'rcv SYN': ['SYN_RECEIVED', 'SYN,ACK'],
    'rcv SYN,ACK': ['ESTABLISHED', 'ACK'],
    CLOSE: ['CLOSED'],
  },
  SYN_RECEIVED: { 'rcv ACK': ['ESTABLISHED'], CLOSE: ['FIN_WAIT_1', 'FIN'], 'rcv RST': ['LISTEN'] },
  ESTABLISHED: { CLOSE: ['FIN_WAIT_1', 'FIN'], 'rcv FIN': ['CLOSE_WAIT', 'ACK'] },
  FIN_WAIT_1: { 'rcv ACK': ['FIN_WAIT_2'], 'rcv FIN': ['CLOSING', 'ACK'] },
  FIN_WAIT_2: { 'rcv FIN': ['TIME_WAIT', 'ACK'] },
  CLOSE_WAIT: { CLOSE: ['LAST_ACK', 'FIN'] },
  CLOSING: { 'rcv ACK': ['TIME_WAIT'] },
  LAST_ACK: { 'rcv ACK': ['CLOSED'] },
  TIME_WAIT: { 'timeout 2MSL': ['CLOSED'] },
} as const satisfies EventTable

/**
 * A teardown drawn from the common case only: the closer waits for the ACK of its FIN, then
 * for the peer's FIN. Nobody thought of both ends closing at once, so there is no CLOSING and
 * FIN_WAIT_1 has no rule for a FIN.
 */
export const figure6WithoutClosing = {
  CLOSED: figure6.CLOSED,
  LISTEN: figure6.LISTEN,
  SYN_SENT: figure6.SYN_SENT,
  SYN_RECEIVED: figure6.SYN_RECEIVED,
  ESTABLISHED: figure6.ESTABLISHED,
  FIN_WAIT_1: { 'rcv ACK': ['FIN_WAIT_2'] },
  FIN_WAIT_2: figure6.FIN_WAIT_2,
  CLOSE_WAIT: figure6.CLOSE_WAIT,
  LAST_ACK: figure6.LAST_ACK,
  TIME_WAIT: figure6.TIME_WAIT,
} as const satisfies EventTable

/**
 * The diagram plus what RFC 793 says in prose (sections 3.4, 3.7 and 3.9) and the diagram
 * omits: a segment for no connection is answered with a reset, a reset aborts a synchronized
 * connection, a SYN_SENT endpoint resets an ACK of something it never sent, a synchronized
 * endpoint answers a segment it did not expect (a new SYN included) with an ACK of where it
 * really is, resets that match nothing are dropped, and an unanswered SYN is sent again. Plus
 * one rule from RFC 1122: an idle endpoint may probe its peer with a keep-alive.
 */
export const rfc793 = {
  CLOSED: { ...figure6.CLOSED, 'rcv stray': ['CLOSED', 'RST'], 'rcv stray RST': ['CLOSED'] },
  LISTEN: { ...figure6.LISTEN, 'rcv bad ACK': ['LISTEN', 'RST'], 'rcv stray RST': ['LISTEN'] },
  SYN_SENT: {
    ...figure6.SYN_SENT,
    'rcv bad ACK': ['SYN_SENT', 'RST'],
    'rcv RST': ['CLOSED'],
    'rcv stray RST': ['SYN_SENT'],
    'timeout rexmt': ['SYN_SENT', 'SYN'],
  },
  SYN_RECEIVED: { ...figure6.SYN_RECEIVED, ...synchronized('SYN_RECEIVED') },
  ESTABLISHED: {
    ...figure6.ESTABLISHED,
    ...synchronized('ESTABLISHED'),
    'rcv RST': ['CLOSED'],
    'timeout keepalive': ['ESTABLISHED', 'probe'],
  },
  FIN_WAIT_1: { ...figure6.FIN_WAIT_1, ...synchronized('FIN_WAIT_1'), 'rcv RST': ['CLOSED'] },
  FIN_WAIT_2: {
    ...figure6.FIN_WAIT_2,
    ...synchronized('FIN_WAIT_2'),
    'rcv RST': ['CLOSED'],
    'timeout keepalive': ['FIN_WAIT_2', 'probe'],
  },
  CLOSE_WAIT: { ...figure6.CLOSE_WAIT, ...synchronized('CLOSE_WAIT'), 'rcv RST': ['CLOSED'] },
  CLOSING: { ...figure6.CLOSING, ...synchronized('CLOSING'), 'rcv RST': ['CLOSED'] },
  LAST_ACK: { ...figure6.LAST_ACK, ...synchronized('LAST_ACK'), 'rcv RST': ['CLOSED'] },
  TIME_WAIT: { ...figure6.TIME_WAIT, ...synchronized('TIME_WAIT'), 'rcv RST': ['CLOSED'] },
} as const satisfies EventTable

/** What every synchronized state does with a segment it did not expect: answer with an ACK of where it is. */
function synchronized<S extends TcpState>(state: S) {
  return {
    'rcv old': [state, 'ACK'],
    'rcv dup ACK': [state],
    'rcv stray RST': [state],
  } as const
}

/** An endpoint's transmission control block: its state and the numbers it keeps. */
export interface Tcb {
  readonly status: TcpState
  /** Initial send sequence number of this connection. */
  readonly iss: number
  /** Next sequence number to send. */
  readonly sndNxt: number
  /** Next sequence number expected from the peer. */
  readonly rcvNxt: number
}

/** A closed endpoint whose next connection starts at `iss`. */
export function closedTcb(iss: number): Tcb {
  return { status: 'CLOSED', iss, sndNxt: iss, rcvNxt: 0 }
}

const hasAck = (seg: Segment): boolean => seg.ack !== undefined
const isRst = (seg: Segment): boolean => seg.ctl === 'RST' || seg.ctl === 'RST,ACK'
const isSyn = (seg: Segment): boolean => seg.ctl === 'SYN' || seg.ctl === 'SYN,ACK'

/** Classifies an arriving segment against the endpoint's state, in RFC 793 section 3.9's order. */
export function classify(tcb: Tcb, seg: Segment): Arrival {
  switch (tcb.status) {
    case 'CLOSED':
      return isRst(seg) ? 'rcv stray RST' : 'rcv stray'
    case 'LISTEN':
      if (isRst(seg)) return 'rcv stray RST'
      if (hasAck(seg)) return 'rcv bad ACK'
      return seg.ctl === 'SYN' ? 'rcv SYN' : 'rcv stray'
    case 'SYN_SENT':
      if (hasAck(seg) && seg.ack !== tcb.sndNxt) return isRst(seg) ? 'rcv stray RST' : 'rcv bad ACK'
      if (isRst(seg)) return hasAck(seg) ? 'rcv RST' : 'rcv stray RST'
      if (seg.ctl === 'SYN,ACK') return 'rcv SYN,ACK'
      return seg.ctl === 'SYN' ? 'rcv SYN' : 'rcv stray'
    default:
      // Synchronized (and SYN_RECEIVED): the sequence number must be the next one expected.
      if (seg.seq !== tcb.rcvNxt) return isRst(seg) ? 'rcv stray RST' : 'rcv old'
      if (isRst(seg)) return 'rcv RST'
      if (isSyn(seg)) return 'rcv SYN'
      if (seg.ack! > tcb.sndNxt) return 'rcv old' // acknowledges something never sent
      if (seg.ctl === 'FIN,ACK') return 'rcv FIN'
      return seg.ack === tcb.sndNxt && awaitsAck(tcb.status) ? 'rcv ACK' : 'rcv dup ACK'
  }
}

/** The states with a SYN or FIN out that the peer has not acknowledged yet. */
const awaitsAck = (status: TcpState): boolean =>
  status === 'SYN_RECEIVED' ||
  status === 'FIN_WAIT_1' ||
  status === 'CLOSING' ||
  status === 'LAST_ACK'

/** A rule applied: the endpoint's next TCB and the segment it sends, if any. */
export interface Reaction {
  readonly event: TcpEvent
  readonly tcb: Tcb
  readonly sent?: Segment
}

/**
 * The endpoint's reaction to `event` (with `seg` when a segment arrived), or `undefined` when
 * the table has no rule for it in the current state: the code refuses it.
 */
export function react(
  table: EventTable,
  tcb: Tcb,
  event: TcpEvent,
  seg?: Segment,
): Reaction | undefined {
  const rule = table[tcb.status]?.[event]
  if (rule === undefined) return undefined
  const [to, send] = rule
  let next: Tcb = { ...tcb, status: to }
  // What the arriving segment teaches us: the peer's initial sequence number, or its FIN.
  if (seg !== undefined && (event === 'rcv SYN' || event === 'rcv SYN,ACK') && isSynchronizing(tcb))
    next = { ...next, rcvNxt: seg.seq + 1 }
  if (event === 'rcv FIN') next = { ...next, rcvNxt: next.rcvNxt + 1 }
  let sent: Segment | undefined
  switch (send) {
    case 'SYN':
      sent = { ctl: 'SYN', seq: next.iss }
      next = { ...next, sndNxt: next.iss + 1 }
      break
    case 'SYN,ACK':
      sent = { ctl: 'SYN,ACK', seq: next.iss, ack: next.rcvNxt }
      next = { ...next, sndNxt: next.iss + 1 }
      break
    case 'ACK':
      sent = { ctl: 'ACK', seq: next.sndNxt, ack: next.rcvNxt }
      break
    case 'FIN':
      sent = { ctl: 'FIN,ACK', seq: next.sndNxt, ack: next.rcvNxt }
      next = { ...next, sndNxt: next.sndNxt + 1 }
      break
    case 'RST':
      sent = resetFor(seg!)
      break
    case 'probe':
      sent = { ctl: 'ACK', seq: next.sndNxt - 1, ack: next.rcvNxt }
      break
  }
  // A connection that ends forgets its numbers; the next one starts afresh from the same iss.
  if (to === 'CLOSED' || to === 'LISTEN') next = closedTcbLike(next, to)
  return sent === undefined ? { event, tcb: next } : { event, tcb: next, sent }
}

const isSynchronizing = (tcb: Tcb): boolean => tcb.status === 'LISTEN' || tcb.status === 'SYN_SENT'

const closedTcbLike = (tcb: Tcb, status: 'CLOSED' | 'LISTEN'): Tcb => ({
  ...closedTcb(tcb.iss),
  status,
})

/** RFC 793's reset for a segment: take the sequence number from its ACK, or acknowledge it. */
function resetFor(seg: Segment): Segment {
  if (seg.ack !== undefined) return { ctl: 'RST', seq: seg.ack }
  return { ctl: 'RST,ACK', seq: 0, ack: seg.seq + (isSyn(seg) || seg.ctl === 'FIN,ACK' ? 1 : 0) }
}
