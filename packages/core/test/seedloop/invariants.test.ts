// seedloop tests/test_invariants.py: world.always, checked after every scheduling step.
import { explore, InvariantError, MusilError, replay, type Scenario, type World } from '@musil/core'
import { describe, expect } from 'vitest'
import { seedloopTest } from './conformance.ts'

/** Ticks three times, a second apart; `before` runs first (to register invariants). */
const ticking =
  (before: (world: World) => void): Scenario =>
  async (world) => {
    before(world)
    const helper = world.spawn('helper', async () => world.sleep(1500))
    for (let i = 0; i < 3; i++) {
      await world.sleep(1000)
      world.record(['tick', world.now()])
    }
    await helper.finished
  }

/** Breaks its invariant after the step at t = 1 s. */
const breaksAtOneSecond =
  (name: string): Scenario =>
  async (world) => {
    let breached = false
    world.always(() => !breached, name)
    await world.sleep(1000)
    breached = true // false from the end of this step, at t = 1000 ms
    await world.sleep(1000)
  }

describe('seedloop tests/test_invariants.py', () => {
  seedloopTest(
    'test_invariants::test_passing_invariant_does_not_fire_or_change_timeline',
    async () => {
      // Checking an invariant that holds changes nothing: the same timeline as without it.
      for (const seed of [1, 2, 3]) {
        const without = await replay(
          ticking(() => {}),
          { seed },
        )
        const withIt = await replay(
          ticking((world) => world.always(() => true, 'alwaysTrue')),
          { seed },
        )
        expect(withIt.ok).toBe(true)
        expect(withIt.timeline).toEqual(without.timeline)
        expect(withIt.digest).toBe(without.digest)
        expect(withIt.checked.invariants).toEqual(['alwaysTrue'])
      }
    },
  )

  seedloopTest('test_invariants::test_violated_invariant_raises_with_name', async () => {
    const scenario = breaksAtOneSecond('mustStayFalse')
    const report = await explore(scenario, { seeds: 1 })
    expect(report.failure?.kind).toBe('safety')
    expect(report.failure?.detail).toBe('invariant "mustStayFalse" violated at t=1000 ms')
    const again = await replay(scenario, { seed: report.failure!.seed })
    expect(again.failure?.detail).toBe(report.failure?.detail)
  })

  seedloopTest('test_invariants::test_invariant_error_carries_the_violation_time', async () => {
    const report = await explore(breaksAtOneSecond('flipsAtOne'), { seeds: 1 })
    expect(report.failure?.time).toBe(1000)
    expect(new InvariantError('flipsAtOne', 1000)).toMatchObject({
      invariant: 'flipsAtOne',
      time: 1000,
    })
  })

  seedloopTest('test_invariants::test_invariant_false_at_first_step_fires', async () => {
    const report = await explore(
      async (world) => {
        world.always(() => false, 'never')
        await world.sleep(1000)
      },
      { seeds: 1 },
    )
    expect(report.failure).toMatchObject({
      kind: 'safety',
      detail: 'invariant "never" violated at t=0 ms',
      time: 0,
      steps: 1,
    })
  })

  seedloopTest('test_invariants::test_seed_dependent_invariant_is_found_by_sweep', async () => {
    const scenario: Scenario = async (world) => {
      const value = world.rng.random()
      world.always(() => value < 0.8, 'valueInRange')
      await world.sleep(0)
    }
    const report = await explore(scenario, { seeds: 100 })
    expect(report.failure?.kind).toBe('safety')
    expect(report.failure?.detail).toContain('"valueInRange"')
    expect(report.runs).toBe(report.failure!.seed + 1)
  })

  seedloopTest('test_invariants::test_raising_predicate_propagates', async () => {
    const report = await explore(
      async (world) => {
        world.always(() => {
          throw new RangeError('predicate blew up')
        }, 'explodes')
        await world.sleep(1000)
      },
      { seeds: 1 },
    )
    expect(report.failure).toMatchObject({
      kind: 'error',
      detail: 'invariant "explodes" threw RangeError: predicate blew up',
    })
  })

  seedloopTest(
    'test_invariants::test_first_failing_invariant_in_registration_order_is_reported',
    async () => {
      // Both fail at the same step; the one registered first is reported, whatever the names.
      for (const [first, second] of [
        ['first', 'second'],
        ['zulu', 'alpha'],
      ]) {
        const report = await explore(
          async (world) => {
            let broken = false
            world.always(() => !broken, first)
            world.always(() => !broken, second)
            await world.sleep(10)
            broken = true
            await world.sleep(10)
          },
          { seeds: 1 },
        )
        expect(report.failure?.detail).toBe(`invariant "${first}" violated at t=10 ms`)
        expect(report.checked.invariants).toEqual([first, second])
      }
    },
  )

  seedloopTest('test_invariants::test_invariant_is_exported', () => {
    expect(new InvariantError('x', 0)).toBeInstanceOf(MusilError)
    expect(new InvariantError('x', 0).name).toBe('InvariantError')
  })

  seedloopTest('test_invariants::test_invariants_are_not_checked_during_teardown', async () => {
    // A task that would break the invariant later is abandoned when the scenario returns: the run
    // passes, and nothing runs after it.
    let healthy = true
    const report = await explore(
      async (world) => {
        world.spawn('node', async () => {
          await world.sleep(3000)
          healthy = false
        })
        world.always(() => healthy, 'nodeHealthy')
        await world.sleep(2000)
      },
      { seeds: 1 },
    )
    expect(report.ok).toBe(true)
    expect(healthy).toBe(true)
    // The step in which the scenario returns is checked (seedloop's disclosed gap is not here).
    const last = await explore(
      async (world) => {
        let broken = false
        world.always(() => !broken, 'notBrokenAtTheEnd')
        await world.sleep(10)
        broken = true
      },
      { seeds: 1 },
    )
    expect(last.failure?.detail).toBe('invariant "notBrokenAtTheEnd" violated at t=10 ms')
  })
})
