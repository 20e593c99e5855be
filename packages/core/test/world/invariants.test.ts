import { DeadlineError, explore, InvariantError, replay } from '@musil/core'
import { describe, expect, it } from 'vitest'

describe('always', () => {
  it('is checked after every step and fails with the invariant name and virtual time', async () => {
    const report = await explore(
      async (world) => {
        let balance = 10
        world.always(() => balance >= 0, 'balanceNeverNegative')
        world.spawn('spender', async () => {
          await world.sleep(42.5)
          balance -= 11
          // Back to positive within the same step: an invariant is only checked between steps.
          balance += 11
          await world.sleep(1)
          balance -= 11
          await world.sleep(1)
        })
        await world.sleep(100)
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('safety')
    expect(report.failure?.detail).toBe('invariant "balanceNeverNegative" violated at t=43.5 ms')
    expect(report.failure?.detail).toBe(new InvariantError('balanceNeverNegative', 43.5).message)
    expect(report.failure?.time).toBe(43.5)
  })

  it('catches a violation in the very step in which the scenario returns', async () => {
    const report = await explore(
      async (world) => {
        let x = 0
        world.always(() => x === 0, 'xStaysZero')
        await world.sleep(1)
        x = 1
      },
      { seeds: 1 },
    )
    expect(report.failure?.detail).toBe('invariant "xStaysZero" violated at t=1 ms')
  })

  it('reports an invariant that throws, naming it', async () => {
    const report = await explore(
      async (world) => {
        const nodes: { term: number }[] = []
        world.always(() => nodes[0].term >= 0, 'termsNonNegative')
        await world.sleep(1)
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('error')
    expect(report.failure?.detail).toMatch(/^invariant "termsNonNegative" threw TypeError: /)
  })

  it('builds InvariantError with its fields', () => {
    const e = new InvariantError('inv', 12)
    expect(e.name).toBe('InvariantError')
    expect(e.invariant).toBe('inv')
    expect(e.time).toBe(12)
  })
})

describe('runUntil', () => {
  it('resolves at the end of the first step at which the predicate holds', async () => {
    const r = await replay(
      async (world) => {
        let ready = false
        world.spawn('setter', async () => {
          await world.sleep(30)
          ready = true
        })
        await world.runUntil(() => ready, { deadline: 100 })
        world.record(world.now())
      },
      { seed: 0 },
    )
    expect(r.ok).toBe(true)
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toBe(30)
  })

  it('resolves at once when the predicate already holds', async () => {
    const r = await replay(
      async (world) => {
        await world.runUntil(() => true)
        world.record(world.now())
      },
      { seed: 0 },
    )
    expect(r.steps).toBe(1)
  })

  it('rejects with a catchable DeadlineError when the deadline (a duration from the call) passes', async () => {
    const r = await replay(
      async (world) => {
        await world.sleep(10)
        const err = await world
          .runUntil(() => false, { deadline: 50, name: 'leaderElected' })
          .catch((e: unknown) => e)
        world.record(
          err instanceof DeadlineError ? [err.goal, err.deadline, err.time, err.message] : err,
        )
      },
      { seed: 0 },
    )
    expect(r.ok).toBe(true)
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toEqual([
      'leaderElected',
      50,
      60,
      '"leaderElected" still false 50 ms after runUntil was called (t=60 ms)',
    ])
  })

  it('fails the run with kind goal when the DeadlineError is not caught', async () => {
    const report = await explore(
      async (world) => {
        world.spawn('ticker', async () => {
          for (;;) await world.sleep(5)
        })
        await world.runUntil(() => false, { deadline: 20 })
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('goal')
    expect(report.failure?.detail).toBe(
      '"runUntil" still false 20 ms after runUntil was called (t=20 ms)',
    )
  })

  it('is a deadlock when it waits without deadline and nothing else can happen', async () => {
    const report = await explore(
      async (world) => {
        await world.runUntil(() => false, { name: 'never' })
      },
      { seeds: 1 },
    )
    expect(report.failure?.kind).toBe('deadlock')
    expect(report.failure?.detail).toMatch(/main \(runUntil "never"\)/)
  })
})

describe('what a report says it checked', () => {
  it('names every always and runUntil of every run, each once, and nothing when there were none', async () => {
    const report = await explore(
      async (world) => {
        world.always(() => true, 'first')
        // Seed-dependent checks: the report holds the union over the runs.
        if (world.seed % 2 === 1) world.always(() => true, 'oddSeedsOnly')
        world.always(() => true, 'first')
        await world.runUntil(() => true, { name: 'ready' })
        await world.runUntil(() => world.now() >= 5, { name: 'later', deadline: 10 })
      },
      { seeds: 3 },
    )
    expect(report).toEqual({
      ok: true,
      runs: 3,
      checked: {
        invariants: ['first', 'oddSeedsOnly'],
        goals: ['ready', 'later'],
        refinement: false,
        linearizable: false,
      },
    })
    const bare = await replay(async (world) => world.sleep(1), { seed: 0 })
    expect(bare.checked).toEqual({
      invariants: [],
      goals: [],
      refinement: false,
      linearizable: false,
    })
  })
})
