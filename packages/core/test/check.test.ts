import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import { twoPhaseCommit } from '../../../examples/two-phase-commit/two-phase-commit.ts'

describe('check', () => {
  it('finds the Die Hard solution as a 7-state trace', () => {
    const r = check(dieHard())
    expect(r.ok).toBe(false)
    expect(r.violation?.kind).toBe('invariant')
    expect(r.violation?.name).toBe('bigNotFour')
    expect(r.violation?.trace).toHaveLength(7)
    expect(r.violation?.trace.at(-1)?.state.big).toBe(4)
  })

  it.each([
    [3, 288, 11],
    [5, 8832, 17],
  ])('reproduces TLC on TwoPhase with %i resource managers', (n, distinct, depth) => {
    const r = check(twoPhaseCommit(n))
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(distinct)
    expect(r.stats.depth).toBe(depth)
  })
})
