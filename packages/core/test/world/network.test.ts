import {
  DEFAULT_LATENCY,
  explore,
  replay,
  type TraceEvent,
  type World,
  WorldUsageError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

const kinds = (timeline: readonly TraceEvent[], ...wanted: string[]): TraceEvent[] =>
  timeline.filter((e) => wanted.includes(e.kind))

describe('network', () => {
  it('delivers after a seeded latency within the documented default bounds', async () => {
    const latencies = new Set<number>()
    for (let seed = 0; seed < 30; seed++) {
      const r = await replay(
        async (world) => {
          const a = world.net.bind('a')
          const b = world.net.bind('b')
          a.send('b', 'hi')
          const msg = await b.recv()
          world.record([msg.src, msg.dst, msg.payload, world.now()])
        },
        { seed },
      )
      const [src, dst, payload, t] = r.timeline.find((e) => e.kind === 'user')!.payload as [
        string,
        string,
        string,
        number,
      ]
      expect([src, dst, payload]).toEqual(['a', 'b', 'hi'])
      expect(t).toBeGreaterThanOrEqual(DEFAULT_LATENCY.min)
      expect(t).toBeLessThanOrEqual(DEFAULT_LATENCY.max)
      latencies.add(t)
    }
    expect(DEFAULT_LATENCY).toEqual({ min: 1, max: 20 })
    expect(latencies.size).toBeGreaterThan(5)
  })

  it('records send and deliver, and reorders messages through latency', async () => {
    const orders = new Set<string>()
    for (let seed = 0; seed < 30; seed++) {
      const r = await replay(
        async (world) => {
          const a = world.net.bind('a')
          const b = world.net.bind('b')
          for (const n of [1, 2, 3]) a.send('b', n)
          const got = [await b.recv(), await b.recv(), await b.recv()].map((m) => m.payload)
          world.record(got.join(''))
        },
        { seed },
      )
      expect(kinds(r.timeline, 'send')).toHaveLength(3)
      expect(kinds(r.timeline, 'deliver')).toHaveLength(3)
      orders.add(String(r.timeline.find((e) => e.kind === 'user')?.payload))
    }
    expect(orders.size).toBeGreaterThan(1)
  })

  it('drops and records a message to an address not bound at delivery time', async () => {
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a')
        const b = world.net.bind('b')
        a.send('nobody', 1)
        a.send('b', 2)
        b.close()
        await world.sleep(50)
      },
      { seed: 2 },
    )
    const drops = kinds(r.timeline, 'drop')
    expect(drops.map((e) => [e.dst, e.detail])).toEqual(
      expect.arrayContaining([
        ['nobody', 'unbound'],
        ['b', 'unbound'],
      ]),
    )
    expect(kinds(r.timeline, 'deliver')).toHaveLength(0)
  })

  it('evaluates a partition at delivery time, and heal() restores delivery', async () => {
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a')
        const b = world.net.bind('b')
        a.send('b', 'sent before the partition')
        world.net.partition(['a'], ['b'])
        await world.sleep(25)
        world.net.heal()
        a.send('b', 'sent after healing')
        const msg = await b.recv({ timeout: 25 })
        world.record(msg?.payload)
      },
      { seed: 9 },
    )
    expect(kinds(r.timeline, 'drop')).toMatchObject([
      { payload: 'sent before the partition', detail: 'partitioned' },
    ])
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toBe('sent after healing')
    expect(kinds(r.timeline, 'partition', 'heal').map((e) => e.detail ?? 'heal')).toEqual([
      'a | b',
      'heal',
    ])
  })

  it('puts addresses named in no group into one group together', async () => {
    const r = await replay(
      async (world) => {
        const [a, b, c] = ['a', 'b', 'c'].map((x) => world.net.bind(x))
        world.net.partition(['a'])
        b.send('c', 'b to c')
        c.send('a', 'c to a')
        world.record((await c.recv()).payload)
        world.record(await a.recv({ timeout: 30 }))
      },
      { seed: 4 },
    )
    expect(r.timeline.filter((e) => e.kind === 'user').map((e) => e.payload)).toEqual([
      'b to c',
      undefined,
    ])
  })

  it('never lets an unnamed address bridge two groups (a deliberate difference from seedloop)', async () => {
    // seedloop lets an address named in no group reach everyone; here `c` forms a third group,
    // so a partition stays a partition even when a test forgets to name an address.
    const r = await replay(
      async (world) => {
        const [a, b, c] = ['a', 'b', 'c'].map((x) => world.net.bind(x))
        world.net.partition(['a'], ['b'])
        c.send('a', 'c to a')
        c.send('b', 'c to b')
        a.send('c', 'a to c')
        await world.sleep(50)
        world.record([a, b, c].map((e) => e.address))
      },
      { seed: 2 },
    )
    expect(kinds(r.timeline, 'deliver')).toEqual([])
    expect(kinds(r.timeline, 'drop').map((e) => [e.payload, e.detail])).toEqual(
      expect.arrayContaining([
        ['c to a', 'partitioned'],
        ['c to b', 'partitioned'],
        ['a to c', 'partitioned'],
      ]),
    )
  })

  it('serves concurrent receives on one endpoint oldest first; one that gave up takes nothing', async () => {
    // A deliberate difference from seedloop, which raises on a second concurrent recv.
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a', { latency: { min: 10, max: 10 } })
        const b = world.net.bind('b')
        const got: unknown[] = []
        const impatient = world.spawn('impatient', async () => {
          got.push(['impatient', (await b.recv({ timeout: 5 }))?.payload])
        })
        const patient = world.spawn('patient', async () => {
          got.push(['patient', (await b.recv()).payload])
        })
        await world.sleep(1)
        a.send('b', 'm1')
        await Promise.all([impatient.finished, patient.finished])
        world.record(got)
      },
      { seed: 3 },
    )
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toEqual([
      ['impatient', undefined],
      ['patient', 'm1'],
    ])
  })

  it('loses and duplicates messages with the endpoint probabilities', async () => {
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a', { loss: 0.3, duplicate: 0.3 })
        world.net.bind('b')
        for (let i = 0; i < 200; i++) a.send('b', i)
        await world.sleep(100)
      },
      { seed: 11 },
    )
    const lost = kinds(r.timeline, 'drop').filter((e) => e.detail === 'lost').length
    const dups = kinds(r.timeline, 'duplicate').length
    expect(lost).toBeGreaterThan(30)
    expect(lost).toBeLessThan(90)
    expect(dups).toBeGreaterThan(20)
    expect(kinds(r.timeline, 'deliver')).toHaveLength(200 - lost + dups)
  })

  it('keeps latencies aligned when loss is added: one latency draw per send', async () => {
    const arrivals = async (loss: number): Promise<number[]> => {
      const r = await replay(
        async (world) => {
          const a = world.net.bind('a', { loss })
          world.net.bind('b')
          for (let i = 0; i < 20; i++) a.send('b', i)
          await world.sleep(100)
        },
        { seed: 21 },
      )
      return kinds(r.timeline, 'deliver').map((e) => (e.payload as number) * 1000 + e.t)
    }
    const all = new Set(await arrivals(0))
    const some = await arrivals(0.5)
    expect(some.length).toBeLessThan(all.size)
    for (const x of some) expect(all.has(x)).toBe(true)
  })

  it('lets recv give up with a timeout or an AbortSignal', async () => {
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a')
        world.record(await a.recv({ timeout: 40 }))
        world.record(world.now())
        const controller = new AbortController()
        world.spawn('aborter', async () => {
          await world.sleep(10)
          controller.abort(new Error('shutting down'))
        })
        const err = await a.recv({ signal: controller.signal }).catch((e: Error) => e.message)
        world.record(err)
        world.record(world.now())
        await expect(a.recv({ signal: controller.signal })).rejects.toThrow('shutting down')
      },
      { seed: 0 },
    )
    expect(r.ok).toBe(true)
    expect(r.timeline.filter((e) => e.kind === 'user').map((e) => e.payload)).toEqual([
      undefined,
      40,
      'shutting down',
      50,
    ])
  })

  it('crashes and partitions through seed-scheduled fault handles', async () => {
    const scenario = async (world: World): Promise<void> => {
      const eps = ['n1', 'n2', 'n3'].map((x) => world.net.bind(x))
      world.spawn('chatter', async () => {
        for (;;) {
          for (const from of eps)
            for (const to of ['n1', 'n2', 'n3']) if (to !== from.address) from.send(to, 'x')
          await world.sleep(10)
        }
      })
      await world.runFor(1000, {
        faults: [
          world.faults.partition({ groups: [['n1'], ['n2', 'n3']], at: 100, duration: 200 }),
          world.faults.slowLink(),
          world.faults.crash({ node: 'n2', at: 600 }),
        ],
      })
    }
    const r = await replay(scenario, { seed: 5 })
    expect(r.ok).toBe(true)
    const faultEvents = kinds(r.timeline, 'partition', 'heal', 'slow', 'crash')
    expect(faultEvents.map((e) => e.kind).sort()).toEqual([
      'crash',
      'heal',
      'heal',
      'partition',
      'slow',
    ])
    expect(faultEvents.find((e) => e.kind === 'crash')).toMatchObject({ t: 600, node: 'n2' })
    const afterCrash = r.timeline.filter((e) => e.t > 620 && (e.src === 'n2' || e.dst === 'n2'))
    expect(afterCrash.filter((e) => e.kind === 'deliver')).toHaveLength(0)
    expect(afterCrash.some((e) => e.kind === 'drop' && e.detail === 'crashed')).toBe(true)
    expect(faultEvents.find((e) => e.kind === 'partition')).toMatchObject({
      t: 100,
      detail: 'n1 | n2 n3',
    })
    const cut = r.timeline.filter((e) => e.kind === 'drop' && e.detail === 'partitioned')
    expect(cut.length).toBeGreaterThan(10)
    for (const e of cut) {
      expect(e.t).toBeGreaterThanOrEqual(100)
      expect(e.t).toBeLessThanOrEqual(300) // a delivery at 300 may run before the heal
      expect([e.src, e.dst]).toContain('n1')
    }
    // The seed decides the details: same seed, same faults; other seeds, other faults.
    expect((await replay(scenario, { seed: 5 })).digest).toBe(r.digest)
    const windows = new Set<string>()
    for (let seed = 0; seed < 8; seed++) {
      const t = (await replay(scenario, { seed })).timeline
      windows.add(JSON.stringify(kinds(t, 'slow').map((e) => [e.t, e.src, e.dst, e.detail])))
    }
    expect(windows.size).toBeGreaterThan(4)
  })

  it('freezes the task of a crashed node', async () => {
    const r = await replay(
      async (world) => {
        world.net.bind('n1')
        world.spawn('n1', async () => {
          for (;;) {
            await world.sleep(100)
            world.record('tick')
          }
        })
        await world.runFor(1000, { faults: [world.faults.crash({ node: 'n1', at: 350 })] })
      },
      { seed: 0 },
    )
    expect(r.timeline.filter((e) => e.kind === 'user').map((e) => e.t)).toEqual([100, 200, 300])
  })

  it.each([
    [
      'binding an address twice',
      (w: World) => [w.net.bind('a'), w.net.bind('a')],
      'net.bind("a"): the address is already bound; close() the old endpoint first',
    ],
    [
      'a loss that is not a probability',
      (w: World) => w.net.bind('a', { loss: 2 }),
      'net.bind("a"): loss must be a probability in [0, 1], got 2',
    ],
    [
      'bad latency bounds',
      (w: World) => w.net.bind('a', { latency: { min: 5, max: 1 } }),
      'net.bind("a"): latency must be integer ms with 0 <= min <= max, got 5..1',
    ],
    [
      'sending after close',
      (w: World) => {
        const a = w.net.bind('a')
        a.close()
        a.send('b', 1)
      },
      'a.send("b") after a was closed: bind it again first',
    ],
    [
      'a negative recv timeout',
      (w: World) => w.net.bind('a').recv({ timeout: -1 }),
      'a.recv(): timeout must be finite virtual ms >= 0, got -1',
    ],
    [
      'a fault on an unknown node',
      (w: World) => w.runFor(10, { faults: [w.faults.crash({ node: 'ghost' })] }),
      'runFor: fault #0 (crash): unknown target "ghost": bind the address or spawn the task before runFor',
    ],
    [
      'a fault outside the period',
      (w: World) => {
        w.net.bind('a')
        return w.runFor(10, { faults: [w.faults.crash({ node: 'a', at: 11 })] })
      },
      'runFor: fault #0 (crash): at must be within the runFor period [0, 10] ms, got 11',
    ],
    [
      'a slow link with a fractional factor',
      (w: World) => w.runFor(10, { faults: [w.faults.slowLink({ factor: 1.5 })] }),
      'runFor: fault #0 (slowLink): factor must be an integer >= 2, got 1.5',
    ],
    [
      'a random partition with one address',
      (w: World) => {
        w.net.bind('a')
        return w.runFor(10, { faults: [w.faults.partition()] })
      },
      'runFor: a partition fault with no explicit target needs at least 2 bound addresses, found 1',
    ],
    [
      'a partition naming an address twice',
      (w: World) => {
        w.net.bind('a')
        w.net.partition(['a'], ['a'])
      },
      'net.partition(): address "a" is in two groups',
    ],
  ])('reports %s', async (_, body, message) => {
    const report = await explore(
      async (world) => {
        await body(world)
      },
      { seeds: 1 },
    )
    expect(report.failure?.detail).toBe(`the scenario threw WorldUsageError: ${message}`)
  })

  it('commits no fault when one handle of the list is invalid', async () => {
    const r = await replay(
      async (world) => {
        world.net.bind('a')
        world.net.bind('b')
        const err = await world
          .runFor(100, {
            faults: [world.faults.partition(), world.faults.crash({ node: 'ghost' })],
          })
          .catch((e: unknown) => e)
        world.record(err instanceof WorldUsageError)
        await world.sleep(200)
      },
      { seed: 0 },
    )
    expect(kinds(r.timeline, 'partition', 'crash')).toHaveLength(0)
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toBe(true)
  })
})

