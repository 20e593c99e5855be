/**
 * The header of a simulation failure describes the run its diff shows. The minimiser may show a
 * replay of the seed with fewer faults, which fails earlier than the seed's own run: the header
 * then quotes that replay, and says where the original is.
 */
import { type Context, formatSimTrace, NetworkModel, simulate } from '@musil/core'
import { describe, expect, it } from 'vitest'
import '../src/index.ts'
import { renderHtmlReport } from '../src/html-report.ts'
import { reportedFailure } from '../src/target.ts'
import { failureOf } from './helpers.ts'
import { Receiver, Sender } from './targets/lossy-nodes.ts'

// Half the messages are lost, so seed 3's own run reaches 8 deliveries late (msg #17, t=56);
// without the losses the eighth message arrives at t=26.
const lossy = simulate(() => ({ tx: new Sender(), rx: new Receiver() }), {
  seeds: [3],
  snapshot: (n) => ({ got: n.rx.got }),
  network: new NetworkModel({ loss: 0.5, minLatency: 1, maxLatency: 2 }),
  invariants: { fewerThanEight: (w) => w.got < 8 },
})

describe('the simulation failure header', () => {
  it('describes the minimised run the diff shows, not the original', () => {
    const failure = lossy.failure!
    expect(failure.detail).toBe(
      "invariant 'fewerThanEight' violated at t=56 after msg #17 tx -> rx 17; world {got: 8}",
    )
    expect(failure.minimizedDetail).toBe(
      "invariant 'fewerThanEight' violated at t=26 after msg #7 tx -> rx 7; world {got: 8}",
    )
    const f = failureOf(() => expect(lossy).toBeSafe())
    expect(f.message).toBe(
      [
        'expect(report).toBeSafe()',
        '',
        "safety failure on seed 3: invariant 'fewerThanEight' violated at t=26 after msg #7 tx -> rx 7; world {got: 8}",
        "trace minimised from 56 events to 26 by replaying seed 3 with fewer faults; the seed's own run fails at t=56 (failure.detail, failure.trace, or simulate with minimize: false); replay: run seed 3 alone (seeds: [3]), or MUSIL_SEED=3 with simTest",
      ].join('\n'),
    )
    expect(f.actual).toBe(formatSimTrace(failure.minimized))
    expect(f.actual.split('\n').at(-1)).toBe('t=26  deliver  tx -> rx  7  (msg #7)')
  })

  it('says when minimisation only left events out, and when it left none out', () => {
    const sliced = simulate(() => ({ tx: new Sender(), rx: new Receiver() }), {
      seeds: [3],
      snapshot: (n) => ({ got: n.rx.got }),
      network: new NetworkModel({ loss: 0.5, minLatency: 1, maxLatency: 2 }),
      invariants: { fewerThanEight: (w) => w.got < 8 },
      minimize: false,
    })
    expect(
      failureOf(() => expect(sliced).toBeSafe())
        .message.split('\n')
        .slice(2),
    ).toEqual([
      "safety failure on seed 3: invariant 'fewerThanEight' violated at t=56 after msg #17 tx -> rx 17; world {got: 8}",
      'trace: 56 events, the whole run; replay: run seed 3 alone (seeds: [3]), or MUSIL_SEED=3 with simTest',
    ])
  })

  it('says which events the slice left out when the run itself is the original', () => {
    // No faults to drop: the run is the seed's own; the idle node's start is not in the slice.
    const report = simulate(
      () => ({ tx: new Sender(), rx: new Receiver(), idle: new Receiver() }),
      {
        seeds: [0],
        snapshot: (n) => ({ got: n.rx.got }),
        invariants: { fewerThanTwo: (w) => w.got < 2 },
      },
    )
    expect(
      failureOf(() => expect(report).toBeSafe())
        .message.split('\n')
        .slice(2),
    ).toEqual([
      "safety failure on seed 0: invariant 'fewerThanTwo' violated at t=7 after msg #1 tx -> rx 1; world {got: 2}",
      'trace minimised from 9 events to 8, leaving out events the failure does not depend on (failure.trace has them all); replay: run seed 0 alone (seeds: [0]), or MUSIL_SEED=0 with simTest',
    ])
  })

  it('puts the minimised run in the HTML report, and the original next to it', () => {
    const shown = reportedFailure(lossy.failure!)
    expect(shown).toMatchObject({
      kind: 'safety',
      seed: 3,
      detail: "invariant 'fewerThanEight' violated at t=26 after msg #7 tx -> rx 7; world {got: 8}",
      originalDetail:
        "invariant 'fewerThanEight' violated at t=56 after msg #17 tx -> rx 17; world {got: 8}",
      originalLength: 56,
    })
    const html = renderHtmlReport([{ test: 'lossy.test.ts > counts', seed: 3, failure: shown }])
    expect(html).toContain(
      '<dt>failure</dt><dd>safety: invariant &#39;fewerThanEight&#39; violated at t=26 after msg #7 tx -&gt; rx 7; world {got: 8}</dd>',
    )
    expect(html).toContain(
      '<dt>unminimised</dt><dd>the seed&#39;s own run, with every fault, fails otherwise: invariant &#39;fewerThanEight&#39; violated at t=56 after msg #17 tx -&gt; rx 17; world {got: 8}</dd>',
    )
    expect(html).toContain('<h3>trace (minimised from 56 events)</h3>')
  })

  it("gives the report's stepper each event's own line, even when a timer's name holds a newline", () => {
    class Ticker extends Sender {
      override onStart(ctx: Context): void {
        ctx.setTimer('tick\nagain', 3)
      }
    }
    const run = simulate(() => ({ tx: new Ticker(), rx: new Receiver() }), {
      seeds: [3],
      snapshot: (n) => ({ got: n.rx.got }),
      invariants: { fewerThanThree: (w) => w.got < 3 },
    })
    const events = reportedFailure(run.failure!).events!
    const timer = events.findIndex((e) => e.kind === 'timer')
    expect(timer).toBeGreaterThan(0)
    expect(events[timer]!.line).toMatch(/^t=3 {2}timer {2}tx {2}'tick\nagain'$/)
    // Every event after it still gets its own line, not its neighbour's.
    for (const e of events) expect(e.line.startsWith(`t=${e.t} `)).toBe(true)
    expect(events.at(-1)!.line).toMatch(/deliver/)
  })
})
