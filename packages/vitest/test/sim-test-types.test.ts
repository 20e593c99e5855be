// Type-level tests of simTest and the simulation matchers: `npm run typecheck` compiles this
// file; the @ts-expect-error lines prove misuse is rejected.
import type { ExploreReport, RunReport, SimReport } from '@musil/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { defineScenario, type SweepReport, simTest } from '../src/index.ts'
import { fireAndForget } from './targets/route-push.ts'

/** Misuse that must not compile; never called, only type-checked. */
function rejectedAtCompileTime(): void {
  // @ts-expect-error no such fixture
  simTest.each([1])('x', ({ nope }) => nope)
  // @ts-expect-error a sweep needs its target module
  simTest.sweep('x', { seeds: 10 })
  // @ts-expect-error the scenario must be async
  defineScenario((world: unknown) => world)
}

describe('simTest typings', () => {
  simTest.each([1])('types the fixtures', async ({ seed, simulate, explore, run }) => {
    expectTypeOf(seed).toEqualTypeOf<number>()
    const report = simulate(fireAndForget.factory, fireAndForget.options)
    expectTypeOf(report).toExtend<SimReport<unknown>>()
    expectTypeOf(explore(async () => {})).toEqualTypeOf<Promise<ExploreReport>>()
    expectTypeOf(run(fireAndForget)).toEqualTypeOf<Promise<RunReport>>()
    expect(report).toBeSafe()
    expect(await run(fireAndForget)).toBeSafe()
  })

  it('types the sweep report and the misuse checks', () => {
    expectTypeOf(rejectedAtCompileTime).toBeFunction()
    expectTypeOf<SweepReport['failingSeeds'][number]['seed']>().toEqualTypeOf<number>()
    expectTypeOf<SweepReport>().toExtend<RunReport>()
  })
})
