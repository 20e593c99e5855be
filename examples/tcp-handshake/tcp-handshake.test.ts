import { type Successor, successors } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  classify,
  closedTcb,
  type EventTable,
  figure6,
  figure6WithoutClosing,
  react,
  rfc793,
  type Segment,
  type Tcb,
} from './tcp-endpoint.ts'
import {
  arrows,
  type Connection,
  checkClosing,
  checkTcp,
  closedDown,
  coverage,
  endpoint,
  net,
  type Side,
  synchronizedAgree,
  tcpModel,
} from './tcp-handshake.ts'

/** RFC 793 Figure 6 as RFC 9293's Figure 5 redraws it, arrow by arrow (less LISTEN's SEND): RFC 793's 18 and the reset back to LISTEN. */
const FIGURE_6_ARROWS = [
  'CLOSED -> LISTEN',
  'CLOSED -> SYN_SENT',
  'LISTEN -> SYN_RECEIVED',
  'LISTEN -> CLOSED',
  'SYN_SENT -> SYN_RECEIVED',
  'SYN_SENT -> ESTABLISHED',
  'SYN_SENT -> CLOSED',
  'SYN_RECEIVED -> ESTABLISHED',
  'SYN_RECEIVED -> FIN_WAIT_1',
  'SYN_RECEIVED -> LISTEN',
  'ESTABLISHED -> FIN_WAIT_1',
  'ESTABLISHED -> CLOSE_WAIT',
  'FIN_WAIT_1 -> FIN_WAIT_2',
  'FIN_WAIT_1 -> CLOSING',
  'FIN_WAIT_2 -> TIME_WAIT',
  'CLOSE_WAIT -> LAST_ACK',
  'CLOSING -> TIME_WAIT',
  'LAST_ACK -> CLOSED',
  'TIME_WAIT -> CLOSED',
]

