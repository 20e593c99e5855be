// seedloop tests/test_timer_order.py: timers with equal deadlines, and cancelled timers.
import { replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

describe('seedloop tests/test_timer_order.py', () => {
  seedloopTest('test_timer_order::test_equal_deadlines_fire_in_scheduling_order', async () => {
    const scenario: Scenario = async (world) => {
      const sleeper = (name: string) =>
        world.spawn(name, async () => {
          await world.sleep(1000)
          world.record(name)
        })
      const all = ['first', 'second', 'third'].map(sleeper)
      await Promise.all(all.map((h) => h.finished))
    }
    const orders = new Set<string>()
    for (let seed = 0; seed < 40; seed++) {
      const report = await replay(scenario, { seed })
      expect(ofKind(report.timeline, 'user').map((e) => e.t)).toEqual([1000, 1000, 1000])
      const order = recorded(report.timeline).join(' ')
      expect(recorded((await replay(scenario, { seed })).timeline).join(' ')).toBe(order)
      orders.add(order)
    }
    // Every one of the 3! orders occurs, seedloop's "first second third" among them.
    expect(orders.size).toBe(6)
  })

  seedloopTest('test_timer_order::test_cancelled_timer_does_not_fire', async () => {
    // runUntil's deadline is a timer; the goal reached first cancels it, and it never fires.
    const report = await replay(
      async (world) => {
        let done = false
        world.spawn('worker', async () => {
          await world.sleep(100)
          done = true
        })
        await world.runUntil(() => done, { deadline: 1000, name: 'workerDone' })
        world.record(world.now())
        await world.sleep(2000)
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(recorded(report.timeline)).toEqual([100])
    expect(ofKind(report.timeline, 'timer').map((e) => e.name)).toEqual(['sleep', 'sleep'])
  })

  seedloopTest(
    'test_timer_order::test_cancelling_the_earliest_timer_advances_to_the_next',
    async () => {
      // The earliest timer (a receive timeout at 1 s) is cancelled by a delivery: the clock then
      // jumps straight to the next live deadline, 3 s, with nothing at 1 s.
      const report = await replay(
        async (world) => {
          const a = world.net.bind('a')
          const b = world.net.bind('b')
          a.send('b', 'early')
          await b.recv({ timeout: 1000 })
          await world.sleep(3000 - world.now())
          world.record(world.now())
        },
        { seed: 0 },
      )
      expect(recorded(report.timeline)).toEqual([3000])
      expect(report.timeline.some((e) => e.t === 1000)).toBe(false)
      expect(ofKind(report.timeline, 'timer').map((e) => [e.t, e.name])).toEqual([[3000, 'sleep']])
    },
  )

  seedloopTest('test_timer_order::test_call_soon_runs_before_a_zero_delay_timer', async () => {
    const scenario: Scenario = async (world) => {
      const soon = world.spawn('soon', () => world.record('soon'))
      await world.sleep(0)
      world.record('timer0')
      await soon.finished
    }
    const orders = new Set<string>()
    for (let seed = 0; seed < 20; seed++)
      orders.add(recorded((await replay(scenario, { seed })).timeline).join(' '))
    expect([...orders].sort()).toEqual(['soon timer0', 'timer0 soon'])
  })
})
