import { check, toDot } from '@musil/core'
import { modelTest } from '@musil/vitest'
import { describe, expect, it } from 'vitest'
import { dieHard } from './die-hard.ts'

describe('the Die Hard jugs', () => {
  it('finds the shortest way to measure 4 gallons: a trace of 7 states', () => {
    const r = check(dieHard())
    expect(r.violation?.name).toBe('bigNotFour')
    expect(r.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'FillBig',
      'BigToSmall',
      'EmptySmall',
      'BigToSmall',
      'FillBig',
      'BigToSmall',
    ])
    expect(r.violation?.trace.at(-1)?.state).toEqual({ small: 3, big: 4 })
  })

  it('has 16 reachable states, explored to completion, all within the jugs', () => {
    const r = check(dieHard({ solve: false }))
    expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 16 } })
  })

  it('reads as a matcher: the puzzle is solvable, the jugs never overflow', () => {
    expect(dieHard()).not.toBeSafe()
    expect(dieHard({ solve: false })).toBeSafe()
  })

  it('draws the state graph with the solution in red', () => {
    const m = dieHard()
    const dot = toDot(m, { highlight: check(m).violation?.trace })
    expect(dot.match(/penwidth=2\.5/g)).toHaveLength(6)
  })
})

modelTest('the jugs never hold more than they can', dieHard({ solve: false }))
