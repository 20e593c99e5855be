/**
 * The replicated register of `stale-register.ts`, as async code under `explore`: the primary
 * waits at most 10 ms for the backup's copy before acknowledging a write, and the reader reads
 * from the backup. With a partition between the two (its window drawn by the seed), a write
 * completes that the backup never saw, and a later read returns the old value. Used by the
 * tests and by docs/concepts/async-runtime.md.
 */
import type { Endpoint, Scenario, World } from '@musil/core'
import type { Msg } from './stale-register.ts'

/** Sends `msg` and waits 30 ms for the reply; no reply is an error (an unknown outcome). */
async function call(from: Endpoint, dst: string, msg: Msg): Promise<Msg> {
  from.send(dst, msg)
  const reply = await from.recv({ timeout: 30 })
  if (reply === undefined) throw new Error(`no reply from ${dst} within 30 ms`)
  return reply.payload as Msg
}

function serve(world: World, primary: Endpoint, backup: Endpoint): void {
  world.spawn('primary', async () => {
    for (;;) {
      const { src, payload } = await primary.recv()
      const m = payload as Msg
      if (m.type !== 'write') continue
      primary.send('backup', { type: 'copy', value: m.value })
      // The bug: after 10 ms without the backup's confirmation, acknowledge anyway.
      await primary.recv({ timeout: 10 })
      primary.send(src, { type: 'ack' })
    }
  })
  world.spawn('backup', async () => {
    let value = 0
    for (;;) {
      const { src, payload } = await backup.recv()
      const m = payload as Msg
      if (m.type === 'copy') {
        value = m.value
        backup.send(src, { type: 'copied' })
      } else if (m.type === 'read') backup.send(src, { type: 'value', value })
    }
  })
}

/**
 * The scenario: a writer writes 1..3 through the primary, a reader reads the backup 8 times;
 * with `partition`, the primary and the backup are cut off from each other for a window of the
 * first 100 ms that the seed draws.
 */
export function registerScenario(options: { readonly partition: boolean }): Scenario {
  return async (world) => {
    const latency = { min: 1, max: 3 }
    const [primary, backup, writer, reader] = ['primary', 'backup', 'writer', 'reader'].map(
      (address) => world.net.bind(address, { latency }),
    ) as [Endpoint, Endpoint, Endpoint, Endpoint]
    serve(world, primary, backup)
    const writes = world.spawn('writer', async () => {
      for (const value of [1, 2, 3]) {
        await world.sleep(7)
        await world.history
          .record({ op: 'write', value }, async () => {
            await call(writer, 'primary', { type: 'write', value })
          })
          .catch(() => {}) // an unknown outcome: recorded as info, and the writer goes on
      }
    })
    const reads = world.spawn('reader', async () => {
      for (let i = 0; i < 8; i++) {
        await world.sleep(5)
        await world.history
          .record({ op: 'read' }, async () => {
            const reply = await call(reader, 'backup', { type: 'read' })
            return reply.type === 'value' ? reply.value : undefined
          })
          .catch(() => {})
      }
    })
    const cut = world.faults.partition({
      groups: [
        ['primary', 'writer'],
        ['backup', 'reader'],
      ],
    })
    await world.runFor(100, { faults: options.partition ? [cut] : [] })
    await Promise.all([writes.finished, reads.finished])
  }
}
