import { check, checkLiveness, formatSimTrace, simulate, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { eventuallyALeader, leaderElectionChapter, SEEDS } from './chapter.ts'
import { electionNodes, electionOptions, simulateElection } from './leader-election.nodes.ts'
import { electedIn, hasLeader, leaderElection, oneLeaderPerTerm } from './leader-election.ts'

describe('leader election: the model', () => {
  it('a node that votes twice in a term lets two candidates win it', () => {
    const v = check(leaderElection({ policy: 'vote-twice' })).violation!
    expect(v.name).toBe('oneLeaderPerTerm')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'timeout(n1)',
      'timeout(n2)',
      'vote(n1, n2, 1)',
      'vote(n2, n1, 1)',
      'becomeLeader(n1)',
      'becomeLeader(n2)',
    ])
    expect([...v.trace.at(-1)!.state.elected]).toEqual([electedIn(1, 'n1'), electedIn(1, 'n2')])
  })

  it('one vote per term is safe, but split votes can leave the cluster without a leader', () => {
    const m = leaderElection({ policy: 'once' })
    expect(check(m)).toMatchObject({ ok: true, stats: { distinct: 2268 } })
    const v = checkLiveness(m, eventuallyALeader).violation!
    // Every node reaches the last term as a candidate with its own vote only: no majority,
    // no timeout left, nothing fair to do.
    const last = v.prefix.at(-1)!.state
    expect(Object.values(last.nodes)).toEqual([
      { term: 2, role: 'candidate' },
      { term: 2, role: 'candidate' },
      { term: 2, role: 'candidate' },
    ])
    expect(actionsOf(v.cycle)).toEqual(['(stutter)'])
  })

  it('the bully tie-break keeps one leader per term and always elects one', () => {
    const m = leaderElection({ policy: 'yield' })
    expect(check(m)).toMatchObject({ ok: true, complete: true, stats: { distinct: 5398 } })
    expect(checkLiveness(m, eventuallyALeader)).toMatchObject({ ok: true })
  })

  const fairButTimeouts = ['vote', 'becomeLeader', 'catchUp', 'follow', 'yield']

  it('progress needs the timeouts to be fair: without them nobody ever stands', () => {
    const r = checkLiveness(leaderElection({ policy: 'yield' }), {
      ...eventuallyALeader,
      fair: fairButTimeouts,
    })
    expect(actionsOf(r.violation!.prefix)).toEqual(['init'])
  })

  it.each(['n1', 'n3'])('one node whose timeout is fair (%s) is enough for progress', (id) => {
    const r = checkLiveness(leaderElection({ policy: 'yield' }), {
      ...eventuallyALeader,
      fair: [...fairButTimeouts, `timeout(${id})`],
    })
    expect(r).toMatchObject({ ok: true, warnings: [] })
  })

  it('Election Safety speaks about history, not current roles', () => {
    const s = { nodes: {}, ballots: new Set<string>() }
    expect(oneLeaderPerTerm({ ...s, elected: new Set(['1: n1', '2: n2']) })).toBe(true)
    expect(oneLeaderPerTerm({ ...s, elected: new Set(['1: n1', '1: n2']) })).toBe(false)
    expect(
      hasLeader({ ...s, nodes: { n1: { term: 1, role: 'leader' } }, elected: new Set() }),
    ).toBe(true)
  })
})

describe('leader election: the code, simulated and held to the model', () => {
  it('finds two leaders in one term by seed, and the seed replays it', () => {
    const r = simulateElection({ policy: 'vote-twice' }, SEEDS)
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'oneLeaderPerTerm' })
    expect(f.world.elected).toEqual(new Set([electedIn(1, 'n1'), electedIn(1, 'n3')]))
    const again = simulateElection({ policy: 'vote-twice' }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
    expect(formatSimTrace(again.minimized)).toBe(formatSimTrace(f.minimized))
  })

  it('the fixed nodes refine the model and elect a leader on every seed', () => {
    const r = simulateElection({ policy: 'yield' }, SEEDS)
    expect(r).toMatchObject({ ok: true, runs: SEEDS })
    expect(r.checked).toMatchObject({ invariants: ['oneLeaderPerTerm'], refinement: true })
  })

  it('one vote per term without the tie-break refines its model, and some seed splits the votes for good', () => {
    // Refinement holds on every seed; the sweep stops at the first run that ends leaderless:
    // the model's split-vote lasso, found in the code.
    const r = simulateElection({ policy: 'once' }, 1000)
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'goal', name: 'a leader' })
    expect(Object.values(f.world.nodes)).toEqual([
      { term: 2, role: 'candidate' },
      { term: 2, role: 'candidate' },
      { term: 2, role: 'candidate' },
    ])
    expect(f.seed).toBe(489) // as the page says
  }, 120_000)

  it('code that steps outside its model fails refinement: the tie-break held to the model without it', () => {
    const r = simulate(electionNodes({ policy: 'yield' }), {
      ...electionOptions({ policy: 'once' }),
      seeds: SEEDS,
    })
    // A candidate that withdraws casts a second vote in its term: no step of the `once` model.
    expect(r.failure).toMatchObject({ kind: 'refinement' })
    expect(r.failure!.detail).toMatch(
      /^refinement of model 'leader-election\(3 nodes, terms 1..2, once\)' broken/,
    )
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(leaderElectionChapter))
})
