import {
  check,
  mergeSwarmReports,
  replaySwarmTrace,
  SeedConfigError,
  successors,
  swarmShard,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import { deepBug } from './fixtures/large-models.ts'
import { counters } from './fixtures/parallel-models.ts'

describe('swarmShard', () => {
  it('covers states, reports no violation on a safe model, and never claims completeness', () => {
    const reports = [1, 2].map((index) =>
      swarmShard(dieHard({ solve: false }), { shard: { index, count: 2 }, maxStates: 1000 }),
    )
    for (const r of reports) {
      expect(r.exhaustive).toBe(false)
      expect(r.violation).toBeUndefined()
      expect(r.statesCovered).toBeGreaterThan(0)
      expect(r.statesCovered).toBeLessThanOrEqual(16)
    }
    expect(reports.map((r) => r.strategy)).toEqual(['depth-first', 'random-restart'])
    const verdict = mergeSwarmReports(reports)
    expect(verdict.ok).toBe(true)
    expect(verdict.exhaustive).toBe(false)
    expect(verdict.summary).toBe(
      `no violation in ${verdict.statesCovered} states covered by 2 shards; exhaustive: no`,
    )
  })

  it.each([-1, 1.5, 2 ** 53])('refuses swarm seed %d by the one seed rule', (seed) => {
    expect(() => swarmShard(dieHard(), { shard: '1/2', seed, maxStates: 10 })).toThrow(
      SeedConfigError,
    )
    expect(() => swarmShard(dieHard(), { shard: '1/2', seed, maxStates: 10 })).toThrow(
      expect.objectContaining({
        source: 'swarmShard()',
        message: `swarmShard(): seed ${seed} is not a seed; seeds are non-negative safe integers`,
      }),
    )
  })

  it('takes 0 and the largest safe integer as swarm seeds', () => {
    for (const seed of [0, Number.MAX_SAFE_INTEGER]) {
      expect(swarmShard(dieHard(), { shard: '1/2', seed, maxStates: 10 }).swarmSeed).toBe(seed)
    }
  })

  it('gives each shard its own seed, and the same shard the same report', () => {
    const a = swarmShard(deepBug(), { shard: '1/4', maxStates: 5000 })
    const b = swarmShard(deepBug(), { shard: '2/4', maxStates: 5000 })
    const again = swarmShard(deepBug(), { shard: '1/4', maxStates: 5000 })
    expect(a.seed).not.toBe(b.seed)
    expect({ ...again, durationMs: 0 }).toEqual({ ...a, durationMs: 0 })
  })

  it('finds the Die Hard solution and replays it from the report', () => {
    const r = swarmShard(dieHard(), { shard: '2/3' })
    expect(r.violation?.name).toBe('bigNotFour')
    const trace = replaySwarmTrace(dieHard(), r.violation!)
    expect(trace).toHaveLength(r.violation!.steps + 1)
    expect(trace.at(-1)!.state.big).toBe(4)
  })

  it('replays a deadlock, and refuses choices that no longer end in one', () => {
    const stuck = counters({ n: 3, limit: 10, stuck: true })
    const r = swarmShard(stuck, { shard: '1/2' })
    expect(r.violation?.kind).toBe('deadlock')
    const trace = replaySwarmTrace(stuck, r.violation!)
    expect(successors(stuck, trace.at(-1)!.state)).toEqual([])
    const cut = { ...r.violation!, choices: r.violation!.choices.slice(0, -1) }
    expect(() => replaySwarmTrace(stuck, cut)).toThrow(/the last state of the trace has successors/)
  })

  it('finds a bug deeper than a breadth-first budget reaches', () => {
    const model = deepBug()
    const budget = 100_000
    const bfs = check(model, { maxStates: budget })
    expect(bfs.complete).toBe(false)
    expect(bfs.violation).toBeUndefined()
    const reports = [1, 2, 3, 4].map((index) =>
      swarmShard(model, { shard: { index, count: 4 }, maxStates: budget / 4 }),
    )
    const verdict = mergeSwarmReports(reports)
    expect(verdict.ok).toBe(false)
    expect(verdict.violation?.name).toBe('belowTop')
    const trace = replaySwarmTrace(model, verdict.violation!)
    expect(trace.at(-1)!.state.depth).toBe(400)
  })

  it('reports model code that throws, with choices that replay to the state it threw at', () => {
    const model = counters({ n: 3, limit: 10, throwAt: 7 })
    for (const shard of ['1/2', '2/2']) {
      const r = swarmShard(model, { shard })
      expect(r.violation?.kind).toBe('error')
      expect(r.violation?.message).toMatch(
        /^effect of inc\(\d\) threw after \d+ steps: inc\(\d\) refuses at 7$/,
      )
      const trace = replaySwarmTrace(model, r.violation!)
      expect(trace.at(-1)!.state.c.reduce((a, b) => a + b, 0)).toBe(7)
    }
  })

  it('stops at its time budget and says so', () => {
    // Far more states than a millisecond covers: the time budget ends the shard.
    const r = swarmShard(counters({ n: 4, limit: 40 }), { shard: '1/1', maxStates: 1e9, timeMs: 1 })
    expect(r.stoppedBy).toBe('timeMs')
    expect(r.violation).toBeUndefined()
    expect(r.statesCovered).toBeGreaterThan(0)
  })

  it('validates its options', () => {
    expect(() => swarmShard(dieHard(), { shard: '5/4' })).toThrow(/out of range/)
    expect(() => swarmShard(dieHard(), { maxState: 3 } as never)).toThrow(
      /did you mean 'maxStates'/,
    )
    expect(() => swarmShard(dieHard(), { depth: 0 })).toThrow(/depth must be a positive integer/)
  })

  it('refuses to merge reports of different models or shard counts', () => {
    const a = swarmShard(dieHard(), { shard: '1/2', maxStates: 50 })
    const b = swarmShard(dieHard({ solve: false }), { shard: '2/2', maxStates: 50 })
    expect(() => mergeSwarmReports([a, b])).toThrow(/cannot merge swarm reports: model/)
    const c = swarmShard(dieHard(), { shard: '2/3', maxStates: 50 })
    expect(() => mergeSwarmReports([a, c])).toThrow(/3 shards differ from 2/)
    expect(() => mergeSwarmReports([a, a])).toThrow(/reported twice/)
    const partial = mergeSwarmReports([swarmShard(dieHard({ solve: false }), { shard: '1/2' })])
    expect(partial.ok).toBe(false)
    expect(partial.summary).toMatch(/missing shards: 2\/2; exhaustive: no$/)
  })
})
