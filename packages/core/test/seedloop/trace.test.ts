// seedloop tests/test_trace.py: the timeline records in order and hands out snapshots.
import { replay, type TraceEvent } from '@musil/core'
import { describe, expect } from 'vitest'
import { recorded, seedloopTest } from './conformance.ts'

describe('seedloop tests/test_trace.py', () => {
  seedloopTest('test_trace::test_records_in_order', async () => {
    const report = await replay(
      async (world) => {
        for (const event of [1, 'two', { three: 3 }]) world.record(event)
      },
      { seed: 0 },
    )
    expect(recorded(report.timeline)).toEqual([1, 'two', { three: 3 }])
  })

  seedloopTest('test_trace::test_events_is_an_independent_snapshot', async () => {
    let snapshot: readonly TraceEvent[] = []
    let second: readonly TraceEvent[] = []
    const report = await replay(
      async (world) => {
        world.record(1)
        snapshot = world.timeline
        world.record(2)
        second = world.timeline
        // Changing a snapshot does not change the run's record.
        ;(second as TraceEvent[]).length = 0
      },
      { seed: 0 },
    )
    expect(recorded(snapshot)).toEqual([1])
    expect(second).toEqual([])
    expect(recorded(report.timeline)).toEqual([1, 2])
  })
})
