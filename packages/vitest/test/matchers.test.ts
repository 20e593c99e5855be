import { action, defineModel } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import { modelTest } from '../src/index.ts'
import { failureOf } from './helpers.ts'

const counter = (limit: number) =>
  defineModel({
    name: 'counter',
    init: { n: 0 },
    actions: [
      action<{ n: number }>(
        'inc',
        (s) => s.n < limit,
        (s) => ({ n: s.n + 1 }),
      ),
    ],
    invariants: { small: (s) => s.n <= 3 },
    terminal: (s) => s.n === limit,
  })

describe('toBeSafe', () => {
  it('passes on a safe model and fails .not with the state counts', () => {
    expect(counter(3)).toBeSafe()
    const f = failureOf(() => expect(counter(3)).not.toBeSafe())
    expect(f.message).toContain(
      'expected a counterexample, but every reachable state satisfies small',
    )
    expect(f.message).toContain('4 distinct states')
  })

  it('fails with the whole shortest trace as the diff', () => {
    const f = failureOf(() => expect(dieHard()).toBeSafe())
    expect(f.message).toContain('invariant bigNotFour violated after 6 steps')
    expect(f.expected).toBe('every reachable state satisfies typeOK, bigNotFour')
    const lines = f.actual.split('\n')
    expect(lines).toHaveLength(7)
    expect(lines[0]).toBe('0  init        {small: 0, big: 0}')
    expect(lines[6]).toBe('6  BigToSmall  small: 2 → 3, big: 5 → 4')
  })

  it('passes .not on an unsafe model', () => {
    expect(dieHard()).not.toBeSafe()
  })

  it('fails both ways when a bound cuts the search', () => {
    const m = counter(10)
    expect(failureOf(() => expect(m).toBeSafe({ maxDepth: 2 })).message).toContain(
      'search incomplete',
    )
    expect(failureOf(() => expect(m).not.toBeSafe({ maxDepth: 2 })).message).toContain(
      'proves nothing',
    )
  })

  it('rejects what is not a model', () => {
    expect(() => expect({ init: 1 }).toBeSafe()).toThrow(/expected a model built with defineModel/)
  })

  it('works as an asymmetric matcher', () => {
    expect({ m: counter(3) }).toEqual({ m: expect.toBeSafe() })
    expect({ m: dieHard() }).toEqual({ m: expect.not.toBeSafe() })
  })
})

describe('toBeDeadlockFree', () => {
  it('distinguishes terminal states from deadlocks', () => {
    expect(counter(3)).toBeDeadlockFree()
    const stuck = defineModel({ ...counter(3), terminal: () => false })
    const f = failureOf(() => expect(stuck).toBeDeadlockFree())
    expect(f.message).toContain('deadlock reached after 3 steps')
    expect(f.actual.split('\n')).toHaveLength(4)
  })
})

modelTest('modelTest checks a safe model', counter(3))
modelTest.skip('modelTest.skip registers a skipped test', dieHard())
