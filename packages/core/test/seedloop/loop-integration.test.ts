// seedloop tests/test_loop_integration.py: user code runs unchanged, and cancellation works.
import { explore, replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

/** Two workers yielding with sleep(0), plus a plain async helper with awaits of its own. */
const interleave: Scenario = async (world) => {
  const helper = async (n: number) => {
    await Promise.resolve()
    await null
    return n * 2
  }
  const worker = (name: string) => async () => {
    for (let i = 0; i < 3; i++) {
      world.record([name, await helper(i)])
      await world.sleep(0)
    }
  }
  await Promise.all([
    world.spawn('a', worker('a')).finished,
    world.spawn('b', worker('b')).finished,
  ])
}

describe('seedloop tests/test_loop_integration.py', () => {
  seedloopTest('test_loop_integration::test_attaches_via_asyncio_run_loop_factory', async () => {
    // Plain promises and async functions need nothing: the run schedules what they wait for.
    const first = await replay(interleave, { seed: 4 })
    const second = await replay(interleave, { seed: 4 })
    expect(first.ok).toBe(true)
    expect(recorded(second.timeline)).toEqual(recorded(first.timeline))
    const events = recorded(first.timeline) as [string, number][]
    for (const name of ['a', 'b'])
      expect(events.filter(([n]) => n === name).map(([, v]) => v)).toEqual([0, 2, 4])
  })

  seedloopTest('test_loop_integration::test_attaches_via_asyncio_runner', async () => {
    // explore and replay run the same world for a seed.
    const swept = await explore(
      async (world) => {
        await interleave(world)
        throw new Error('stop here')
      },
      { seeds: [11] },
    )
    const replayed = await replay(interleave, { seed: 11 })
    expect(swept.failure?.timeline).toEqual(replayed.timeline)
  })

  seedloopTest('test_loop_integration::test_cancellation_propagates_cleanly', async () => {
    const report = await replay(
      async (world) => {
        const inbox = world.net.bind('inbox')
        const controller = new AbortController()
        let outcome = 'pending'
        const child = world.spawn('child', async () => {
          try {
            await inbox.recv({ signal: controller.signal }) // blocks; nothing is ever sent
            outcome = 'not-cancelled'
          } catch (e) {
            outcome = e === controller.signal.reason ? 'cancelled' : `other: ${String(e)}`
          }
        })
        await world.sleep(5) // let the child reach its receive
        controller.abort()
        await child.finished
        world.record(outcome)
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(recorded(report.timeline)).toEqual(['cancelled'])
  })

  seedloopTest('test_loop_integration::test_wait_for_around_fast_body_returns', async () => {
    // A receive with a 5 s timeout whose message comes fast: it returns the message, and the
    // timeout never fires.
    const report = await replay(
      async (world) => {
        const a = world.net.bind('a')
        const b = world.net.bind('b')
        a.send('b', 7)
        const msg = await b.recv({ timeout: 5000 })
        world.record(msg?.payload)
        await world.sleep(10_000)
      },
      { seed: 0 },
    )
    expect(recorded(report.timeline)).toEqual([7])
    expect(ofKind(report.timeline, 'timer').map((e) => e.name)).toEqual(['sleep'])
  })
})
