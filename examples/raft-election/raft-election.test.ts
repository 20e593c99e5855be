import { explore, formatTimeline, replay } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { atMostOneLeaderPerTerm, election, type RaftNode } from './raft-election.ts'

const SEEDS = 200
/** What every election run checks: its one invariant, no goal. */
const ONE_LEADER = {
  invariants: ['atMostOneLeaderPerTerm'],
  goals: [],
  refinement: false,
  linearizable: false,
}

describe('Raft leader election', () => {
  it('finds split-brain when a node ignores the one-vote-per-term rule', async () => {
    const report = await explore(election({ buggy: true }), { seeds: SEEDS })
    expect(report.ok).toBe(false)
    const failure = report.failure!
    expect(failure.kind).toBe('safety')
    expect(failure.detail).toMatch(/^invariant "atMostOneLeaderPerTerm" violated at t=[\d.]+ ms$/)
    expect(report.runs).toBe(failure.seed + 1)
    // The timeline shows the two leaders the invariant saw, elected in the same term.
    const leaders = failure.timeline
      .filter((e) => e.kind === 'user')
      .map((e) => e.payload as { leader: string; term: number })
    const lastTerm = leaders.at(-1)!.term
    expect(new Set(leaders.filter((l) => l.term === lastTerm).map((l) => l.leader)).size).toBe(2)
  })

  it('replays the failing seed to the same split-brain, event for event', async () => {
    const { failure } = await explore(election({ buggy: true }), { seeds: SEEDS })
    const first = await replay(election({ buggy: true }), { seed: failure!.seed })
    const second = await replay(election({ buggy: true }), { seed: failure!.seed })
    expect(first.failure?.detail).toBe(failure!.detail)
    expect(first.timeline).toEqual(failure!.timeline)
    expect(second.digest).toBe(first.digest)
    expect(formatTimeline(first.timeline, 5)).toContain('user')
  })

  it('keeps one leader per term over the same seeds once the rule is enforced', async () => {
    const report = await explore(election(), { seeds: SEEDS })
    expect(report).toEqual({ ok: true, runs: SEEDS, checked: ONE_LEADER })
  })

  it('stays safe under PCT scheduling and under seed-scheduled partitions and crashes', async () => {
    expect(await explore(election(), { seeds: 100, strategy: 'pct' })).toEqual({
      ok: true,
      runs: 100,
      checked: ONE_LEADER,
    })
    const faulty = election({ faults: (world) => [world.faults.partition(), world.faults.crash()] })
    expect(await explore(faulty, { seeds: 100 })).toEqual({
      ok: true,
      runs: 100,
      checked: ONE_LEADER,
    })
    const buggyFaulty = election({ buggy: true, faults: (world) => [world.faults.partition()] })
    expect((await explore(buggyFaulty, { seeds: SEEDS })).failure?.kind).toBe('safety')
  })

  it('takes nothing from outside the world: the election passes in audit mode', async () => {
    expect(await explore(election(), { seeds: 50, audit: true })).toEqual({
      ok: true,
      runs: 50,
      checked: ONE_LEADER,
    })
  })

  it('elects a leader that the others follow (the election makes progress)', async () => {
    let nodes: readonly RaftNode[] = []
    const report = await replay(
      election({}, (n) => {
        nodes = n
      }),
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    const leaders = nodes.filter((n) => n.role === 'leader')
    expect(leaders).toHaveLength(1)
    for (const n of nodes) expect(n.term).toBe(leaders[0].term)
  })

  it('states Election Safety over the whole history, not just the current roles', () => {
    const node = (ledTerms: number[]) => ({ ledTerms }) as unknown as RaftNode
    expect(atMostOneLeaderPerTerm([node([1, 3]), node([2])])).toBe(true)
    expect(atMostOneLeaderPerTerm([node([1, 3]), node([3])])).toBe(false)
  })
})
