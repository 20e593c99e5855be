// seedloop tests/test_clock_autojump.py: virtual time jumps to the next timer.
import { explore, replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { recorded, seedloopTest } from './conformance.ts'

/** Two tasks sleeping 1 s then 2 s, and 2 s then 1 s: both wake at t = 3 s. */
const timed: Scenario = async (world) => {
  const worker = (name: string, delays: number[]) => async () => {
    for (const ms of delays) {
      await world.sleep(ms)
      world.record([world.now(), name])
    }
  }
  const a = world.spawn('a', worker('a', [1000, 2000]))
  const b = world.spawn('b', worker('b', [2000, 1000]))
  await Promise.all([a.finished, b.finished])
}

describe('seedloop tests/test_clock_autojump.py', () => {
  seedloopTest('test_clock_autojump::test_sleep_advances_virtual_time_instantly', async () => {
    // Ten virtual seconds pass in one scheduling step: nothing real waits (no timer is set at
    // all; a real one would trip the boundary guard).
    const report = await replay(
      async (world) => {
        await world.sleep(10_000)
        world.record(world.now())
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(recorded(report.timeline)).toEqual([10_000])
    expect(report.time).toBe(10_000)
    expect(report.steps).toBe(2) // the start, then the one wake-up at t = 10 s
  })

  seedloopTest('test_clock_autojump::test_sequential_sleeps_sum_in_virtual_time', async () => {
    const report = await replay(
      async (world) => {
        await world.sleep(3000)
        await world.sleep(4000)
        world.record(world.now())
      },
      { seed: 0 },
    )
    expect(recorded(report.timeline)).toEqual([7000])
  })

  seedloopTest('test_clock_autojump::test_replay_equivalence_timed', async () => {
    const orders = new Set<string>()
    for (let seed = 0; seed < 20; seed++) {
      const first = await replay(timed, { seed })
      const second = await replay(timed, { seed })
      expect(second.timeline).toEqual(first.timeline) // the same seed, the same timeline
      const events = recorded(first.timeline) as [number, string][]
      expect(events.map(([t]) => t)).toEqual([1000, 2000, 3000, 3000])
      expect(events.slice(0, 2).map(([, n]) => n)).toEqual(['a', 'b'])
      orders.add(
        events
          .slice(2)
          .map(([, n]) => n)
          .join(''),
      )
    }
    // seedloop always fires a before b at t = 3 s (scheduling order); here both orders occur.
    expect([...orders].sort()).toEqual(['ab', 'ba'])
  })

  seedloopTest(
    'test_clock_autojump::test_quiescent_run_with_no_timer_raises_deadlock',
    async () => {
      const report = await explore(
        async (world) => {
          await world.sleep(5)
          await new Promise<void>(() => {})
        },
        { seeds: 1 },
      )
      expect(report.failure?.kind).toBe('deadlock')
      expect(report.failure?.time).toBe(5)
    },
  )
})
