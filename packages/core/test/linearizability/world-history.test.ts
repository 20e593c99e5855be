import {
  DeadlineError,
  explore,
  OptionsError,
  type RegisterInput,
  replay,
  timelineDigest,
  type World,
  WorldUsageError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { slowZeroRegister, zeroRegister } from './stale-register.ts'
import { registerScenario } from './stale-register-async.ts'

const write = (value: number): RegisterInput<number> => ({ op: 'write', value })
const read: RegisterInput<number> = { op: 'read' }
const INF = Number.POSITIVE_INFINITY

describe('explore with linearizable: the replicated register as async code', () => {
  it('passes every seed without the partition, and says it checked', async () => {
    const report = await explore(registerScenario({ partition: false }), {
      seeds: 40,
      linearizable: zeroRegister,
    })
    expect(report).toEqual({
      ok: true,
      runs: 40,
      checked: { invariants: [], goals: [], refinement: false, linearizable: true },
    })
  })

  it('finds the stale read under a partition, and replay reproduces it with the same digest', async () => {
    const scenario = registerScenario({ partition: true })
    const report = await explore(scenario, { seeds: 40, linearizable: zeroRegister })
    const f = report.failure!
    expect(f.kind).toBe('safety')
    expect(f.detail).toMatch(
      /^history not linearizable: .*read\(\) → \d \(client "reader", t=\[\d+, \d+\]\) is refused/,
    )
    expect(f.linearizability?.result).toBe('not-linearizable')
    const refused = f.linearizability!.violation!.unplaceable[0]!
    expect(f.history![refused.index]).toBe(refused.operation)
    expect(f.timeline.filter((e) => e.kind === 'invoke').length).toBeGreaterThan(
      f.history!.length - 1,
    )
    const again = await replay(scenario, { seed: f.seed, linearizable: zeroRegister })
    expect(again.failure?.detail).toBe(f.detail)
    expect(again.digest).toBe(timelineDigest(f.timeline))
    expect(again.history).toEqual(f.history)
    // Without the option the same seed runs clean: nothing checked its history.
    const unchecked = await replay(scenario, { seed: f.seed })
    expect([unchecked.ok, unchecked.checked.linearizable]).toEqual([true, false])
    expect(unchecked.history).toEqual(f.history)
  })
})

/** Runs `body` as a one-seed scenario checked against the register spec. */
function once(body: (world: World) => Promise<void>, timeoutMs?: number) {
  return replay(body, {
    seed: 0,
    linearizable: timeoutMs === undefined ? zeroRegister : { spec: zeroRegister, timeoutMs },
  })
}

describe('world.history.record and invoke', () => {
  it('records ok with the value the call resolves to, and returns it', async () => {
    const report = await once(async (world) => {
      await world.history.record(write(4), async () => world.sleep(2))
      const value = await world.history.record(read, async () => {
        await world.sleep(1)
        return 4
      })
      world.record(value)
    })
    expect(report.ok).toBe(true)
    expect(report.history).toEqual([
      { client: 'main', input: write(4), call: 0, output: undefined, return: 2 },
      { client: 'main', input: read, call: 2, output: 4, return: 3 },
    ])
    expect(report.timeline.find((e) => e.kind === 'user')?.payload).toBe(4)
  })

  it('an error the caller calls definite is a fail (left out); any other error is info (unknown), and both are rethrown', async () => {
    const refused = new Error('not the leader')
    const report = await once(async (world) => {
      const failed = (e: unknown) => e === refused
      await expect(
        world.history.record(
          write(1),
          async () => {
            throw refused
          },
          { failed },
        ),
      ).rejects.toBe(refused)
      await expect(
        world.history.record(
          write(2),
          () => world.runUntil(() => false, { deadline: 5, name: 'reply' }),
          { failed },
        ),
      ).rejects.toThrow(DeadlineError)
      await world.history.record(read, async () => 2)
    })
    expect(report.ok).toBe(true)
    expect(report.history).toEqual([
      { client: 'main', input: write(2), call: 0, output: undefined, return: INF },
      { client: 'main', input: read, call: 5, output: 2, return: 5 },
    ])
    expect(report.timeline.filter((e) => ['fail', 'info'].includes(e.kind))).toMatchObject([
      { kind: 'fail', node: 'main', detail: 'op #0' },
      { kind: 'info', node: 'main', detail: 'op #1' },
    ])
  })

  it('a read of a value only a failed write wrote is not linearizable', async () => {
    const report = await once(async (world) => {
      world.history.invoke(write(7)).fail()
      world.history.invoke(read).ok(7)
    })
    expect(report.failure?.kind).toBe('safety')
    expect(report.failure?.history).toEqual([
      { client: 'main', input: read, call: 0, output: 7, return: 0 },
    ])
  })

  it('the client is the invoking task unless given; a pending operation is an unknown outcome', async () => {
    const report = await once(async (world) => {
      const writer = world.spawn('writer', async () => {
        world.history.invoke(write(3)) // never completed
      })
      await writer.finished
      world.history.invoke(read, { client: 7 }).ok(3)
    })
    expect(report.ok).toBe(true)
    expect(report.history).toEqual([
      { client: 'writer', input: write(3), call: 0, output: undefined, return: INF },
      { client: 7, input: read, call: 0, output: 3, return: 0 },
    ])
  })

  it('orders operations by the run within one virtual instant', async () => {
    const report = await once(async (world) => {
      world.history.invoke(write(1), { client: 'a' }).ok(undefined)
      world.history.invoke(read, { client: 'b' }).ok(0)
    })
    expect(report.failure?.detail).toMatch(/^history not linearizable/)
  })

  it('is checked when the run ends in a deadlock, and outranks it', async () => {
    const report = await once(async (world) => {
      world.history.invoke(write(1)).fail()
      world.history.invoke(read).ok(1)
      await new Promise(() => {}) // waits for nothing the world controls
    })
    expect(report.failure?.kind).toBe('safety')
    expect(report.failure?.detail).toMatch(/^history not linearizable/)
  })

  it('a run that failed otherwise is not checked', async () => {
    const report = await once(async (world) => {
      world.history.invoke(write(1)).fail()
      world.history.invoke(read).ok(1)
      throw new Error('boom')
    })
    expect(report.failure).toMatchObject({ kind: 'error' })
    expect(report.failure?.history).toBeUndefined()
  })

  it('a check out of time fails the run with kind error', async () => {
    const report = await replay(
      async (world) => {
        for (let v = 1; v <= 14; v++) world.history.invoke(write(v), { client: `w${v}` })
        world.history.invoke(read, { client: 'r' }).ok(99)
      },
      {
        seed: 0,
        linearizable: {
          spec: slowZeroRegister,
          timeoutMs: 1,
        },
      },
    )
    expect(report.failure?.kind).toBe('error')
    expect(report.failure?.detail).toMatch(/^history linearizability unknown: the time budget/)
  })
})

describe('misuse', () => {
  it('a second pending operation of one client fails the run even when caught', async () => {
    const report = await once(async (world) => {
      world.history.invoke(write(1))
      try {
        world.history.invoke(read)
      } catch (e) {
        expect(e).toBeInstanceOf(WorldUsageError)
      }
    })
    expect(report.failure?.kind).toBe('error')
    expect(report.failure?.detail).toMatch(
      /^the scenario: WorldUsageError: world.history.invoke\(\) in task "main": client "main" invoked/,
    )
  })

  it('rejects unknown record options, a non-function call and a malformed linearizable option', async () => {
    const report = await once(async (world) => {
      await expect(
        world.history.record(read, async () => 1, { faild: () => true } as never),
      ).rejects.toThrow(OptionsError)
      await expect(world.history.record(read, 3 as never)).rejects.toThrow(WorldUsageError)
    })
    expect(report.ok).toBe(true)
    await expect(explore(async () => {}, { seeds: 1, linearizable: 3 as never })).rejects.toThrow(
      WorldUsageError,
    )
    await expect(
      explore(async () => {}, {
        seeds: 1,
        linearizable: { spec: zeroRegister, timeout: 1 } as never,
      }),
    ).rejects.toThrow(/did you mean 'timeoutMs'/)
  })
})
