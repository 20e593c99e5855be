// seedloop tests/test_loop_order.py: scheduling order, and its determinism.
import { explore, replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

/** Spawns ten tasks at once; each records its index when it starts. */
const tenTasks: Scenario = async (world) => {
  const handles = Array.from({ length: 10 }, (_, i) => world.spawn(`t${i}`, () => world.record(i)))
  await Promise.all(handles.map((h) => h.finished))
}

/** Two tasks yielding with sleep(0) three times each. */
const interleaved: Scenario = async (world) => {
  const worker = (name: string) => async () => {
    for (let k = 0; k < 3; k++) {
      world.record(`${name}${k}`)
      await world.sleep(0)
    }
  }
  await Promise.all([
    world.spawn('a', worker('a')).finished,
    world.spawn('b', worker('b')).finished,
  ])
}

const orderOf = async (scenario: Scenario, seed: number): Promise<string> =>
  recorded((await replay(scenario, { seed })).timeline).join(' ')

describe('seedloop tests/test_loop_order.py', () => {
  seedloopTest('test_loop_order::test_call_soon_runs_in_registration_order', async () => {
    const orders = new Set<string>()
    for (let seed = 0; seed < 10; seed++) {
      const order = await orderOf(tenTasks, seed)
      expect(
        order
          .split(' ')
          .map(Number)
          .sort((x, y) => x - y),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      orders.add(order)
    }
    expect(orders.size).toBeGreaterThan(5) // not registration order: the seed's order
  })

  seedloopTest('test_loop_order::test_scheduling_is_deterministic_across_runs', async () => {
    for (const seed of [0, 1, 2])
      expect(await orderOf(tenTasks, seed)).toBe(await orderOf(tenTasks, seed))
  })

  seedloopTest('test_loop_order::test_replay_equivalence_interleaving', async () => {
    const orders = new Set<string>()
    for (let seed = 0; seed < 20; seed++) {
      const order = await orderOf(interleaved, seed)
      expect(await orderOf(interleaved, seed)).toBe(order) // replay equivalence holds
      // Each task's own events stay in program order.
      const events = order.split(' ')
      for (const name of ['a', 'b'])
        expect(events.filter((e) => e.startsWith(name))).toEqual([
          `${name}0`,
          `${name}1`,
          `${name}2`,
        ])
      orders.add(order)
    }
    // seedloop always yields "a0 b0 a1 b1 a2 b2"; here the seed interleaves.
    expect(orders.size).toBeGreaterThan(3)
  })

  seedloopTest(
    'test_loop_order::test_dynamically_scheduled_callback_runs_after_queued_callbacks',
    async () => {
      const scenario: Scenario = async (world) => {
        let nested: Promise<void> | undefined
        const first = world.spawn('first', () => {
          world.record('first')
          nested = world.spawn('nested', () => world.record('nested')).finished
        })
        const second = world.spawn('second', () => world.record('second'))
        await Promise.all([first.finished, second.finished])
        await nested
      }
      const orders = new Set<string>()
      for (let seed = 0; seed < 30; seed++) orders.add(await orderOf(scenario, seed))
      // nested always comes after first (first spawns it); second may run before either.
      for (const o of orders) expect(o.indexOf('first')).toBeLessThan(o.indexOf('nested'))
      expect(orders).toContain('first second nested') // seedloop's only order
      expect(orders).toContain('first nested second') // the one FIFO never tries
      expect(orders).toContain('second first nested')
    },
  )

  seedloopTest('test_loop_order::test_cancelled_callback_is_skipped', async () => {
    // A receive's timeout, cancelled by the delivery that came first, never fires: no timeout
    // event, and the next receive is not resolved with `undefined` by a stale wake-up.
    const report = await replay(
      async (world) => {
        const a = world.net.bind('a', { latency: { min: 5, max: 5 } })
        const b = world.net.bind('b')
        a.send('b', 'kept')
        const first = await b.recv({ timeout: 10 })
        a.send('b', 'later')
        const second = await b.recv({ timeout: 100 })
        world.record([first?.payload, second?.payload, world.now()])
      },
      { seed: 0 },
    )
    expect(recorded(report.timeline)).toEqual([['kept', 'later', 10]])
    expect(ofKind(report.timeline, 'timer')).toEqual([])
  })

  seedloopTest('test_loop_order::test_run_until_complete_returns_result', async () => {
    let result: number | undefined
    const report = await replay(
      async (world) => {
        world.record(42)
        result = 42
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(recorded(report.timeline)).toEqual([42])
    expect(result).toBe(42)
  })

  seedloopTest('test_loop_order::test_exception_propagates', async () => {
    const report = await explore(
      async () => {
        throw new SyntaxError('boom')
      },
      { seeds: 1 },
    )
    expect(report.failure).toMatchObject({
      kind: 'error',
      detail: 'the scenario threw SyntaxError: boom',
    })
  })

  seedloopTest('test_loop_order::test_quiescent_run_raises_deadlock', async () => {
    const report = await explore(
      async (world) => {
        const never = world.spawn('waiter', () => new Promise<void>(() => {}))
        await never.finished
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.detail).toContain('main, waiter')
  })
})
