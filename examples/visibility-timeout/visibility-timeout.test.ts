import { check, FaultSchedule, formatSimTrace, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { walk } from '../walk.ts'
import { visibilityTimeoutChapter } from './chapter.ts'
import { exactlyOnceDelivery, visibilityTimeout } from './visibility-timeout.ts'
import { simulateQueue } from './visibility-timeout-sim.ts'

describe('at-least-once queue: the model', () => {
  it('applies an effect twice when the timeout elapses before the delete (shortest trace)', () => {
    const r = check(visibilityTimeout())
    expect(r.violation?.name).toBe('effectAtMostOnce')
    expect(actionsOf(r.violation!.trace)).toEqual([
      'init',
      'receive(c1, m1)',
      'process(c1)',
      'expire(m1)',
      'receive(c2, m1)',
      'process(c2)',
    ])
    expect(r.violation!.trace.at(-1)!.state.effects).toEqual({ m1: 2, m2: 0 })
  })

  it('applies every effect exactly once with a dedup table, and always drains', () => {
    const r = check(visibilityTimeout({ processing: 'idempotent' }))
    expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 2437 } })
  })

  it('the consumers are interchangeable: one consumer, or three, gives the same verdicts', () => {
    expect(check(visibilityTimeout({ consumers: 1 })).violation?.name).toBe('effectAtMostOnce')
    const three = { messages: 1, consumers: 3, maxDeliveries: 3, processing: 'idempotent' } as const
    expect(check(visibilityTimeout(three)).ok).toBe(true)
  })

  it('a consumer crash changes nothing the timeout did not already allow', () => {
    const crashing = { messages: 1, maxCrashes: 1, maxDeliveries: 3 } as const
    expect(check(visibilityTimeout(crashing)).violation?.name).toBe('effectAtMostOnce')
    expect(check(visibilityTimeout({ ...crashing, processing: 'idempotent' })).ok).toBe(true)
  })

  it('still delivers a message twice: exactly-once delivery is not what the fix gives', () => {
    const v = check(exactlyOnceDelivery({ processing: 'idempotent' })).violation
    expect(v?.name).toBe('deliveredAtMostOnce')
    expect(actionsOf(v!.trace)).toEqual([
      'init',
      'receive(c1, m1)',
      'expire(m1)',
      'receive(c2, m1)',
    ])
  })

  it('a stale receipt handle deletes nothing: the message stays with its new consumer', () => {
    const m = visibilityTimeout({ processing: 'idempotent' })
    const stale = { from: 'c1', to: 'sqs', msg: { type: 'delete', m: 'm1', receipt: 1 } }
    const end = walk(m, [
      ['receive', ['c1', 'm1']],
      ['process', 'c1'],
      ['delete', 'c1'],
      ['expire', 'm1'],
      ['receive', ['c2', 'm1']],
      ['net.deliver', stale],
    ])
    expect(end.queue.m1).toBe(2)
    expect(end.consumers).toEqual({
      c1: { held: null },
      c2: { held: { m: 'm1', receipt: 2, phase: 'working' } },
    })
  })
})

describe('at-least-once queue: the simulation', () => {
  it('finds the double effect by seed, minimised and replayable', () => {
    const r = simulateQueue({ dedup: false })
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'effectAtMostOnce', seed: 2 })
    expect(Object.values(f.world.effects)).toContain(2)
    // The slow consumer's message came back: the queue's visibility timer fired.
    expect(formatSimTrace(f.minimized)).toContain("timer    queue  'visible m1 1'")
    // No fault to take away: the causal slice on the queue and the database is what shrinks it.
    expect(f.minimized.length).toBeLessThan(f.originalLength)
    const again = simulateQueue({ dedup: false }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('applies every effect exactly once with the dedup table, on 300 seeds', () => {
    expect(simulateQueue({ dedup: true })).toMatchObject({ ok: true, runs: 300 })
  })

  it('redelivers even with the dedup table: the invariant belongs on effects', () => {
    const f = simulateQueue({ dedup: true, invariant: 'deliveries' }).failure
    expect(f?.name).toBe('deliveredAtMostOnce')
    expect(Object.values(f!.world.effects).every((n) => n <= 1)).toBe(true)
  })

  it('a longer timeout hides the slow consumer, but a crash before the delete still doubles the effect', () => {
    expect(simulateQueue({ dedup: false, visibilityTimeout: 100 }).ok).toBe(true)
    const faults = new FaultSchedule().crash('c1', { at: 20, restartAt: 25 })
    const crashed = simulateQueue({ dedup: false, visibilityTimeout: 100, faults })
    expect(crashed.failure?.name).toBe('effectAtMostOnce')
    expect(crashed.failure!.trace.some((e) => e.kind === 'crash')).toBe(true)
    expect(simulateQueue({ dedup: true, visibilityTimeout: 100, faults }).ok).toBe(true)
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(visibilityTimeoutChapter))
})
