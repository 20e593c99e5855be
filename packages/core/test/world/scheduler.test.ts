import {
  DeadlockError,
  explore,
  MusilError,
  replay,
  type TraceEvent,
  type World,
  WorldUsageError,
} from '@musil/core'
import { describe, expect, it, vi } from 'vitest'

/** The timeline without the runtime's bookkeeping: only what the user recorded. */
const userEvents = (timeline: readonly TraceEvent[]): unknown[][] =>
  timeline.filter((e) => e.kind === 'user').map((e) => [e.t, e.node, e.payload])

describe('virtual clock', () => {
  it('jumps straight to the next timer and orders sleepers by wake-up time', async () => {
    const r = await replay(
      async (world) => {
        world.spawn('slow', async () => {
          await world.sleep(300)
          world.record('slow woke')
        })
        world.spawn('fast', async () => {
          await world.sleep(20)
          world.record('fast woke')
          await world.sleep(1000)
          world.record('fast woke again')
        })
        await world.sleep(5000)
        world.record('main done')
      },
      { seed: 1 },
    )
    expect(r.ok).toBe(true)
    expect(userEvents(r.timeline)).toEqual([
      [20, 'fast', 'fast woke'],
      [300, 'slow', 'slow woke'],
      [1020, 'fast', 'fast woke again'],
      [5000, 'main', 'main done'],
    ])
    expect(r.time).toBe(5000)
  })

  it('keeps fractional milliseconds exact', async () => {
    const r = await replay(
      async (world) => {
        await world.sleep(0.25)
        await world.sleep(0.5)
        world.record(world.now())
      },
      { seed: 0 },
    )
    expect(userEvents(r.timeline)).toEqual([[0.75, 'main', 0.75]])
  })
})

describe('controlled scheduler', () => {
  it('does not run a spawned task synchronously', async () => {
    const r = await replay(
      async (world) => {
        let started = false
        const task = world.spawn('t', async () => {
          started = true
        })
        world.record(started)
        await task.finished
        world.record(started)
      },
      { seed: 3 },
    )
    expect(userEvents(r.timeline)).toEqual([
      [0, 'main', false],
      [0, 'main', true],
    ])
  })

  it('lets the seed order wake-ups ready at the same instant, including a fresh sleep(0)', async () => {
    const scenario = async (world: World): Promise<void> => {
      const order: string[] = []
      const a = world.spawn('a', async () => {
        await world.sleep(0)
        order.push('a')
      })
      const b = world.spawn('b', async () => {
        order.push('b')
      })
      await Promise.all([a.finished, b.finished])
      world.record(order.join(''))
    }
    const seen = new Set<string>()
    for (let seed = 0; seed < 40; seed++) {
      const r = await replay(scenario, { seed })
      seen.add(String(userEvents(r.timeline)[0]?.[2]))
    }
    // Both orders happen: b may run before or after a's sleep(0) wakes up.
    expect(seen).toEqual(new Set(['ab', 'ba']))
  })

  it('drains every microtask of a step before the next wake-up', async () => {
    const r = await replay(
      async (world) => {
        let depth = 0
        world.spawn('deep', async () => {
          // A long chain of plain promise continuations: all of it belongs to one step.
          for (let i = 0; i < 1000; i++) await Promise.resolve(i)
          depth = 1000
        })
        world.spawn('observer', async () => {
          world.record(depth)
        })
        await world.sleep(1)
      },
      { seed: 5 },
    )
    const recorded = userEvents(r.timeline)[0]?.[2]
    expect([0, 1000]).toContain(recorded)
    // 'main' start, two task starts, one timer: chains do not add steps.
    expect(r.steps).toBe(4)
  })

  it('replays a seed to the identical timeline, and PCT is just as deterministic', async () => {
    const scenario = async (world: World): Promise<void> => {
      for (const name of ['x', 'y', 'z']) {
        world.spawn(name, async () => {
          for (let i = 0; i < 3; i++) {
            await world.sleep(world.rng.int(0, 2))
            world.record(`${name}${i}`)
          }
        })
      }
      await world.sleep(10)
    }
    for (const strategy of ['random', 'pct'] as const) {
      const first = await replay(scenario, { seed: 77, strategy })
      const second = await replay(scenario, { seed: 77, strategy })
      expect(second.digest).toBe(first.digest)
      expect(second.timeline).toEqual(first.timeline)
    }
    const digests = new Set<string>()
    for (let seed = 0; seed < 10; seed++) digests.add((await replay(scenario, { seed })).digest)
    expect(digests.size).toBeGreaterThan(5)
  })

  it('wraps an async function so its effect happens only when the scheduler releases it', async () => {
    const r = await replay(
      async (world) => {
        let calls = 0
        const io = world.scheduled('io', async (n: number) => {
          calls++
          return n * 2
        })
        const pending = io(21)
        // Called, but not run: fast-check's scheduleFunction would already have run it.
        world.record(calls)
        world.record(await pending)
        world.record(calls)
      },
      { seed: 0 },
    )
    expect(userEvents(r.timeline).map((e) => (e as unknown[])[2])).toEqual([0, 42, 1])
    expect(r.timeline.some((e) => e.kind === 'run' && e.name === 'io' && e.node === 'main')).toBe(
      true,
    )
  })

  it("forwards a scheduled function's rejection to its caller", async () => {
    const r = await replay(
      async (world) => {
        const failing = world.scheduled('failing', async () => {
          throw new Error('disk full')
        })
        await expect(failing()).rejects.toThrow('disk full')
      },
      { seed: 0 },
    )
    expect(r.ok).toBe(true)
  })
})

