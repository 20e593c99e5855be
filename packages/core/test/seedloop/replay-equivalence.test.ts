// seedloop tests/test_replay_equivalence.py: the same seed gives the same timeline.
import { replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { recorded, seedloopTest } from './conformance.ts'

/** Random draws, sleeps and two concurrent tasks: the whole surface a seed drives. */
const mixed: Scenario = async (world) => {
  const worker = (name: string) => async () => {
    for (let i = 0; i < 3; i++) {
      await world.sleep(world.rng.int(1, 5) * 1000)
      world.record([name, world.now(), world.rng.random()])
    }
  }
  await Promise.all([
    world.spawn('a', worker('a')).finished,
    world.spawn('b', worker('b')).finished,
  ])
}

describe('seedloop tests/test_replay_equivalence.py', () => {
  seedloopTest('test_replay_equivalence::test_same_seed_same_timeline', async () => {
    const first = await replay(mixed, { seed: 12345 })
    const second = await replay(mixed, { seed: 12345 })
    expect(second.timeline).toEqual(first.timeline)
    expect(second.digest).toBe(first.digest)
    expect(recorded(first.timeline)).toHaveLength(6) // two workers, three records each
  })

  seedloopTest(
    'test_replay_equivalence::test_replay_reproduces_identically_many_times',
    async () => {
      const baseline = await replay(mixed, { seed: 999 })
      for (let i = 0; i < 50; i++)
        expect((await replay(mixed, { seed: 999 })).digest).toBe(baseline.digest)
    },
  )

  seedloopTest('test_replay_equivalence::test_record_stamps_the_virtual_time', async () => {
    const report = await replay(
      async (world) => {
        world.record('tick')
        await world.sleep(5000)
        world.record('tick')
      },
      { seed: 1 },
    )
    expect(report.timeline.filter((e) => e.kind === 'user').map((e) => [e.t, e.payload])).toEqual([
      [0, 'tick'],
      [5000, 'tick'],
    ])
  })

  seedloopTest('test_replay_equivalence::test_different_seeds_can_differ', async () => {
    const digests = new Set<string>()
    for (let seed = 0; seed < 10; seed++) digests.add((await replay(mixed, { seed })).digest)
    expect(digests.size).toBeGreaterThan(1)
  })

  seedloopTest('test_replay_equivalence::test_cross_seed_isolation', async () => {
    // A, then B, then A again: no state bleeds from one run into the next.
    const a = await replay(mixed, { seed: 7 })
    await replay(mixed, { seed: 8 })
    expect((await replay(mixed, { seed: 7 })).timeline).toEqual(a.timeline)
  })

  seedloopTest('test_replay_equivalence::test_secrets_are_seeded_within_a_run', async () => {
    const uuid: Scenario = async (world) => {
      world.record(crypto.randomUUID())
    }
    const a = await replay(uuid, { seed: 42 })
    expect((await replay(uuid, { seed: 42 })).timeline).toEqual(a.timeline)
    expect(recorded((await replay(uuid, { seed: 43 })).timeline)).not.toEqual(recorded(a.timeline))
  })

  seedloopTest('test_replay_equivalence::test_replay_public_entry_runs', async () => {
    const ran: number[] = []
    const report = await replay(
      async (world) => {
        ran.push(world.seed)
      },
      { seed: 5 },
    )
    expect(ran).toEqual([5])
    expect(report.seed).toBe(5)
  })
})
