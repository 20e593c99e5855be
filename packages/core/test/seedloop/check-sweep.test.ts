// seedloop tests/test_check_sweep.py: a sweep runs seeds and reports the first failure.
import { explore, replay, type Scenario, WorldUsageError } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, seedloopTest } from './conformance.ts'

/** Fails iff the seed's first user draw lands in the top tenth. */
const unlucky: Scenario = async (world) => {
  if (!(world.rng.random() < 0.9)) throw new Error('unlucky draw')
}

describe('seedloop tests/test_check_sweep.py', () => {
  seedloopTest('test_check_sweep::test_all_seeds_pass', async () => {
    const report = await explore(
      async (world) => {
        world.record(world.rng.random())
      },
      { seeds: 20 },
    )
    expect(report.ok).toBe(true)
    expect(report.runs).toBe(20)
    expect(report.failure).toBeUndefined()
  })

  seedloopTest('test_check_sweep::test_sweep_finds_the_failing_seed', async () => {
    const report = await explore(unlucky, { seeds: 200 })
    expect(report.ok).toBe(false)
    const failure = report.failure!
    expect(failure.kind).toBe('error')
    expect(failure.detail).toBe('the scenario threw Error: unlucky draw')
    // The reported seed is the reproduction: replaying it fails the same way, every time.
    for (let i = 0; i < 10; i++) {
      const again = await replay(unlucky, { seed: failure.seed })
      expect(again.failure?.detail).toBe(failure.detail)
    }
  })

  seedloopTest('test_check_sweep::test_explicit_seed_iterable', async () => {
    const seen: number[] = []
    const report = await explore(
      async (world) => {
        seen.push(world.seed)
      },
      { seeds: [3, 9, 27] },
    )
    expect(report.runs).toBe(3)
    expect(seen).toEqual([3, 9, 27])
  })

  seedloopTest('test_check_sweep::test_on_failure_raise_tags_the_seed', async () => {
    // No throw: the report carries the failing seed, the first of the sweep here.
    const report = await explore(
      async () => {
        throw new TypeError('boom')
      },
      { seeds: 5 },
    )
    expect(report.ok).toBe(false)
    expect(report.runs).toBe(1)
    expect(report.failure).toMatchObject({
      kind: 'error',
      seed: 0,
      detail: 'the scenario threw TypeError: boom',
    })
  })

  seedloopTest(
    'test_check_sweep::test_keyboardinterrupt_propagates_and_is_not_a_failing_seed',
    async () => {
      // A malformed seed half-way through rejects explore() itself: no report, no failing seed.
      const ran: number[] = []
      const outcome = await explore(
        async (world) => {
          ran.push(world.seed)
        },
        { seeds: [0, 1, 1.5, 3] },
      ).catch((e: unknown) => e)
      expect(outcome).toBeInstanceOf(WorldUsageError)
      expect((outcome as Error).message).toBe(
        'explore(): seed 1.5 is not a seed; seeds are non-negative safe integers',
      )
      expect(ran).toEqual([0, 1])
    },
  )

  seedloopTest('test_check_sweep::test_deadlock_surfaces_as_failure_not_hang', async () => {
    const report = await explore(
      async () => {
        await new Promise<void>(() => {}) // never resolved, nothing scheduled: a deadlock
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.detail).toMatch(/^every task is blocked and no timer is pending at t=0/)
  })

  seedloopTest('test_check_sweep::test_started_node_failure_is_reported', async () => {
    const report = await explore(
      async (world) => {
        world.spawn('node', async () => {
          throw new RangeError('node crashed')
        })
        await world.sleep(10)
      },
      { seeds: 1 },
    )
    expect(report.failure).toMatchObject({
      kind: 'error',
      seed: 0,
      detail: 'task "node" threw RangeError: node crashed',
    })
  })

  seedloopTest('test_check_sweep::test_started_node_runs', async () => {
    // Yielding once is not enough in musil: the seed picks between the scenario's wake-up and the
    // task's start, and on some seeds the scenario returns first, ending the run.
    const ranAfterYield = new Set<boolean>()
    for (let seed = 0; seed < 20; seed++) {
      let ran = false
      const report = await replay(
        async (world) => {
          world.spawn('node', () => {
            ran = true
          })
          await world.sleep(0)
        },
        { seed },
      )
      expect(report.ok).toBe(true)
      expect(ofKind(report.timeline, 'spawn')).toHaveLength(1)
      ranAfterYield.add(ran)
    }
    expect([...ranAfterYield].sort()).toEqual([false, true])
    // Awaiting the handle always lets the task run.
    for (let seed = 0; seed < 20; seed++) {
      let ran = false
      await replay(
        async (world) => {
          await world.spawn('node', () => {
            ran = true
          }).finished
        },
        { seed },
      )
      expect(ran).toBe(true)
    }
  })
})
