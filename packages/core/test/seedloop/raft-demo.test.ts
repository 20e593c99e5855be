// seedloop tests/test_raft_demo.py: the Raft election, its split-brain bug found and replayed.
import { explore, replay } from '@musil/core'
import { describe, expect } from 'vitest'
import {
  atMostOneLeaderPerTerm,
  election,
  RaftNode,
} from '../../../../examples/raft-election/raft-election.ts'
import { ofKind, recorded, seedloopTest } from './conformance.ts'

const SEEDS = 200 // the sweep budget of seedloop's demo

describe('seedloop tests/test_raft_demo.py', () => {
  seedloopTest(
    'test_raft_demo::test_buggy_election_has_split_brain_found_by_the_sweep',
    async () => {
      const report = await explore(election({ buggy: true }), { seeds: SEEDS })
      expect(report.ok).toBe(false)
      expect(report.failure?.kind).toBe('safety')
      expect(report.failure?.detail).toMatch(/^invariant "atMostOneLeaderPerTerm" violated at t=/)
    },
  )

  seedloopTest('test_raft_demo::test_failing_seed_replays_identically', async () => {
    const { failure } = await explore(election({ buggy: true }), { seeds: SEEDS })
    const first = await replay(election({ buggy: true }), { seed: failure!.seed })
    expect(first.timeline).toEqual(failure!.timeline)
    for (let i = 0; i < 5; i++) {
      const again = await replay(election({ buggy: true }), { seed: failure!.seed })
      expect(again.digest).toBe(first.digest)
      expect(again.failure?.detail).toBe(failure!.detail)
    }
  })

  seedloopTest(
    'test_raft_demo::test_correct_election_has_no_split_brain_over_the_same_range',
    async () => {
      const report = await explore(election(), { seeds: SEEDS })
      expect(report.ok).toBe(true)
      expect(report.runs).toBe(SEEDS)
    },
  )

  seedloopTest('test_raft_demo::test_invariant_helpers', async () => {
    // Real nodes, with the terms they led set by hand.
    const verdicts: boolean[] = []
    await replay(
      async (world) => {
        const nodes = ['n1', 'n2'].map((id) => new RaftNode(id, [], world, {}))
        const led = (a: number[], b: number[]) => {
          nodes[0].ledTerms.splice(0, Infinity, ...a)
          nodes[1].ledTerms.splice(0, Infinity, ...b)
          verdicts.push(atMostOneLeaderPerTerm(nodes))
        }
        led([], []) // no leader
        led([1], []) // one leader
        led([1], [2]) // leaders of different terms
        led([5], [5]) // split brain in one term
        led([1, 3], [3]) // ...also when the shared term is not the latest
      },
      { seed: 0 },
    )
    expect(verdicts).toEqual([true, true, true, false, false])
  })

  seedloopTest('test_raft_demo::test_majority_threshold_is_strict', async () => {
    // Five nodes: a candidate needs three votes (its own and two more), not two. The four peers
    // are the test's own endpoints, so it decides exactly which votes arrive, and when.
    const roles: string[] = []
    const report = await replay(
      async (world) => {
        const peers = ['n2', 'n3', 'n4', 'n5']
        const endpoints = peers.map((p) => world.net.bind(p, { latency: { min: 1, max: 1 } }))
        const candidate = new RaftNode('n1', peers, world, {})
        world.spawn('n1', () => candidate.run())
        await world.runUntil(() => candidate.role === 'candidate', { deadline: 1000 })
        const vote = { type: 'vote', term: candidate.term, granted: true }
        endpoints[0].send('n1', vote)
        await world.sleep(2)
        roles.push(candidate.role) // two votes of five
        endpoints[1].send('n1', vote)
        await world.sleep(2)
        roles.push(candidate.role) // three votes of five: a majority
        world.record(candidate.ledTerms)
      },
      { seed: 0 },
    )
    expect(report.ok).toBe(true)
    expect(roles).toEqual(['candidate', 'leader'])
    expect(recorded(report.timeline)).toEqual([{ leader: 'n1', term: 1 }, [1]])
  })

  seedloopTest('test_raft_demo::test_election_timeouts_are_seeded', async () => {
    // The election timeouts come from world.rng: when each node first stands is the seed's.
    const firstCandidacies = async (seed: number) => {
      const report = await replay(election({ duration: 400 }), { seed })
      return ofKind(report.timeline, 'send')
        .filter((e) => (e.payload as { type: string }).type === 'requestVote')
        .slice(0, 2)
        .map((e) => [e.t, e.src])
    }
    const seven = await firstCandidacies(7)
    expect(seven.length).toBeGreaterThan(0)
    expect(await firstCandidacies(7)).toEqual(seven)
    expect(await firstCandidacies(8)).not.toEqual(seven)
    for (const [t] of seven) {
      expect(t).toBeGreaterThanOrEqual(150)
      expect(t).toBeLessThanOrEqual(300)
    }
  })
})