describe('PCT', () => {
  const yielders = async (world: World): Promise<void> => {
    let order = ''
    const task = (name: string) => async () => {
      for (let i = 0; i < 5; i++) {
        await world.sleep(0)
        order += name
      }
    }
    const a = world.spawn('a', task('a'))
    const b = world.spawn('b', task('b'))
    await Promise.all([a.finished, b.finished])
    world.record(order)
  }
  const orders = async (options: object): Promise<Set<string>> => {
    const seen = new Set<string>()
    for (let seed = 0; seed < 60; seed++) {
      const r = await replay(yielders, { seed, ...options })
      seen.add(String(userEvents(r.timeline).at(-1)?.[2]))
    }
    return seen
  }

  it('runs the highest-priority task for as long as it can (depth 1: no change point)', async () => {
    expect(await orders({ strategy: 'pct', pctDepth: 1 })).toEqual(
      new Set(['aaaaabbbbb', 'bbbbbaaaaa']),
    )
  })

  it('switches at most once per change point (depth 2: one change point)', async () => {
    const seen = await orders({ strategy: 'pct', pctDepth: 2, pctSteps: 12 })
    for (const order of seen) expect(order.match(/(a+|b+)/g)?.length ?? 0).toBeLessThanOrEqual(3)
    expect(seen.size).toBeGreaterThan(2)
  })

  it('differs from uniform random choice, which interleaves freely', async () => {
    const seen = await orders({ strategy: 'random' })
    expect([...seen].some((o) => (o.match(/(a+|b+)/g)?.length ?? 0) > 3)).toBe(true)
  })
})

