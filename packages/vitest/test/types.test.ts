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
  invariants: { atMostTwo: (s) => s.n <= 2 },
  terminal: (s) => s.n === 2,
})

/** Misuse that must not compile; never called, only type-checked. */
function rejectedAtCompileTime(): void {
  // @ts-expect-error maxStates is a number
  expect(m).toBeSafe({ maxStates: 'many' })
  // @ts-expect-error toBeDeadlockFree has no deadlock option
  expect(m).toBeDeadlockFree({ deadlock: false })
  // @ts-expect-error the second argument must be a model
  modelTest('x', { init: 1 })
  // @ts-expect-error not a musil matcher
  expect(m).toBeSafeish()
}

describe('matcher typings', () => {
  it('types toBeSafe and toBeDeadlockFree, with .not and asymmetric forms', () => {
    expect(m).toBeSafe()
    expect(m).toBeSafe({ maxStates: 10 })
    expect(m).toBeDeadlockFree({ maxDepth: 5 })
    expect({ m }).toEqual({ m: expect.toBeSafe() })
    expect({ m }).toEqual({ m: expect.toBeDeadlockFree() })
    expect({ m }).not.toEqual({ m: expect.not.toBeSafe() })
  })

  it('rejects misuse at compile time (see rejectedAtCompileTime)', () => {
    expect(rejectedAtCompileTime).toBeTypeOf('function')
  })

  it('types modelTest', () => {
    expectTypeOf(modelTest).parameter(0).toEqualTypeOf<string>()
    expectTypeOf<ModelTestOptions>().toHaveProperty('maxStates')
    expect(() => modelTest('x', { init: 1 } as never)).toThrow(/defineModel/)
  })
})
