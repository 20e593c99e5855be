import { explore, replay } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { lostUpdate, Mutex } from './async-lost-update.ts'

/** What every run checks: the invariant it registers with world.always, no goal. */
const ONE_INVARIANT = {
  invariants: ['counterCountsEveryIncrement'],
  goals: [],
  refinement: false,
  linearizable: false,
}

describe('the lost update in async code', () => {
  it('finds two read-modify-write increments losing one', async () => {
    const report = await explore(lostUpdate(), { seeds: 100 })
    expect(report.ok).toBe(false)
    const failure = report.failure!
    expect(failure.kind).toBe('safety')
    expect(failure.detail).toBe('invariant "counterCountsEveryIncrement" violated at t=0 ms')
    // The schedule that loses it: both reads are released before the second write.
    const io = failure.timeline
      .filter((e) => e.kind === 'run' && e.name !== 'start')
      .map((e) => `${e.node}:${e.name}`)
    expect(io.slice(0, 2).sort()).toEqual(['a:get', 'b:get'])
    expect(io.slice(2).map((x) => x.split(':')[1])).toEqual(['set', 'set'])
    const again = await replay(lostUpdate(), { seed: failure.seed })
    expect(again.timeline).toEqual(failure.timeline)
  })

  it.each(['mutex', 'cas'] as const)(
    'is fixed by %s, under random and PCT scheduling',
    async (increment) => {
      expect(await explore(lostUpdate({ increment }), { seeds: 500 })).toEqual({
        ok: true,
        runs: 500,
        checked: ONE_INVARIANT,
      })
      expect(await explore(lostUpdate({ increment }), { seeds: 500, strategy: 'pct' })).toEqual({
        ok: true,
        runs: 500,
        checked: ONE_INVARIANT,
      })
      expect(
        await explore(lostUpdate({ increment, busy: 12 }), { seeds: 500, strategy: 'pct' }),
      ).toEqual({
        ok: true,
        runs: 500,
        checked: ONE_INVARIANT,
      })
    },
  )

  it('finds the narrow window (one task starved for 12 steps) with PCT', async () => {
    const report = await explore(lostUpdate({ busy: 12 }), { seeds: 500, strategy: 'pct' })
    expect(report.failure?.kind).toBe('safety')
    const io = report
      .failure!.timeline.filter((e) => e.kind === 'run' && e.name !== 'start')
      .map((e) => `${e.node}:${e.name}`)
    // b made its twelve round trips, and both reads were released before either write.
    expect(io.filter((x) => x === 'b:ping')).toHaveLength(12)
    const at = (x: string): number => io.indexOf(x)
    expect(Math.max(at('a:get'), at('b:get'))).toBeLessThan(Math.min(at('a:set'), at('b:set')))
    expect(at('a:set')).toBeGreaterThan(-1)
    expect(at('b:set')).toBeGreaterThan(-1)
  })

  it('takes nothing from outside the world: the fixes pass in audit mode', async () => {
    expect(await explore(lostUpdate({ increment: 'mutex' }), { seeds: 100, audit: true })).toEqual({
      ok: true,
      runs: 100,
      checked: ONE_INVARIANT,
    })
    expect(await explore(lostUpdate({ increment: 'cas' }), { seeds: 100, audit: true })).toEqual({
      ok: true,
      runs: 100,
      checked: ONE_INVARIANT,
    })
  })

  it('has a FIFO mutex', async () => {
    const mutex = new Mutex()
    const order: string[] = []
    const holder = async (name: string): Promise<void> => {
      const unlock = await mutex.lock()
      order.push(`${name}+`)
      await Promise.resolve()
      order.push(`${name}-`)
      unlock()
    }
    await Promise.all([holder('x'), holder('y'), holder('z')])
    expect(order).toEqual(['x+', 'x-', 'y+', 'y-', 'z+', 'z-'])
  })
})
