// seedloop tests/test_transport.py: the simulated datagram network.
import { explore, replay, type Scenario } from '@musil/core'
import { describe, expect } from 'vitest'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

const sixSends: Scenario = async (world) => {
  const a = world.net.bind('1')
  const b = world.net.bind('2')
  for (let i = 0; i < 6; i++) a.send('2', ['m', i])
  for (let i = 0; i < 6; i++) await b.recv()
}

/** Two messages sent back to back: the order their payloads arrive in. */
async function deliveryOrder(seed: number): Promise<unknown[]> {
  const report = await replay(
    async (world) => {
      const a = world.net.bind('1')
      const b = world.net.bind('2')
      a.send('2', 'm0')
      a.send('2', 'm1')
      await b.recv()
      await b.recv()
    },
    { seed },
  )
  return ofKind(report.timeline, 'deliver').map((e) => e.payload)
}

describe('seedloop tests/test_transport.py', () => {
  seedloopTest('test_transport::test_two_nodes_exchange_a_message', async () => {
    const report = await replay(
      async (world) => {
        const a = world.net.bind('1')
        const b = world.net.bind('2')
        const receiver = world.spawn('receiver', async () => {
          const msg = await b.recv()
          world.record([msg.src, msg.dst, msg.payload])
        })
        a.send('2', 'hello')
        await receiver.finished
      },
      { seed: 1 },
    )
    expect(recorded(report.timeline)).toEqual([['1', '2', 'hello']])
  })

  seedloopTest('test_transport::test_replay_equivalence_network', async () => {
    const first = await replay(sixSends, { seed: 12345 })
    const second = await replay(sixSends, { seed: 12345 })
    expect(second.timeline).toEqual(first.timeline)
    expect(ofKind(first.timeline, 'deliver')).toHaveLength(6) // the network actually ran
  })

  seedloopTest('test_transport::test_reordering_is_reproducible', async () => {
    expect(await deliveryOrder(7)).toEqual(await deliveryOrder(7))
    const orders = new Set<string>()
    for (let seed = 0; seed < 30; seed++) orders.add((await deliveryOrder(seed)).join(' '))
    expect(orders).toContain('m1 m0') // reordering is real
    expect(orders).toContain('m0 m1')
  })

  seedloopTest('test_transport::test_recv_blocks_then_wakes', async () => {
    const report = await replay(
      async (world) => {
        const a = world.net.bind('1')
        const b = world.net.bind('2')
        const receiver = world.spawn('receiver', async () => {
          world.record('waiting')
          const msg = await b.recv()
          world.record([msg.payload, world.now()])
        })
        await world.sleep(1000) // the receiver is blocked in recv meanwhile
        a.send('2', 'late')
        await receiver.finished
      },
      { seed: 1 },
    )
    const [waiting, [payload, t]] = recorded(report.timeline) as [string, [string, number]]
    expect(waiting).toBe('waiting')
    expect(payload).toBe('late')
    expect(t).toBeGreaterThanOrEqual(1001) // sent at 1 s, plus a latency of 1 to 20 ms
    expect(t).toBeLessThanOrEqual(1020)
  })

  seedloopTest('test_transport::test_recv_with_nothing_sent_deadlocks', async () => {
    const report = await explore(
      async (world) => {
        await world.net.bind('2').recv() // nothing is ever sent, nothing can wake it
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.detail).toContain('main (recv on 2)')
  })

  seedloopTest('test_transport::test_bind_twice_raises', async () => {
    const report = await explore(
      async (world) => {
        world.net.bind('1')
        world.net.bind('1')
      },
      { seeds: 1 },
    )
    expect(report.failure?.detail).toBe(
      'the scenario threw WorldUsageError: net.bind("1"): the address is already bound; close() the old endpoint first',
    )
  })

  seedloopTest('test_transport::test_concurrent_recv_on_one_endpoint_raises', async () => {
    // Two tasks wait on one endpoint; three messages arrive. Each delivery goes to the receive
    // that has waited longest, the third waits in the mailbox, nothing is lost or doubled.
    for (let seed = 0; seed < 10; seed++) {
      const report = await replay(
        async (world) => {
          const a = world.net.bind('1', { reliable: true })
          const b = world.net.bind('2')
          const got: [string, unknown][] = []
          const first = world.spawn('first', async () => {
            got.push(['first', (await b.recv()).payload])
          })
          await world.sleep(1) // first is waiting now
          const second = world.spawn('second', async () => {
            got.push(['second', (await b.recv()).payload])
          })
          await world.sleep(1) // and second too
          for (const n of [1, 2, 3]) a.send('2', n)
          await Promise.all([first.finished, second.finished])
          got.push(['main', (await b.recv()).payload])
          world.record(got)
        },
        { seed },
      )
      expect(report.ok).toBe(true)
      expect(recorded(report.timeline)).toEqual([
        [
          ['first', 1],
          ['second', 2],
          ['main', 3],
        ],
      ])
    }
  })

  seedloopTest('test_transport::test_send_to_unbound_address_is_dropped', async () => {
    const report = await replay(
      async (world) => {
        world.net.bind('1').send('99', 'into the void')
        await world.sleep(1000) // let the delivery fire
      },
      { seed: 1 },
    )
    expect(report.ok).toBe(true)
    expect(ofKind(report.timeline, 'drop')).toMatchObject([
      { src: '1', dst: '99', payload: 'into the void', detail: 'unbound' },
    ])
  })
})
