import { check, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { idempotentReceiverChapter } from './chapter.ts'
import { idempotentReceiver } from './idempotent-receiver.ts'
import { MAX_LATENCY, simulatePayments } from './idempotent-receiver-sim.ts'

describe('idempotent receiver', () => {
  it('a receiver that charges on every delivery charges a redelivered payment twice', () => {
    const v = check(idempotentReceiver({ dedup: 'naive' })).violation!
    expect(v.name).toBe('chargedOnce')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'send(p1)',
      'duplicate service → receiver charge(p1, sent 0)',
      'service → receiver charge(p1, sent 0)',
      'service → receiver charge(p1, sent 0)',
    ])
  })

  it('over a channel that never duplicates, the naive receiver is right: redelivery is the bug', () => {
    expect(check(idempotentReceiver({ dedup: 'naive', duplicating: false })).ok).toBe(true)
  })

  it('dedup by id, remembered forever, charges once', () => {
    expect(check(idempotentReceiver({ dedup: 'forever' }))).toMatchObject({
      ok: true,
      complete: true,
    })
  })

  it('a window as long as the longest redelivery delay charges once; one tick shorter does not', () => {
    for (const delay of [1, 2, 3, 4]) {
      const covered = check(idempotentReceiver({ dedup: delay, maxDelay: delay }))
      expect(covered.ok, `window ${delay}, delay ${delay}`).toBe(true)
      for (let window = 0; window < delay; window++) {
        const short = check(idempotentReceiver({ dedup: window, maxDelay: delay }))
        expect(short.violation?.name, `window ${window}, delay ${delay}`).toBe('chargedOnce')
      }
    }
  })

  it('the short window fails the way the page shows: the id is evicted before the late copy lands', () => {
    const v = check(idempotentReceiver({ dedup: 1, maxDelay: 2 })).violation!
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'send(p1)',
      'duplicate service → receiver charge(p1, sent 0)',
      'service → receiver charge(p1, sent 0)',
      'tick',
      'tick',
      'service → receiver charge(p1, sent 0)',
    ])
    expect(v.trace[5]!.state.seen).toEqual({})
  })
})

describe('idempotent receiver: the simulation', () => {
  it('charges twice without dedup, and with a window shorter than the gap between two copies', () => {
    expect(simulatePayments({}).failure?.name).toBe('chargedOnce')
    const f = simulatePayments({ window: 10 }).failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'chargedOnce', seed: 6 })
    expect(f.choices.duplicates).toEqual([{ src: 'service', dst: 'receiver', n: 1 }])
    // The two copies of p2 landed further apart than the window.
    const landed = f.minimized
      .filter((e) => e.kind === 'deliver' && (e.payload as { id: string }).id === 'p2')
      .map((e) => e.t)
    expect(landed).toHaveLength(2)
    expect(landed[1]! - landed[0]!).toBeGreaterThan(10)
    const again = simulatePayments({ window: 10 }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('charges once with a window as long as the latency bound, or remembered for ever', () => {
    expect(simulatePayments({ window: MAX_LATENCY })).toMatchObject({ ok: true, runs: 300 })
    expect(simulatePayments({ window: Infinity })).toMatchObject({ ok: true, runs: 300 })
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(idempotentReceiverChapter))
})
