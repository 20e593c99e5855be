import { replay, type World } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { DrainPump } from '../../src/world/context.ts'
import { pingPong } from './fixtures/ping-pong.ts'

/**
 * Work that only ends after many microtask turns of every kind: awaited promises, `then`
 * callbacks, `queueMicrotask` and `process.nextTick`, each queueing the next.
 */
async function longChain(onEnd: () => void): Promise<void> {
  for (let i = 0; i < 40; i++) await Promise.resolve(i)
  await new Promise<void>((resolve) => process.nextTick(resolve))
  await new Promise<void>((resolve) =>
    queueMicrotask(() => process.nextTick(() => queueMicrotask(resolve))),
  )
  await Promise.resolve().then(() => new Promise<void>((resolve) => process.nextTick(resolve)))
  onEnd()
}

describe('DrainPump', () => {
  it('calls back once per request, each time after the microtasks the last call queued', async () => {
    // 200 rounds cross every batch size (1, 2, 4 ... 32) and many batch boundaries.
    const ROUNDS = 200
    const seen: number[] = []
    let ended = 0
    await new Promise<void>((done) => {
      let round = 0
      const pump = new DrainPump(() => {
        seen.push(ended)
        round++
        if (round === ROUNDS) return done()
        void longChain(() => {
          ended = round
        })
        pump.request()
      })
      pump.request()
    })
    // Each call saw the chain started by the call before it run to its end.
    expect(seen).toEqual(Array.from({ length: ROUNDS }, (_, i) => i))
  })

  it('calls back no more after stop(), though immediates of its batch are still queued', async () => {
    let calls = 0
    const pump = new DrainPump(() => {
      calls++
      if (calls < 40) pump.request()
    })
    pump.request()
    while (calls < 40) await new Promise((resolve) => setImmediate(resolve))
    pump.request()
    pump.stop()
    for (let i = 0; i < 80; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toBe(40)
  })
})

describe('a step of the async runtime', () => {
  it('is one wake-up, then every microtask and nextTick it caused, before the next wake-up', async () => {
    const orders = new Set<string>()
    for (let seed = 0; seed < 30; seed++) {
      const r = await replay(
        async (world: World) => {
          let finished = false
          world.spawn('deep', () => longChain(() => (finished = true)))
          world.spawn('observer', async () => world.record(finished))
          await world.sleep(1)
        },
        { seed },
      )
      const starts = r.timeline.filter((e) => e.kind === 'run' && e.name === 'start')
      const deepFirst =
        starts.findIndex((e) => e.node === 'deep') < starts.findIndex((e) => e.node === 'observer')
      orders.add(deepFirst ? 'deep first' : 'observer first')
      // Once 'deep' has started, its whole chain belongs to that one step.
      expect(r.timeline.find((e) => e.kind === 'user')?.payload).toBe(deepFirst)
      expect(r.steps).toBe(4)
    }
    // Both orders were seen, so the check above was made both ways.
    expect(orders).toEqual(new Set(['deep first', 'observer first']))
  })

  it('gives the same timelines when runs share the process concurrently', async () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i)
    const alone: string[] = []
    for (const seed of seeds) alone.push((await replay(pingPong, { seed })).digest)
    const together = await Promise.all(seeds.map((seed) => replay(pingPong, { seed })))
    expect(together.map((r) => r.digest)).toEqual(alone)
  })
})
