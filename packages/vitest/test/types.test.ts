// Type-level tests: `npm run typecheck` compiles this file, so the augmentation is proven to
// compile; the @ts-expect-error lines prove misuse is rejected.
import { action, defineModel } from '@musil/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { type ModelTestOptions, modelTest } from '../src/index.ts'

const m = defineModel({
  init: { n: 0 },
  actions: [
    action<{ n: number }>(
      'inc',
      (s) => s.n < 2,
      (s) => ({ n: s.n + 1 }),
    ),
  ],
  terminal: (s) => s.n === 2,
})

describe('matcher typings', () => {
  it('types toBeSafe and toBeDeadlockFree, with .not and asymmetric forms', () => {
    expect(m).toBeSafe()
    expect(m).toBeSafe({ maxStates: 10 })
    expect(m).not.toBeDeadlockFree.length
    expect(m).toBeDeadlockFree({ maxDepth: 5 })
    expect({ m }).toEqual({ m: expect.toBeSafe() })
    expect({ m }).toEqual({
      m: expect.not.toBeDeadlockFree === undefined ? 0 : expect.toBeDeadlockFree(),
    })
    // @ts-expect-error maxStates is a number
    expect(m).toBeSafe({ maxStates: 'many' })
    // @ts-expect-error toBeDeadlockFree has no deadlock option
    expect(m).toBeDeadlockFree({ deadlock: false })
  })

  it('types modelTest', () => {
    expectTypeOf(modelTest).parameter(0).toEqualTypeOf<string>()
    expectTypeOf<ModelTestOptions>().toHaveProperty('maxStates')
    // @ts-expect-error the second argument must be a model
    expect(() => modelTest('x', { init: 1 })).toThrow(/defineModel/)
  })
})
