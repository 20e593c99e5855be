import type { TraceEvent } from '@musil/core'
import {
  BaseNode,
  type Context,
  formatSimTrace,
  NetworkModel,
  simulateSeed,
  toMermaidSequence,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

class Client extends BaseNode {
  override onStart(ctx: Context): void {
    ctx.send('server', 'x;y#z')
    ctx.setTimer('retry', 2.5)
  }
  override onTimer(ctx: Context): void {
    ctx.send('server', { op: 'get' })
  }
}
class Server extends BaseNode {
  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (typeof payload === 'object') ctx.send(src, 42)
  }
}

const trace = simulateSeed(
  () => ({ client: new Client(), server: new Server() }),
  {
    snapshot: () => 0,
    network: new NetworkModel({ mutate: (_s, _d, p) => (p === 42 ? -1 : p) }).link(
      'client',
      'server',
      { loss: 0.5 },
    ),
  },
  7, // a seed that loses the first message and delivers the second
).trace

describe('formatSimTrace', () => {
  it('prints one event per line, virtual time first, aligned', () => {
    expect(formatSimTrace(trace)).toBe(
      [
        '  t=0  start    client',
        '  t=0  send     client -> server  "x;y#z"  (msg #0)',
        '  t=0  drop     client -> server  "x;y#z"  (msg #0 lost in transit)',
        '  t=0  start    server',
        "t=2.5  timer    client  'retry'",
        't=2.5  send     client -> server  {op: "get"}  (msg #1)',
        't=3.5  deliver  client -> server  {op: "get"}  (msg #1)',
        't=3.5  send     server -> client  42  (msg #2)',
        't=3.5  corrupt  server -> client  -1  (msg #2 corrupted in transit)',
        't=4.5  deliver  server -> client  -1  (msg #2)',
      ].join('\n'),
    )
  })

  it('can hide sends and cut long payloads', () => {
    const long: TraceEvent[] = [
      { t: 1, kind: 'deliver', src: 'a', dst: 'b', payload: 'x'.repeat(50), detail: 'msg #0' },
    ]
    expect(formatSimTrace(long, { maxPayload: 10 })).toBe(
      't=1  deliver  a -> b  "xxxxxxxx…  (msg #0)',
    )
    expect(formatSimTrace(trace, { hideSends: true }).split('\n')).toHaveLength(7)
  })
})

describe('toMermaidSequence', () => {
  it('draws messages as arrows when they arrive or drop, and the rest as notes', () => {
    expect(toMermaidSequence(trace)).toBe(
      [
        'sequenceDiagram',
        '  participant p0 as client',
        '  participant p1 as server',
        '  Note over p0: t=0 start',
        '  p0-xp1: t=0 m0 "x#59;y#35;z" (lost in transit)',
        '  Note over p1: t=0 start',
        '  Note over p0: t=2.5 timer retry',
        '  p0->>p1: t=3.5 m1 {op: "get"}',
        '  Note over p1: t=3.5 m2 corrupted to -1',
        '  p1->>p0: t=4.5 m2 -1',
      ].join('\n'),
    )
  })

  it('spans partitions over every participant', () => {
    const events: TraceEvent[] = [
      { t: 0, kind: 'start', node: 'a' },
      { t: 0, kind: 'start', node: 'b' },
      { t: 5, kind: 'partition', name: 'fault #0', detail: '[a] | [b]' },
      { t: 9, kind: 'crash', node: 'b' },
    ]
    expect(toMermaidSequence(events).split('\n').slice(5)).toEqual([
      '  Note over p0,p1: t=5 partition [a] | [b]',
      '  Note over p1: t=9 crash',
    ])
  })
})
