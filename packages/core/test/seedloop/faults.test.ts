// seedloop tests/test_faults.py: loss, duplication, partitions and the reliable channel.
import { explore, replay, type Scenario, type World } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

const drops = (timeline: Parameters<typeof ofKind>[0], why: string) =>
  ofKind(timeline, 'drop').filter((e) => e.detail === why)

/** An ack server: answers the first request it gets, then stops. */
function ackServer(world: World): void {
  const endpoint = world.net.bind('2')
  world.spawn('server', async () => {
    const request = await endpoint.recv()
    endpoint.send(request.src, 'ack')
  })
}

/** A request/ack with no retry: a lost request leaves the client waiting forever (the bug). */
const naiveRequestAck: Scenario = async (world) => {
  const client = world.net.bind('1')
  ackServer(world)
  world.net.partition(['1'], ['2']) // the request will be dropped
  client.send('2', 'request')
  await client.recv()
}

const lossyRequestAck: Scenario = async (world) => {
  const client = world.net.bind('1', { loss: 0.5 })
  ackServer(world)
  client.send('2', 'request')
  await client.recv()
}

describe('seedloop tests/test_faults.py', () => {
  seedloopTest('test_faults::test_loss_drops_messages_reproducibly', async () => {
    const scenario: Scenario = async (world) => {
      const a = world.net.bind('1', { loss: 0.5 })
      world.net.bind('2')
      for (let i = 0; i < 20; i++) a.send('2', i)
      await world.sleep(1000) // let the survivors arrive
    }
    const first = await replay(scenario, { seed: 3 })
    const second = await replay(scenario, { seed: 3 })
    expect(second.timeline).toEqual(first.timeline) // the same seed, the same drops
    const lost = drops(first.timeline, 'lost').length
    expect(lost).toBeGreaterThan(0)
    expect(lost).toBeLessThan(20)
    expect(ofKind(first.timeline, 'deliver')).toHaveLength(20 - lost)
  })

  seedloopTest('test_faults::test_no_loss_drops_nothing', async () => {
    const report = await replay(
      async (world) => {
        const a = world.net.bind('1') // loss defaults to 0
        world.net.bind('2')
        for (let i = 0; i < 10; i++) a.send('2', i)
        await world.sleep(1000)
      },
      { seed: 1 },
    )
    expect(ofKind(report.timeline, 'drop')).toEqual([])
    expect(ofKind(report.timeline, 'deliver')).toHaveLength(10)
  })

  seedloopTest('test_faults::test_duplication_delivers_twice', async () => {
    const report = await replay(
      async (world) => {
        const a = world.net.bind('1', { duplicate: 1 }) // every message duplicated
        const b = world.net.bind('2')
        a.send('2', 'x')
        const got = [await b.recv(), await b.recv()]
        world.record(got.map((m) => [m.src, m.payload]))
      },
      { seed: 1 },
    )
    expect(recorded(report.timeline)).toEqual([
      [
        ['1', 'x'],
        ['1', 'x'],
      ],
    ])
    expect(ofKind(report.timeline, 'duplicate')).toHaveLength(1)
  })

  seedloopTest('test_faults::test_partition_cuts_then_heal_restores', async () => {
    const report = await replay(
      async (world) => {
        const a = world.net.bind('1')
        const b = world.net.bind('2')
        const receiver = world.spawn('receiver', async () => {
          world.record((await b.recv()).payload)
        })
        world.net.partition(['1'], ['2'])
        a.send('2', 'cut') // split: dropped at delivery
        await world.sleep(1000)
        world.net.heal()
        a.send('2', 'through') // connectivity restored: delivered
        await receiver.finished
      },
      { seed: 1 },
    )
    expect(report.ok).toBe(true)
    expect(recorded(report.timeline)).toEqual(['through'])
    expect(drops(report.timeline, 'partitioned').map((e) => e.payload)).toEqual(['cut'])
  })

  seedloopTest('test_faults::test_reliable_channel_no_loss_in_order', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const report = await replay(
        async (world) => {
          const a = world.net.bind('1', { reliable: true })
          const b = world.net.bind('2')
          for (let i = 0; i < 5; i++) a.send('2', i)
          const got: unknown[] = []
          for (let i = 0; i < 5; i++) got.push((await b.recv()).payload)
          world.record(got)
          await world.sleep(100) // nothing more arrives: no duplicate
          world.record(ofKind(world.timeline, 'deliver').length)
        },
        { seed },
      )
      expect(recorded(report.timeline)).toEqual([[0, 1, 2, 3, 4], 5])
    }
    // seedloop ignores loss=1.0 and duplicate=1.0 on a reliable endpoint; here they are refused.
    const contradictory = await replay(
      async (world) => {
        world.net.bind('1', { reliable: true, loss: 1, duplicate: 1 })
      },
      { seed: 0 },
    )
    expect(contradictory.failure?.detail).toBe(
      'the scenario threw WorldUsageError: net.bind("1"): a reliable endpoint loses and duplicates nothing, so it cannot have loss 1 or duplicate 1; drop one of the two',
    )
  })

  seedloopTest(
    'test_faults::test_reliable_deliveries_carry_latency_and_are_non_decreasing',
    async () => {
      const report = await replay(
        async (world) => {
          const a = world.net.bind('1', { reliable: true })
          const b = world.net.bind('2')
          for (let i = 0; i < 5; i++) a.send('2', i)
          for (let i = 0; i < 5; i++) await b.recv()
        },
        { seed: 1 },
      )
      const times = ofKind(report.timeline, 'deliver').map((e) => e.t)
      expect(times).toHaveLength(5)
      expect(times).toEqual([...times].sort((x, y) => x - y)) // non-decreasing on the link
      for (const t of times) expect(t).toBeGreaterThanOrEqual(1) // a real latency, not 0
    },
  )

  seedloopTest('test_faults::test_replay_equivalence_under_faults', async () => {
    const scenario: Scenario = async (world) => {
      const a = world.net.bind('1', { loss: 0.3, duplicate: 0.3 })
      world.net.bind('2')
      world.net.partition(['1'], ['2'])
      for (let i = 0; i < 10; i++) a.send('2', i)
      world.net.heal()
      for (let i = 10; i < 20; i++) a.send('2', i)
      await world.sleep(1000)
    }
    const first = await replay(scenario, { seed: 999 })
    const second = await replay(scenario, { seed: 999 })
    expect(second.timeline).toEqual(first.timeline)
    expect(second.digest).toBe(first.digest)
    expect(ofKind(first.timeline, 'drop', 'duplicate').length).toBeGreaterThan(0)
  })

  seedloopTest('test_faults::test_full_loss_recv_deadlocks_not_hang', async () => {
    const report = await explore(
      async (world) => {
        const a = world.net.bind('1', { loss: 1 })
        const b = world.net.bind('2')
        a.send('2', 'lost')
        await b.recv() // nothing survives loss 1, nothing wakes the receive
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.detail).toContain('main (recv on 2)')
  })

  seedloopTest('test_faults::test_partition_bug_is_found_and_replays', async () => {
    const report = await explore(naiveRequestAck, { seeds: 1 })
    expect(report.failure?.kind).toBe('deadlock')
    const first = await replay(naiveRequestAck, { seed: 0 })
    const second = await replay(naiveRequestAck, { seed: 0 })
    expect(first.timeline).toEqual(report.failure!.timeline) // the failing run replays...
    expect(second.timeline).toEqual(first.timeline)
    expect(drops(first.timeline, 'partitioned')).toHaveLength(1) // ...and the partition cut it
  })

  seedloopTest('test_faults::test_sweep_finds_a_loss_triggered_failure', async () => {
    const report = await explore(lossyRequestAck, { seeds: 50 })
    expect(report.failure?.kind).toBe('deadlock')
    const seed = report.failure!.seed
    const bad = await replay(lossyRequestAck, { seed })
    expect(drops(bad.timeline, 'lost')).toHaveLength(1) // the failing seed lost the request
    expect((await replay(lossyRequestAck, { seed })).timeline).toEqual(bad.timeline)
    // A passing seed exists too: the sweep means something.
    let passing = 0
    for (let s = 0; s < 10; s++) if ((await replay(lossyRequestAck, { seed: s })).ok) passing++
    expect(passing).toBeGreaterThan(0)
    expect(passing).toBeLessThan(10)
  })

  seedloopTest('test_faults::test_fault_draws_do_not_perturb_net_latencies', async () => {
    // Loss draws come from the faults substream: a tiny loss that draws but never drops leaves
    // every delivery time as it was.
    const deliverTimes = async (loss: number) => {
      const report = await replay(
        async (world) => {
          const a = world.net.bind('1', { loss })
          world.net.bind('2')
          for (let i = 0; i < 5; i++) a.send('2', i)
          await world.sleep(1000)
        },
        { seed: 1 },
      )
      return ofKind(report.timeline, 'deliver').map((e) => [e.t, e.payload])
    }
    const without = await deliverTimes(0)
    expect(without).toHaveLength(5)
    expect(await deliverTimes(1e-12)).toEqual(without)
  })

  seedloopTest('test_faults::test_started_node_is_cancelled_at_teardown', async () => {
    let iterations = 0
    let finished = false
    const report = await replay(
      async (world) => {
        const forever = world.spawn('forever', async () => {
          for (;;) {
            await world.sleep(1000)
            iterations++
          }
        })
        void forever.finished.then(() => {
          finished = true
        })
        await world.sleep(3500) // the scenario returns while the task still loops
      },
      { seed: 1 },
    )
    expect(report.ok).toBe(true)
    expect(iterations).toBe(3)
    await new Promise((resolve) => setImmediate(resolve)) // give an abandoned task every chance
    expect(iterations).toBe(3) // it never resumes after the run
    expect(finished).toBe(false)
  })

  seedloopTest('test_faults::test_loss_and_duplicate_must_be_probabilities', async () => {
    for (const options of [{ loss: 50 }, { duplicate: -1 }]) {
      const report = await explore(
        async (world) => {
          world.net.bind('1', options) // "50" for 50 %: not a probability
        },
        { seeds: 1 },
      )
      expect(report.failure?.kind).toBe('error')
      expect(report.failure?.detail).toMatch(
        /^the scenario threw WorldUsageError: net\.bind\("1"\): (loss|duplicate) must be a probability in \[0, 1\]/,
      )
    }
  })
})
