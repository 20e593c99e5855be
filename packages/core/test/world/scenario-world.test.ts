import { replay, type World, WorldUsageError } from '@musil/core'
import { describe, expect, it } from 'vitest'

/** Three read-modify-write increments racing: a run whose timeline depends on every step. */
async function race(world: World): Promise<void> {
  let value = 0
  const get = world.scheduled('get', async () => value)
  const set = world.scheduled('set', async (v: number) => {
    value = v
  })
  for (const name of ['a', 'b', 'c']) {
    world.spawn(name, async () => {
      await world.sleep(world.rng.int(0, 3))
      await set((await get()) + 1)
      world.record(value)
    })
  }
  await world.runFor(10)
}

describe('the world a scenario runs in', () => {
  it('offers the World interface and none of the engine that drives it', async () => {
    let seen: World | undefined
    await replay(
      async (world) => {
        seen = world
      },
      { seed: 0 },
    )
    const world = seen as World & Record<string, unknown>
    for (const member of ['now', 'sleep', 'spawn', 'record', 'always', 'runFor', 'runUntil']) {
      expect(typeof world[member]).toBe('function')
    }
    expect(world.seed).toBe(0)
    expect(Array.isArray(world.timeline)).toBe(true)
    // The engine's controls would let scenario code fail, reschedule or rewrite its own run
    // behind the checks' back; the world does not hand them out.
    for (const control of [
      'fail',
      'schedule',
      'trace',
      'events',
      'freezeTask',
      'steps',
      'failure',
      'run',
    ]) {
      expect(control in world).toBe(false)
    }
    // Nor does its network: only the four calls of Network, not the fault hooks or the engine.
    expect(Object.keys(world.net).sort()).toEqual(['addresses', 'bind', 'heal', 'partition'])
    for (const control of ['runtime', 'crash', 'slow', 'transmit', 'addFaultCut']) {
      expect(control in world.net).toBe(false)
    }
  })

  it("an endpoint takes messages only from the network: it has no way in for the scenario's code", async () => {
    const keys: string[] = []
    let got: unknown
    await replay(
      async (world) => {
        const a = world.net.bind('a')
        const b = world.net.bind('b')
        for (const key in b) keys.push(key)
        for (
          let o: object | null = b;
          o !== null && o !== Object.prototype;
          o = Object.getPrototypeOf(o)
        ) {
          keys.push(...Object.getOwnPropertyNames(o))
        }
        a.send('b', 'hi')
        got = (await b.recv()).payload
      },
      { seed: 0 },
    )
    expect(got).toBe('hi')
    expect(keys).not.toContain('enqueue')
    expect(keys).toEqual(expect.arrayContaining(['send', 'recv', 'close']))
  })

  it('checks arguments before anything is scheduled: a refused call leaves the run unchanged', async () => {
    const refused: unknown[] = []
    const withRefusals = async (world: World): Promise<void> => {
      const attempts: (() => unknown)[] = [
        () => world.spawn('', async () => {}),
        () => world.spawn('w', 'not a function' as never),
        () => world.always(() => true, ''),
        () => world.scheduled('', async () => 1),
      ]
      for (const attempt of attempts) {
        try {
          attempt()
        } catch (e) {
          refused.push(e)
        }
      }
      for (const attempt of [
        () => world.sleep(-1),
        () => world.runFor(Number.NaN),
        () => world.runUntil(() => true, { deadline: -5 }),
        () => world.runUntil(() => true, { name: '' }),
      ]) {
        await attempt().catch((e: unknown) => refused.push(e))
      }
      await race(world)
    }
    const plain = await replay(race, { seed: 5 })
    const refusing = await replay(withRefusals, { seed: 5 })
    expect(refused).toHaveLength(8)
    for (const e of refused) expect(e).toBeInstanceOf(WorldUsageError)
    expect(refusing.ok).toBe(true)
    expect(refusing.steps).toBe(plain.steps)
    expect(refusing.digest).toBe(plain.digest)
  })
})