describe('isolation from the host', () => {
  it('keeps running when Vitest fake timers are installed (the scheduler holds the real setImmediate)', async () => {
    vi.useFakeTimers()
    try {
      const r = await replay(
        async (world) => {
          await world.sleep(1000)
          world.record(world.now())
        },
        { seed: 0 },
      )
      expect(r.ok).toBe(true)
      expect(userEvents(r.timeline)).toEqual([[1000, 'main', 1000]])
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('how a run ends', () => {
  it('ends at once when a task throws, naming the task', async () => {
    const report = await explore(
      async (world) => {
        world.spawn('worker', async () => {
          await world.sleep(7)
          throw new TypeError('bad payload')
        })
        world.spawn('bystander', async () => {
          await world.sleep(100)
          world.record('should never run')
        })
        await world.sleep(1000)
      },
      { seeds: 1 },
    )
    expect(report.ok).toBe(false)
    expect(report.failure?.kind).toBe('error')
    expect(report.failure?.detail).toBe('task "worker" threw TypeError: bad payload')
    expect(report.failure?.time).toBe(7)
    expect(report.failure?.timeline.some((e) => e.kind === 'user')).toBe(false)
  })

  it('reports a throwing scenario', async () => {
    const report = await explore(
      async () => {
        throw new RangeError('nope')
      },
      { seeds: [4] },
    )
    expect(report.failure).toMatchObject({
      kind: 'error',
      seed: 4,
      detail: 'the scenario threw RangeError: nope',
    })
  })

  it('ends with a deadlock, not a hang, when every task waits forever', async () => {
    const report = await explore(
      async (world) => {
        const a = world.net.bind('a')
        const b = world.net.bind('b')
        world.spawn('alice', async () => {
          await a.recv()
        })
        world.spawn('bob', async () => {
          await world.sleep(5)
          await b.recv()
        })
        await new Promise(() => {})
      },
      { seeds: 3 },
    )
    expect(report.ok).toBe(false)
    expect(report.runs).toBe(1)
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.time).toBe(5)
    expect(report.failure?.detail).toBe(
      new DeadlockError(5, ['main', 'alice (recv on a)', 'bob (recv on b)']).message,
    )
    expect(report.failure?.detail).toMatch(
      /^every task is blocked and no timer is pending at t=5 ms/,
    )
  })

  it('stops a livelock at maxSteps', async () => {
    const report = await explore(
      async (world) => {
        for (;;) await world.sleep(0)
      },
      { seeds: 1, maxSteps: 500 },
    )
    expect(report.failure?.kind).toBe('error')
    expect(report.failure?.detail).toMatch(
      /^the run did not finish within 500 scheduling steps \(t=0 ms\)/,
    )
    expect(report.failure?.steps).toBe(500)
  })

  it('ends when the scenario returns, abandoning tasks still running', async () => {
    const report = await replay(
      async (world) => {
        world.spawn('forever', async () => {
          for (;;) await world.sleep(10)
        })
        await world.sleep(35)
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(report.time).toBe(35)
  })
})

describe('explore', () => {
  it('runs seeds 0..n-1 and stops at the first failing one', async () => {
    const seen: number[] = []
    const report = await explore(
      async (world) => {
        seen.push(world.seed)
        if (world.seed === 3) throw new Error('three')
      },
      { seeds: 10 },
    )
    expect(seen).toEqual([0, 1, 2, 3])
    expect(report).toMatchObject({ ok: false, runs: 4, failure: { seed: 3, kind: 'error' } })
  })

  it('returns a plain, serialisable report', async () => {
    const report = await explore(
      async (world) => {
        const e = world.net.bind('e')
        e.send('e', { hello: [1, 2] })
        await e.recv()
        throw new Error('boom')
      },
      { seeds: 1 },
    )
    expect(structuredClone(report)).toEqual(report)
    expect(Object.keys(report.failure ?? {}).sort()).toEqual([
      'detail',
      'kind',
      'seed',
      'steps',
      'time',
      'timeline',
      'trace',
    ])
    // One name for the events in both runtimes: `trace`; `timeline` (DESIGN's name) is the same array.
    expect(report.failure?.timeline).toBe(report.failure?.trace)
  })

  it.each([
    [
      { seeds: -1 },
      "explore(): 'seeds': a seed count must be a positive integer, got -1; or give an iterable of seeds",
    ],
    [
      { seeds: 1.5 },
      "explore(): 'seeds': a seed count must be a positive integer, got 1.5; or give an iterable of seeds",
    ],
    [{ seeds: 'all' }, 'explore(): seeds must be a count >= 1 or an iterable of seeds, got all'],
    [
      { seeds: [0, 0.5] },
      'explore(): seed 0.5 is not a seed; seeds are non-negative safe integers',
    ],
    // One seed rule for both runtimes: simulate and MUSIL_SEED refuse a negative seed, so does explore.
    [{ seeds: [-1] }, 'explore(): seed -1 is not a seed; seeds are non-negative safe integers'],
    [{ seeds: 1, strategy: 'dfs' }, "explore(): strategy must be 'random' or 'pct', got dfs"],
    [{ seeds: 1, pctDepth: 0 }, 'explore(): pctDepth must be a positive integer, got 0'],
    [{ seeds: 1, pctSteps: 2.5 }, 'explore(): pctSteps must be a positive integer, got 2.5'],
    [{ seeds: 1, maxSteps: -3 }, 'explore(): maxSteps must be a positive integer, got -3'],
  ])('rejects bad options %o', async (options, message) => {
    const err = await explore(async () => {}, options as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorldUsageError)
    expect((err as Error).message).toBe(message)
    expect(MusilError.is(err)).toBe(true)
  })

  it('rejects an empty sweep instead of reporting it as a pass', async () => {
    for (const seeds of [0, []]) {
      const err = await explore(async () => {}, { seeds } as never).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(WorldUsageError)
      expect((err as Error).message).toMatch(
        /^explore\(\): (seeds is empty|'seeds': a seed count must be a positive integer)/,
      )
    }
  })

  it('rejects a scenario that is not a function, and a bad replay seed', async () => {
    await expect(explore(42 as never, { seeds: 1 })).rejects.toThrow(
      'explore() needs an async scenario function (world) => Promise<void>, got number',
    )
    await expect(explore(async () => {}, undefined as never)).rejects.toThrow(
      'explore() needs an options object as its second argument, got undefined',
    )
    await expect(replay(async () => {}, { seed: Number.NaN })).rejects.toThrow(
      'replay(): seed NaN is not a seed; seeds are non-negative safe integers',
    )
  })
})

describe('task names', () => {
  it('may be reused once the earlier task has finished', async () => {
    const r = await replay(
      async (world) => {
        await world.spawn('job', async () => {}).finished
        await world.spawn('job', async () => world.record('second job')).finished
      },
      { seed: 0 },
    )
    expect(r.ok).toBe(true)
    expect(userEvents(r.timeline)).toEqual([[0, 'job', 'second job']])
  })
})

describe('bad input inside a run', () => {
  const failureOf = async (body: (world: World) => unknown): Promise<string | undefined> =>
    (
      await explore(
        async (world) => {
          await body(world)
        },
        { seeds: 1 },
      )
    ).failure?.detail

  it.each([
    [
      'sleep(-1)',
      (w: World) => w.sleep(-1),
      'sleep needs a finite number of virtual milliseconds >= 0, got -1',
    ],
    [
      'sleep(NaN)',
      (w: World) => w.sleep(Number.NaN),
      'sleep needs a finite number of virtual milliseconds >= 0, got NaN',
    ],
    [
      'spawn without a name',
      (w: World) => w.spawn('', async () => {}),
      'spawn needs a non-empty name, got ',
    ],
    [
      'spawn without a function',
      (w: World) => w.spawn('x', 3 as never),
      'spawn("x") needs a function to run, got number',
    ],
    [
      'two live tasks with one name',
      (w: World) => [w.spawn('dup', () => w.sleep(5)), w.spawn('dup', async () => {})],
      'spawn("dup"): a task of that name is still running; give each concurrent task its own name (the timeline, error details, crash faults and PCT priorities refer to tasks by name)',
    ],
    [
      'spawning main',
      (w: World) => w.spawn('main', async () => {}),
      'spawn("main"): a task of that name is still running; give each concurrent task its own name (the timeline, error details, crash faults and PCT priorities refer to tasks by name)',
    ],
    [
      'always without a predicate',
      (w: World) => w.always(true as never, 'p'),
      'always("p") needs a predicate function, got boolean',
    ],
    [
      'runFor(Infinity)',
      (w: World) => w.runFor(Number.POSITIVE_INFINITY),
      'runFor needs a finite number of virtual milliseconds >= 0, got Infinity',
    ],
    [
      'a negative deadline',
      (w: World) => w.runUntil(() => false, { deadline: -5 }),
      'runUntil("runUntil") deadline needs a finite number of virtual milliseconds >= 0, got -5',
    ],
    [
      'scheduled without a function',
      (w: World) => w.scheduled('io', null as never),
      'scheduled("io") needs a function to wrap, got object',
    ],
  ])('%s fails the run with a WorldUsageError', async (_, body, message) => {
    expect(await failureOf(body)).toBe(`the scenario threw WorldUsageError: ${message}`)
  })
})
