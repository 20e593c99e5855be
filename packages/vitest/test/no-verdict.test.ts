// No verdict on nothing: every matcher, modelTest and simTest.sweep fails, saying what was not
// checked and how to check it, when what it asserts was never checked. Each case asserts the
// exact message, under the matcher, its .not and its asymmetric forms. The last block runs real
// Vitest on fixtures/no-verdict, for the tests modelTest and simTest.sweep register.
import {
  BaseNode,
  type Context,
  defineModel,
  explore,
  type RunReport,
  replay,
  simulate,
  simulateSeed,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { sweep } from '../src/sweep/sweep.ts'
import { countTo, failureOf, nothingChecked, runFixture } from './helpers.ts'
import {
  counterFactory,
  LIMIT,
  overshoot,
  overshootScenario,
  snapshot,
  withinLimit,
} from './targets/overshoot.ts'

const module = new URL('./targets/overshoot.ts', import.meta.url)
// Tests run from TypeScript sources: worker threads must resolve @musil/* to src as well.
const conditions = ['@musil/source']
const JUST_RAN = 'or use toRunWithoutError() if you only mean it ran without error'

/**
 * Asserts that `expect(subject).m()` and `expect(subject).not.m()` both throw a
 * NothingCheckedError saying `why`, each after its own call (`expect(name).m()`,
 * `expect(name).not.m()`).
 */
function expectNoVerdict(
  subject: unknown,
  matcher: 'toBeSafe' | 'toConverge' | 'toRefine' | 'toRunWithoutError',
  why: string,
  name = 'report',
): void {
  expect([
    nothingChecked(() => (expect(subject)[matcher] as () => void)()),
    nothingChecked(() => (expect(subject).not[matcher] as () => void)()),
  ]).toEqual([`expect(${name}).${matcher}(): ${why}`, `expect(${name}).not.${matcher}(): ${why}`])
}

const safetyFix = (runs: number): string =>
  `the simulation checked no invariant, so its ${runs} run(s) prove nothing about safety; pass invariants: { name: (world) => boolean } to simulate() (in an explore() scenario, call world.always(() => boolean, name)), ${JUST_RAN}`
const goalFix = (runs: number): string =>
  `the simulation checked no goal, so its ${runs} run(s) prove nothing about convergence; pass goal: (world) => boolean (and goalName) to simulate() (in an explore() scenario, await world.runUntil(() => boolean, { deadline, name })), ${JUST_RAN}`
const modelFix = (runs: number): string =>
  `the simulation checked no step against a model, so its ${runs} run(s) prove nothing about refinement; pass model and abstraction to simulate(), or write expect(report).toRefine(model, abstraction) to run its seeds again against one`

/** A model with no invariants whose one process can get stuck (a deadlock at n = 2). */
const stuckCounter = countTo(2, 'stuck-counter')
/** The same with n = 2 allowed to end: deadlock-free, and still no invariant. */
const endingCounter = defineModel({
  ...stuckCounter,
  name: 'ending-counter',
  terminal: (s) => s.n === 2,
})

describe('no verdict on nothing', () => {
  it('toBeSafe on a simulate() report that checked no invariant fails both ways, even on the issue 9 overshoot', () => {
    // The options pass through a variable, as in the issue: with the invariant misspelt (or
    // left out), simulate() checks none. Even if nothing rejects the key, toBeSafe must not pass.
    const options = { seeds: 20, snapshot }
    const report = simulate(counterFactory, options)
    expect(report.ok).toBe(true)
    expect(report.checked.invariants).toEqual([])
    // The runs did go wrong: the counter reached 4 of 3.
    expect(simulateSeed(counterFactory, options, 0).world).toEqual({ n: LIMIT + 1 })
    expectNoVerdict(report, 'toBeSafe', safetyFix(20))
    // Asymmetric forms too: neither matches, and the reason is not swallowed.
    expect(() => expect({ report }).toEqual({ report: expect.toBeSafe() })).toThrow(safetyFix(20))
    expect(() => expect({ report }).toEqual({ report: expect.not.toBeSafe() })).toThrow(
      safetyFix(20),
    )
    // With the invariant really given, the same runs are caught.
    const checked = simulate(counterFactory, { ...options, invariants: { withinLimit } })
    expect(failureOf(() => expect(checked).toBeSafe()).message).toContain(
      'safety failure on seed 0',
    )
  })

  it('toBeSafe on an explore() report whose scenario registered no world.always fails both ways', async () => {
    const report = await explore(overshootScenario.scenario, { seeds: 5 })
    expect(report).toMatchObject({ ok: true, runs: 5 })
    expect(report.checked).toEqual({ invariants: [], goals: [], refinement: false })
    expectNoVerdict(report, 'toBeSafe', safetyFix(5))
  })

  it('toBeSafe on a replay() report with no world.always fails both ways', async () => {
    const report = await replay(overshootScenario.scenario, { seed: 3 })
    expect(report.ok).toBe(true)
    expectNoVerdict(report, 'toBeSafe', safetyFix(1))
    // An always() registered in the run is what the report then says it checked.
    const guarded = await replay(
      async (world) => {
        world.always(() => true, 'trivial')
        await world.runUntil(() => true, { name: 'ready' })
      },
      { seed: 3 },
    )
    expect(guarded.checked).toEqual({
      invariants: ['trivial'],
      goals: ['ready'],
      refinement: false,
    })
    expect(guarded).toBeSafe()
    expect(guarded).toConverge()
  })

  it('toBeSafe on a sweep report that checked no invariant fails both ways; a sweep says what its workers checked', async () => {
    const report = await sweep({ module, export: 'overshoot', seeds: 6, threads: 1, conditions })
    expect(report).toMatchObject({ ok: true, runs: 6 })
    expect(report.checked).toEqual({ invariants: [], goals: [], refinement: false })
    expectNoVerdict(report, 'toBeSafe', safetyFix(6))
    const scenario = await sweep({
      module,
      export: 'overshootScenario',
      seeds: 4,
      threads: 1,
      conditions,
    })
    expect(scenario.checked).toEqual({ invariants: [], goals: [], refinement: false })
    expect(nothingChecked(() => expect(scenario).toConverge())).toBe(
      `expect(report).toConverge(): ${goalFix(4)}`,
    )
  }, 60_000)

  it('no matcher passes a report of no seed (runs: 0), e.g. an empty shard, either way', async () => {
    // Seed 1 is not in shard 1/2 (it keeps the even seeds): the sweep runs nothing.
    const empty = await sweep({
      module,
      export: 'overshoot',
      seeds: [1],
      shard: { index: 1, count: 2 },
      conditions,
    })
    expect(empty).toMatchObject({ ok: true, runs: 0 })
    const why =
      'the report ran no seed (runs: 0), so it checked nothing; run at least one seed (for a sharded sweep, give it at least as many seeds as shards: MUSIL_SHARD=i/n keeps the seeds with seed % n === i - 1)'
    // Even a report claiming every check cannot stand in for runs that never happened.
    const claims = { ...empty, checked: { invariants: ['x'], goals: ['g'], refinement: true } }
    for (const report of [empty, claims]) {
      for (const m of ['toBeSafe', 'toConverge', 'toRefine', 'toRunWithoutError'] as const) {
        expectNoVerdict(report, m, why)
      }
    }
  })

  it('a report that does not say what it checked gets no verdict, but may still say it ran', () => {
    const bare: RunReport = { ok: true, runs: 3 }
    expectNoVerdict(
      bare,
      'toBeSafe',
      `the report does not say what it checked (it has no 'checked' field, so it is not from simulate(), explore(), replay() or a sweep), so it proves nothing about safety; assert on the report one of those returns, ${JUST_RAN}`,
    )
    expect(bare).toRunWithoutError()
  })

  it('toConverge with no goal fails loudly on every kind of report and on a model', async () => {
    const sim = simulate(counterFactory, { seeds: 4, snapshot, invariants: { withinLimit } })
    const explored = await explore(overshootScenario.scenario, { seeds: 2 })
    const replayed = await replay(overshootScenario.scenario, { seed: 0 })
    for (const [report, runs] of [
      [simulate(counterFactory, { seeds: 4, snapshot }), 4],
      [explored, 2],
      [replayed, 1],
    ] as const) {
      expectNoVerdict(report, 'toConverge', goalFix(runs))
    }
    // A safety failure found on the way is no evidence about convergence either.
    expect(sim.failure?.kind).toBe('safety')
    expect(nothingChecked(() => expect(sim).toConverge())).toBe(
      `expect(report).toConverge(): ${goalFix(1)}`,
    )
    // On a model, the goal is an argument: leaving it out is a TypeError, as before.
    expect(() => expect(endingCounter).toConverge()).toThrow(
      'expect(ending-counter).toConverge(options): options.goal must be a function (s) => boolean',
    )
  })

  it('toRefine with no model fails loudly on every kind of report and on a model', async () => {
    const sim = simulate(counterFactory, { seeds: 3, snapshot })
    const explored = await explore(overshootScenario.scenario, { seeds: 2 })
    for (const [report, runs] of [
      [sim, 3],
      [explored, 2],
    ] as const) {
      expectNoVerdict(report, 'toRefine', modelFix(runs))
    }
    // On a model, the spec and the abstraction are arguments: missing ones are TypeErrors.
    expect(() => expect(endingCounter).toRefine()).toThrow(
      'expect(impl).toRefine(spec, abstraction): spec is undefined, expected a model built with defineModel()',
    )
    expect(() =>
      expect(endingCounter).toRefine(stuckCounter, undefined as unknown as () => never),
    ).toThrow('abstraction must be a function')
  })

  it('toBeSafe on a model with no invariants and deadlock checking off fails both ways', () => {
    const why =
      'model stuck-counter has no invariants and toBeSafe checks no deadlocks unless told to, so nothing would be checked; add invariants: { name: (s) => boolean } to defineModel(), or use toBeDeadlockFree() if you mean deadlock freedom'
    expectNoVerdict(stuckCounter, 'toBeSafe', why, 'stuck-counter')
    expect(nothingChecked(() => expect(stuckCounter).toBeSafe({ deadlock: false }))).toBe(
      `expect(stuck-counter).toBeSafe(): ${why}`,
    )
    expect(() => expect({ m: stuckCounter }).toEqual({ m: expect.not.toBeSafe() })).toThrow(why)
  })

  it('toBeSafe on a model with no invariants but { deadlock: true } checks deadlock freedom only, and says so', () => {
    const f = failureOf(() => expect(stuckCounter).toBeSafe({ deadlock: true }))
    expect(f.message).toBe(
      'expect(stuck-counter).toBeSafe() (no invariants: checked deadlock freedom only)\n\ndeadlock reached after 2 steps (shortest counterexample; 3 distinct states, 3 generated, depth 3)',
    )
    expect(f.expected).toBe('every reachable non-terminal state has a successor')
    expect(endingCounter).toBeSafe({ deadlock: true })
    expect(failureOf(() => expect(endingCounter).not.toBeSafe({ deadlock: true })).message).toBe(
      'expect(ending-counter).not.toBeSafe() (no invariants: checked deadlock freedom only)\n\nexpected a counterexample, but every reachable non-terminal state has a successor (3 distinct states, 3 generated, depth 3)',
    )
  })

  it('toBeDeadlockFree with deadlock checking turned off fails both ways', () => {
    const off = { deadlock: false } as never
    const why =
      'the options turn off deadlock checking, the one thing toBeDeadlockFree checks, so nothing would be checked; drop the deadlock option'
    expect(nothingChecked(() => expect(stuckCounter).toBeDeadlockFree(off))).toBe(
      `expect(stuck-counter).toBeDeadlockFree({ deadlock: false }): ${why}`,
    )
    expect(nothingChecked(() => expect(endingCounter).not.toBeDeadlockFree(off))).toBe(
      `expect(ending-counter).not.toBeDeadlockFree({ deadlock: false }): ${why}`,
    )
    // A typo among the other keys is named first; deadlock: true is refused, not ignored.
    const typo = { deadlock: false, maxState: 1 } as never
    expect(() => expect(stuckCounter).toBeDeadlockFree(typo)).toThrow(
      "unknown option 'maxState' in toBeDeadlockFree(); did you mean 'maxStates'?",
    )
    expect(() => expect(stuckCounter).toBeDeadlockFree({ deadlock: true } as never)).toThrow(
      'expect(stuck-counter).toBeDeadlockFree({ deadlock: true }): toBeDeadlockFree() always checks deadlocks and takes no deadlock option; drop it',
    )
  })

  it('a bound reached (complete: false) is never a pass for toBeSafe or toBeDeadlockFree, nor for their .not', () => {
    const long = defineModel({
      ...countTo(1000, 'long-counter'),
      invariants: { small: (s: { n: number }) => s.n < 100 },
      terminal: (s: { n: number }) => s.n === 1000,
    })
    const incomplete = 'search incomplete, so it proves nothing either way'
    for (const run of [
      () => expect(long).toBeSafe({ maxDepth: 5 }),
      () => expect(long).not.toBeSafe({ maxDepth: 5 }),
      () => expect(long).toBeDeadlockFree({ maxStates: 10 }),
      () => expect(long).not.toBeDeadlockFree({ maxStates: 10 }),
    ]) {
      expect(failureOf(run).message).toContain(incomplete)
    }
  })

  it('a failing seed still refutes: a simulation without invariants whose node throws is not safe', () => {
    class Crasher extends BaseNode {
      override onStart(ctx: Context): void {
        ctx.setTimer('boom', 1)
      }
      override onTimer(): void {
        throw new Error('boom')
      }
    }
    const report = simulate(() => ({ x: new Crasher() }), { seeds: 2, snapshot: () => ({}) })
    expect(report.failure?.kind).toBe('error')
    // Evidence in hand: the seed threw. toBeSafe fails with it, and .not.toBeSafe() holds.
    const f = failureOf(() => expect(report).toBeSafe())
    expect(f.message).toContain('error failure on seed 0')
    expect(f.message).toContain('boom')
    expect(report).not.toBeSafe()
    expect(report).not.toRunWithoutError()
  })

  it('toRunWithoutError is the honest name for "it ran": it passes on runs without failure and fails on any failure', async () => {
    expect(simulate(counterFactory, { seeds: 5, snapshot })).toRunWithoutError()
    expect(await explore(overshootScenario.scenario, { seeds: 3 })).toRunWithoutError()
    expect(overshoot.options).not.toHaveProperty('invariants')
    const caught = simulate(counterFactory, { seeds: 5, snapshot, invariants: { withinLimit } })
    const f = failureOf(() => expect(caught).toRunWithoutError())
    expect(f.message).toContain('expect(report).toRunWithoutError()\n\nsafety failure on seed 0')
    expect(f.expected).toBe('every seed runs with no failure of any kind')
    expect(caught).not.toRunWithoutError()
    expect(
      failureOf(() =>
        expect(simulate(counterFactory, { seeds: 5, snapshot })).not.toRunWithoutError(),
      ).message,
    ).toBe(
      'expect(report).not.toRunWithoutError()\n\nexpected a failing seed, but all 5 seed(s) passed (every seed runs with no failure of any kind)',
    )
    expect(() => expect(endingCounter).toRunWithoutError()).toThrow(
      'expect(ending-counter).toRunWithoutError(): toRunWithoutError reads a simulation report, not a model; model-check a model with toBeSafe(), toBeDeadlockFree(), toConverge(options) or toRefine(spec, abstraction)',
    )
  })
})

describe('no verdict on nothing in a real Vitest run (modelTest, simTest.sweep)', () => {
  // One run of the fixture project for all four cases: spawning Vitest is the slow part.
  let run: { status: number | null; output: string } | undefined
  const output = (): string => {
    run ??= runFixture('no-verdict', { MUSIL_SHARD: '1/2' })
    return run.output
  }

  it('modelTest on a model with no invariants, deadlock: false and no liveness goal fails, saying nothing was checked', () => {
    expect(output()).toContain(
      "NothingCheckedError: modelTest('a model with nothing to check'): model count-to-2 has no invariants, deadlock checking is off (deadlock: false) and no liveness goal is given, so nothing would be checked; add invariants: { name: (s) => boolean } to defineModel(), drop deadlock: false, or give liveness: { goal, fair }",
    )
  }, 120_000)

  it('modelTest on a model with no invariants checks deadlock freedom only, and says so', () => {
    expect(output()).toContain(
      'expect(count-to-2).toBeSafe() (no invariants: checked deadlock freedom only)\n\ndeadlock reached after 2 steps',
    )
  }, 120_000)

  it('modelTest whose search a bound cut is not a pass', () => {
    expect(output()).toContain(
      'expect(count-to-50).toBeSafe() (no invariants: checked deadlock freedom only)\n\nsearch incomplete, so it proves nothing either way: search stopped after 10 distinct states (maxStates)',
    )
  }, 120_000)

  it('simTest.sweep of a target that checks nothing fails, saying so, though no seed failed', () => {
    expect(output()).toContain(
      "NothingCheckedError: simTest.sweep('a sweep of a target that checks nothing'): its target checked nothing (no invariant, goal or model), so its 3 seed(s) prove only that no run threw; give the target invariants, a goal or a model, or pass check: (r) => expect(r).toRunWithoutError() if that is what you mean",
    )
  }, 120_000)

  it('simTest.sweep over an empty shard fails: it ran no seed', () => {
    const out = output()
    expect(out).toContain(
      'NothingCheckedError: expect(report).toRunWithoutError(): the report ran no seed (runs: 0), so it checked nothing',
    )
    expect(out).toContain('0 of 1 seeds run (MUSIL_SHARD=1/2)')
    // Every test of the fixture fails, and so does the run.
    expect(out).toMatch(/Tests {2}5 failed \(5\)/)
    expect(run?.status).toBe(1)
  }, 120_000)
})