const arrowList = (table: EventTable): string[] =>
  Object.entries(arrows(table)).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`))

describe('TCP handshake and teardown: the model is built from the endpoint’s event table', () => {
  it('transcribes Figure 6: the table draws exactly the diagram’s arrows', () => {
    expect(arrowList(figure6).sort()).toEqual([...FIGURE_6_ARROWS].sort())
    // The RFC's table adds self-loops and resets, and no arrow between two other states.
    const extra = arrowList(rfc793).filter((a) => !FIGURE_6_ARROWS.includes(a))
    for (const a of extra) {
      const [from, to] = a.split(' -> ')
      expect(from === to || to === 'CLOSED', a).toBe(true)
    }
  })

  it('finds that a teardown without CLOSING deadlocks when both ends close at once', () => {
    const r = checkTcp(figure6WithoutClosing)
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'A OPEN active(SYN_SENT)',
      'B OPEN passive(LISTEN)',
      'B rcv SYN(SYN_RECEIVED)',
      'A rcv SYN,ACK(ESTABLISHED)',
      'A CLOSE(FIN_WAIT_1)',
      'B rcv ACK(ESTABLISHED)',
      'B CLOSE(FIN_WAIT_1)',
    ])
    const last = r.violation!.trace.at(-1)!.state
    // Each end has the other's FIN in front of it, and no rule of FIN_WAIT_1 takes a FIN.
    const heads = net.deliverable(last.net)
    expect(heads.map((env) => `${env.from} → ${env.to} ${env.msg.ctl}`).sort()).toEqual([
      'A → B FIN,ACK',
      'B → A FIN,ACK',
    ])
    for (const env of heads) {
      const to = endpoint(last, env.to as Side)
      expect(to.status).toBe('FIN_WAIT_1')
      expect(classify(to, env.msg)).toBe('rcv FIN')
      expect(react(figure6WithoutClosing, to, 'rcv FIN', env.msg)).toBeUndefined()
    }
  })

  it('verifies Figure 6 while nobody crashes: CLOSING handles the simultaneous close', () => {
    const r = checkTcp(figure6)
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats.distinct).toBe(30)
    expect(checkClosing(figure6).ok).toBe(true)
    expect(coverage(figure6).unreachable).toEqual([])
  })

  it('finds that after a crash Figure 6 strands the survivor in a half-open connection', () => {
    const r = checkTcp(figure6, { crashes: 1 })
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace.map((s) => s.action)).toContain('crash(A)')
    const last = r.violation!.trace.at(-1)!.state
    expect(endpoint(last, 'B').status).toBe('SYN_RECEIVED')
    // The restarted A has a SYN,ACK for the connection it forgot in front of it, and Figure 6
    // has no arrow for an ACK of something A never sent.
    const toA = net.deliverable(last.net).find((env) => env.to === 'A')!
    const a = endpoint(last, 'A')
    expect(toA.msg.ctl).toBe('SYN,ACK')
    expect(react(figure6, a, classify(a, toA.msg), toA.msg)).toBeUndefined()
    const lasso = checkClosing(figure6, { crashes: 1 }).violation
    expect(lasso?.cycle.map((s) => s.action)).toEqual(['(stutter)'])
  })

  it('strands an ESTABLISHED survivor forever under Figure 6, and never under RFC 793', () => {
    // Walk to: both ESTABLISHED, then A crashes.
    const walk = [
      'A OPEN active(SYN_SENT)',
      'B OPEN passive(LISTEN)',
      'B rcv SYN(SYN_RECEIVED)',
      'A rcv SYN,ACK(ESTABLISHED)',
      'B rcv ACK(ESTABLISHED)',
      'crash(A)',
      'restart(A)',
    ]
    const canCloseAgain = (table: EventTable): boolean => {
      const model = tcpModel(table, { crashes: 1 })
      const label = (next: Successor<Connection>) => {
        const a = model.actions[next.action]!
        if (a.kind === 'single') return a.name
        return a.label?.(next.param) ?? `${a.name}(${String(next.param)})`
      }
      let s = model.init[0]!
      for (const step of walk) s = successors(model, s).find((n) => label(n) === step)!.state
      expect([endpoint(s, 'A').status, endpoint(s, 'B').status]).toEqual(['CLOSED', 'ESTABLISHED'])
      const seen = new Set([JSON.stringify(s)])
      const queue = [s]
      for (const x of queue) {
        if (closedDown(x)) return true
        for (const n of successors(model, x)) {
          const key = JSON.stringify(n.state)
          if (seen.has(key)) continue
          seen.add(key)
          queue.push(n.state)
        }
      }
      return false
    }
    expect(canCloseAgain(figure6)).toBe(false)
    expect(canCloseAgain(rfc793)).toBe(true)
  })

  it.each([
    [0, 100],
    [1, 1277],
    [2, 7904],
  ])(
    'verifies RFC 793 with its resets, crash budget %i: %i states, consistent, every connection closes',
    (crashes, states) => {
      const r = checkTcp(rfc793, { crashes })
      expect(r.ok).toBe(true)
      expect(r.complete).toBe(true)
      expect(r.stats.distinct).toBe(states)
      expect(checkClosing(rfc793, { crashes }).ok).toBe(true)
    },
  )

  it.each([
    'rcv stray',
    'rcv bad ACK',
    'rcv old',
    'rcv RST',
    'timeout rexmt',
    'timeout keepalive',
  ] as const)(
    'needs every kind of rule RFC 793 adds: without %s some connection never closes',
    (event) => {
      const without = Object.fromEntries(
        Object.entries(rfc793).map(([state, row]) => [
          state,
          Object.fromEntries(Object.entries(row).filter(([e]) => e !== event)),
        ]),
      ) as EventTable
      expect(checkTcp(without, { crashes: 1 }).violation?.kind).toBe('deadlock')
      expect(checkClosing(without, { crashes: 1 }).ok).toBe(false)
    },
  )

  it('replays RFC 793 Figure 10 (half-open connection discovery) on the code', () => {
    let a: Tcb = { status: 'ESTABLISHED', iss: 100, sndNxt: 101, rcvNxt: 301 }
    let b: Tcb = { status: 'ESTABLISHED', iss: 300, sndNxt: 301, rcvNxt: 101 }
    const step = (tcb: Tcb, seg: Segment, table: EventTable = rfc793) =>
      react(table, tcb, classify(tcb, seg), seg)
    // A crashes and reconnects with a new initial sequence number.
    a = closedTcb(400)
    const open = react(rfc793, a, 'OPEN active')!
    expect(open.sent).toEqual({ ctl: 'SYN', seq: 400 })
    // Figure 6 alone has nothing to say to a SYN that does not fit the connection.
    expect(step(b, open.sent!, figure6)).toBeUndefined()
    // B answers with where it really is; A resets what it never asked for; B aborts.
    const challenge = step(b, open.sent!)!
    expect(challenge.sent).toEqual({ ctl: 'ACK', seq: 301, ack: 101 })
    const reset = step(open.tcb, challenge.sent!)!
    expect(reset.event).toBe('rcv bad ACK')
    expect(reset.sent).toEqual({ ctl: 'RST', seq: 101 })
    b = step(challenge.tcb, reset.sent!)!.tcb
    expect(b.status).toBe('CLOSED')
    // A's retransmitted SYN now finds B listening, and a fresh connection is synchronized.
    a = reset.tcb
    const again = react(rfc793, a, 'timeout rexmt')!
    b = react(rfc793, b, 'OPEN passive')!.tcb
    const synAck = step(b, again.sent!)!
    const ack = step(again.tcb, synAck.sent!)!
    b = step(synAck.tcb, ack.sent!)!.tcb
    a = ack.tcb
    expect([a.status, b.status]).toEqual(['ESTABLISHED', 'ESTABLISHED'])
    expect(synchronizedAgree({ tcp: { A: a, B: b } } as never)).toBe(true)
    expect([a.sndNxt, a.rcvNxt, b.sndNxt, b.rcvNxt]).toEqual([401, 301, 301, 401])
  })

  it('uses every state and all but the rules its applications never call for', () => {
    expect(coverage(rfc793, { crashes: 1 })).toEqual({
      unreachable: [],
      unusedRules: [
        'LISTEN: CLOSE', // the server never stops listening before a client comes
        'SYN_SENT: rcv SYN', // simultaneous open: B never opens actively
        'SYN_SENT: CLOSE', // applications close only the connections they have
        'SYN_RECEIVED: CLOSE',
        'SYN_RECEIVED: rcv dup ACK',
        'SYN_RECEIVED: rcv stray RST',
        'ESTABLISHED: rcv stray RST',
        'FIN_WAIT_1: rcv stray RST',
        'FIN_WAIT_2: rcv stray RST',
      ],
    })
  })

  it('is deterministic: two checks give the same trace and counts', () => {
    const a = checkTcp(figure6, { crashes: 1 })
    const b = checkTcp(figure6, { crashes: 1 })
    expect(JSON.stringify(a.violation)).toBe(JSON.stringify(b.violation))
    expect(a.stats.generated).toBe(b.stats.generated)
  })

  it('rejects a bad crash budget by name', () => {
    expect(() => tcpModel(rfc793, { crashes: -1 })).toThrow(/crashes/)
  })
})
