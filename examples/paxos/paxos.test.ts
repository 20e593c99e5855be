import { check, compose, formatTrace } from '@musil/core'
import { modelTest } from '@musil/vitest'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { paxosChapter } from './chapter.ts'
import { chosenValues, MC_PAXOS, majorities, paxos, paxosSpec, THREE_ACCEPTORS } from './paxos.ts'

describe('single-decree Paxos', () => {
  it('counts what TLC counts for MCPaxos.cfg (tlaplus/Examples manifest: 25 distinct, 82 generated, depth 9)', () => {
    const r = check(paxos(MC_PAXOS))
    expect(r).toMatchObject({
      ok: true,
      complete: true,
      stats: { distinct: 25, generated: 82, depth: 9 },
    })
  })

  it('a proposer that skips phase 1 lets two values be chosen: the shortest story', () => {
    const v = check(paxos({ ...THREE_ACCEPTORS, skipPhase1: true })).violation!
    expect(v.name).toBe('oneValueChosen')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'Phase2a(p0, v1)',
      'Phase2a(p1, v2)',
      'p0 → a1 2a(bal 0, val v1)',
      'p0 → a2 2a(bal 0, val v1)',
      'p1 → a1 2a(bal 1, val v2)',
      'p1 → a2 2a(bal 1, val v2)',
    ])
    // v1 was chosen in ballot 0 by {a1, a2} before the same quorum chose v2 in ballot 1.
    const quorums = majorities(THREE_ACCEPTORS.acceptors)
    expect(chosenValues(v.trace[4]!.state, quorums)).toEqual(['v1'])
    expect(chosenValues(v.trace[5]!.state, quorums)).toEqual(['v1'])
    expect(chosenValues(v.trace[6]!.state, quorums)).toEqual(['v1', 'v2'])
  })

  it('classic Paxos never chooses two values: 3 acceptors, 2 values, ballots 0..1, as TLC counts it', () => {
    // TLC on Paxos.tla with these constants (no symmetry, invariant: at most one value chosen)
    // finds 3,921 distinct states at depth 17. It generates 23,563 states because it makes one
    // successor per quorum that shows a 2a safe; with that \E Q made a guard (IF ... THEN TRUE
    // ELSE FALSE) it generates 22,995, the count here.
    const r = check(paxos(THREE_ACCEPTORS))
    expect(r).toMatchObject({
      ok: true,
      complete: true,
      stats: { distinct: 3921, generated: 22995, depth: 17 },
    })
  })

  it.each(['v1', 'v2'])('classic Paxos can choose %s (the invariant is not vacuous)', (value) => {
    const spec = paxosSpec(THREE_ACCEPTORS)
    const quorums = majorities(THREE_ACCEPTORS.acceptors)
    const neverChosen = compose({
      ...spec,
      invariants: { neverChosen: (s) => !chosenValues(s, quorums).includes(value) },
    })
    // init, 1a, two 1b promises, the 2a proposal, two 2b votes: 7 states.
    expect(check(neverChosen).violation?.trace).toHaveLength(7)
  })

  it('quorums are the majorities', () => {
    expect(majorities(['a1', 'a2', 'a3'])).toEqual([
      ['a1', 'a2'],
      ['a1', 'a3'],
      ['a2', 'a3'],
      ['a1', 'a2', 'a3'],
    ])
  })

  it('renders the violation readably', () => {
    const v = check(paxos({ ...THREE_ACCEPTORS, skipPhase1: true })).violation!
    expect(formatTrace(v.trace)).toContain('msgs += a2 → p1 2b(bal 1, val v2)')
  })
})

modelTest('Paxos chooses at most one value (MCPaxos)', paxos(MC_PAXOS))

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(paxosChapter))
})