describe('reliable endpoints', () => {
  it('keep per-link FIFO order even when every delivery ties, under both strategies', async () => {
    // A fixed latency makes all five arrivals fall on the same instant, where the scheduler
    // picks among ready wake-ups: the order must hold anyway.
    for (const strategy of ['random', 'pct'] as const) {
      for (let seed = 0; seed < 30; seed++) {
        const r = await replay(
          async (world) => {
            const a = world.net.bind('a', { reliable: true, latency: { min: 5, max: 5 } })
            const b = world.net.bind('b')
            for (let i = 0; i < 5; i++) a.send('b', i)
            const got: unknown[] = []
            for (let i = 0; i < 5; i++) got.push((await b.recv()).payload)
            world.record(got)
          },
          { seed, strategy },
        )
        expect(kinds(r.timeline, 'deliver').map((e) => e.t)).toEqual([5, 5, 5, 5, 5])
        expect(r.timeline.find((e) => e.kind === 'user')?.payload).toEqual([0, 1, 2, 3, 4])
      }
    }
  })

  it('order each link on its own: links to different destinations interleave by latency', async () => {
    const interleavings = new Set<string>()
    for (let seed = 0; seed < 30; seed++) {
      const r = await replay(
        async (world) => {
          const a = world.net.bind('a', { reliable: true })
          world.net.bind('b')
          world.net.bind('c')
          for (let i = 0; i < 3; i++) {
            a.send('b', `b${i}`)
            a.send('c', `c${i}`)
          }
          await world.sleep(100)
        },
        { seed },
      )
      const delivered = kinds(r.timeline, 'deliver').map((e) => String(e.payload))
      expect(delivered.filter((p) => p.startsWith('b'))).toEqual(['b0', 'b1', 'b2'])
      expect(delivered.filter((p) => p.startsWith('c'))).toEqual(['c0', 'c1', 'c2'])
      interleavings.add(delivered.join(' '))
    }
    expect(interleavings.size).toBeGreaterThan(1)
  })

  it('are still cut by a partition at delivery time: reliable is not retransmitting', async () => {
    const r = await replay(
      async (world) => {
        const a = world.net.bind('a', { reliable: true })
        world.net.bind('b')
        a.send('b', 'cut')
        world.net.partition(['a'], ['b'])
        await world.sleep(50)
        world.net.heal()
        a.send('b', 'through')
        await world.sleep(50)
      },
      { seed: 0 },
    )
    expect(kinds(r.timeline, 'drop').map((e) => [e.payload, e.detail])).toEqual([
      ['cut', 'partitioned'],
    ])
    expect(kinds(r.timeline, 'deliver').map((e) => e.payload)).toEqual(['through'])
  })

  it('draw one latency per send, like every endpoint, and reject a non-boolean flag', async () => {
    const sends = (reliable: boolean) =>
      replay(
        async (world) => {
          const a = world.net.bind('a', { reliable })
          world.net.bind('b')
          for (let i = 0; i < 4; i++) a.send('b', i)
          world.record(world.rng.random())
          await world.sleep(100)
        },
        { seed: 9 },
      )
    const [plain, reliable] = await Promise.all([sends(false), sends(true)])
    // The same draws: the reliable run's arrival times are the plain run's, made non-decreasing.
    const times = (t: readonly TraceEvent[]) => kinds(t, 'deliver').map((e) => e.t)
    const expected = [...times(plain.timeline)]
    const sentOrder = kinds(plain.timeline, 'deliver').map((e) => e.payload as number)
    const bySend = sentOrder.map((_, i) => expected[sentOrder.indexOf(i)])
    for (let i = 1; i < bySend.length; i++) bySend[i] = Math.max(bySend[i], bySend[i - 1])
    expect(times(reliable.timeline)).toEqual(bySend)
    expect(kinds(reliable.timeline, 'user')[0].payload).toBe(
      kinds(plain.timeline, 'user')[0].payload,
    )
    const bad = await replay(
      async (world) => {
        world.net.bind('a', { reliable: 'yes' as never })
      },
      { seed: 0 },
    )
    expect(bad.failure?.detail).toBe(
      'the scenario threw WorldUsageError: net.bind("a"): reliable must be true or false, got yes',
    )
  })
})
