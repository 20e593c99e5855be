import { check, checkLiveness, formatSimTrace, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { outboxChapter } from './chapter.ts'
import { allPublished, outbox, outboxExactlyOnce } from './outbox.ts'
import { simulateOrders } from './outbox-sim.ts'

describe('the dual write', () => {
  it('db-first: a crash after the commit loses the event', () => {
    const v = check(outbox({ design: 'db-first' })).violation!
    expect(v.name).toBe('noLostEvent')
    expect(actionsOf(v.trace)).toEqual(['init', 'write(service, o1)', 'crash(service)'])
    expect(v.trace.at(-1)!.state).toMatchObject({ db: { orders: ['o1'] }, published: [] })
    // The crash took the volatile step (publish o1) with it; the database kept the order.
    expect(v.trace.at(-1)!.state.service).toEqual({ service: { step: 'idle' } })
  })

  it('publish-first: a crash before the commit invents an event', () => {
    const v = check(outbox({ design: 'publish-first' })).violation!
    expect(v.name).toBe('noInventedEvent')
    expect(actionsOf(v.trace)).toEqual(['init', 'publish(service, o1)', 'crash(service)'])
    expect(v.trace.at(-1)!.state).toMatchObject({ db: { orders: [] }, published: ['o1'] })
  })

  it('without crashes both orders are right: the crash is the whole bug', () => {
    expect(check(outbox({ design: 'db-first', maxCrashes: 0 })).ok).toBe(true)
    expect(check(outbox({ design: 'publish-first', maxCrashes: 0 })).ok).toBe(true)
  })
})

describe('the transactional outbox', () => {
  it('loses and invents nothing, whatever crashes (service or relay)', () => {
    expect(check(outbox({ design: 'outbox' }))).toMatchObject({
      ok: true,
      complete: true,
      stats: { distinct: 387 },
    })
    expect(check(outbox({ design: 'outbox', orders: 3 })).ok).toBe(true)
  })

  it('publishes every committed order, if the relay keeps working', () => {
    expect(checkLiveness(outbox({ design: 'outbox' }), allPublished).ok).toBe(true)
    // A relay that may stop forever proves nothing: stuttering refutes the goal.
    const lazy = checkLiveness(outbox({ design: 'outbox' }), { ...allPublished, fair: ['write'] })
    expect(lazy.ok).toBe(false)
  })

  it('is at-least-once: a relay crash between publishing and marking publishes twice', () => {
    const v = check(outboxExactlyOnce()).violation!
    expect(v.name).toBe('publishedOnce')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'write(service, o1)',
      'publish(relay, o1)',
      'crash(relay)',
      'restart(relay)',
      'publish(relay, o1)',
    ])
    expect(v.trace.at(-1)!.state.published).toEqual(['o1', 'o1'])
  })
})

describe('the dual write and the outbox in code', () => {
  it('db-first: the crash at 12 ms falls between o3’s commit and its publish', () => {
    const f = simulateOrders({ design: 'db-first' }).failure!
    expect(f).toMatchObject({ kind: 'goal', seed: 4 })
    expect(f.world).toEqual({ committed: ['o1', 'o2', 'o3'], published: ['o1', 'o2'] })
    expect(formatSimTrace(f.minimized)).toContain('t=12  crash    service')
    const again = simulateOrders({ design: 'db-first' }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('publish-first: the crash falls between o3’s publish and its commit', () => {
    const f = simulateOrders({ design: 'publish-first' }).failure!
    expect(f.world).toEqual({ committed: ['o1', 'o2'], published: ['o1', 'o2', 'o3'] })
    const again = simulateOrders({ design: 'publish-first' }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('the outbox publishes exactly the committed orders on 200 seeds, some of them twice', () => {
    expect(simulateOrders({ design: 'outbox' })).toMatchObject({ ok: true, runs: 200 })
    const twice = simulateOrders({ design: 'outbox', exactlyOnce: true }).failure
    expect(twice?.name).toBe('publishedOnce')
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(outboxChapter))
})
