import { check, checkLiveness } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { fairLock, producerConsumerChapter } from './chapter.ts'
import { consumerServed, producerConsumer } from './producer-consumer.ts'

describe('producer-consumer', () => {
  it('check-then-act overflows the buffer: the shortest race', () => {
    const v = check(producerConsumer()).violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('withinCapacity')
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'checkRoom(0)',
      'checkRoom(1)',
      'put(0)',
      'checkRoom(0)',
      'put(0)',
      'put(1)',
    ])
    expect(v.trace.at(-1)!.state.items).toBe(3)
  })

  it('a single producer cannot race itself', () => {
    expect(check(producerConsumer({ producers: 1 })).ok).toBe(true)
  })

  it.each([1, 2, 3])('the atomic put never overflows a buffer of %i', (capacity) => {
    const r = check(producerConsumer({ capacity, put: 'atomic', producers: 3 }))
    expect(r.ok).toBe(true)
  })

  it('with a fair lock every waiting consumer is eventually served', () => {
    const m = producerConsumer({ put: 'atomic' })
    for (const i of [0, 1]) {
      const r = checkLiveness(m, { goal: consumerServed(i), everywhere: true, ...fairLock })
      expect(r.ok).toBe(true)
      expect(r.warnings).toEqual([])
    }
  })

  it('under weak fairness alone one consumer can take every item while the other waits', () => {
    const r = checkLiveness(producerConsumer({ put: 'atomic' }), {
      goal: consumerServed(0),
      goalName: 'consumer 0 served',
      everywhere: true,
      fair: 'all',
    })
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.prefix.map((s) => s.action)).toEqual(['init', 'want(0)'])
    // TLC finds the same lasso (see the chapter page): want(0), then put, want(1), take(1) forever.
    expect(v.cycle.map((s) => s.action)).toEqual(['put(0)', 'want(1)', 'take(1)'])
    // take(0) is enabled along the cycle, but not continuously: the buffer empties at its end.
    expect(v.cycle.at(-1)!.state.items).toBe(0)
    expect(v.cycle.every((s) => s.state.consumers[0] === 'waiting')).toBe(true)
  })

  it('a fair lock is not enough if nobody is obliged to produce: the consumer waits on an empty buffer', () => {
    const r = checkLiveness(producerConsumer({ put: 'atomic' }), {
      goal: consumerServed(0),
      everywhere: true,
      strongFair: ['take'],
    })
    expect(r.violation!.prefix.map((s) => s.action)).toEqual(['init', 'want(0)'])
    expect(r.violation!.cycle).toEqual([
      {
        action: '(stutter)',
        state: { items: 0, producers: ['idle', 'idle'], consumers: ['waiting', 'idle'] },
      },
    ])
  })

  // ProducerConsumer.tla with TLC (cc6b616cf7, -workers 1): the atomic model has 12 distinct /
  // 37 generated states, depth 5; Consumer0Served fails under WeakSpec and holds under
  // FairLockSpec; the race violates WithinCapacity at depth 7 (Race.cfg).
  it('matches TLC', () => {
    const atomic = check(producerConsumer({ put: 'atomic' }))
    expect(atomic.stats).toMatchObject({ distinct: 12, generated: 37, depth: 5 })
    expect(check(producerConsumer()).violation!.trace).toHaveLength(7)
  })

  it('rejects bad options', () => {
    expect(() => producerConsumer({ capacity: 0 })).toThrow(
      new RangeError('producerConsumer: capacity must be an integer of at least 1, got 0'),
    )
    expect(() => producerConsumer({ consumers: 1.5 })).toThrow(
      'consumers must be an integer of at least 1',
    )
    expect(() => producerConsumer({ put: 'locked' as never })).toThrow(
      `producerConsumer: put must be 'check-then-act' or 'atomic', got "locked"`,
    )
  })

  it('the chapter finds the bug and verifies the fix', () => {
    expect(producerConsumerChapter.bug()).toEqual({
      ok: true,
      summary: 'buffer overflow: 3 items in a buffer of 2 after 6 steps',
    })
    expect(producerConsumerChapter.fix()).toEqual({
      ok: true,
      summary: 'atomic put: 12 states, never overflows, and every waiting consumer is served',
    })
  })
})
