// toBeSafe / toConverge / toRefine on finished simulation reports (simulate, explore, sweeps).
import {
  action,
  BaseNode,
  type Context,
  defineModel,
  explore,
  formatSimTrace,
  simulate,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import '../src/index.ts'
import { failureOf } from './helpers.ts'
import { fireAndForget, lostUpdate, repush } from './targets/route-push.ts'

const goalReport = simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: 50 })
const okReport = simulate(repush.factory, { ...repush.options, seeds: 20 })

/** A counter node that breaks its invariant once it has counted past 2 ticks. */
class Ticker extends BaseNode {
  n = 0
  override onStart(ctx: Context): void {
    ctx.setTimer('tick', 1)
  }
  override onTimer(ctx: Context): void {
    this.n++
    if (this.n < 5) ctx.setTimer('tick', 1)
  }
}
const tickerOptions = {
  snapshot: (nodes: { t: Ticker }) => ({ n: nodes.t.n }),
  invariants: { atMostTwo: (w: { n: number }) => w.n <= 2 },
}
const safetyReport = simulate(() => ({ t: new Ticker() }), { ...tickerOptions, seeds: 3 })

// The design allows counting up by one; the implementation jumps by two.
const countByOne = defineModel<{ n: number }>({
  name: 'count-by-one',
  init: { n: 0 },
  actions: [
    action(
      'inc',
      () => true,
      (s) => ({ n: s.n + 1 }),
    ),
  ],
})
class Jumper extends BaseNode {
  n = 0
  override onStart(ctx: Context): void {
    ctx.setTimer('jump', 1)
  }
  override onTimer(): void {
    this.n += 2
  }
}
const refinementReport = simulate(() => ({ j: new Jumper() }), {
  seeds: 2,
  snapshot: (nodes: { j: Jumper }) => ({ n: nodes.j.n }),
  model: countByOne,
  abstraction: (w: { n: number }) => w,
})

describe('simulation matchers', () => {
  it('toConverge fails with the minimised trace as the diff, one event per line', () => {
    const f = failureOf(() => expect(goalReport).toConverge())
    const failure = goalReport.failure!
    expect(f.message).toContain('expect(report).toConverge()')
    expect(f.message).toContain(
      `goal failure on seed ${failure.seed}: goal 'applied==desired' not reached`,
    )
    expect(f.message).toContain(`replay: run seed ${failure.seed} alone (seeds: [${failure.seed}])`)
    expect(f.expected).toBe('every seed reaches its goal')
    expect(f.actual).toBe(formatSimTrace(failure.minimized))
    expect(f.actual.split('\n')).toHaveLength(failure.minimized.length)
    expect(goalReport).not.toConverge()
  })

  it('passes on a report where every seed passed, and .not then fails', () => {
    expect(okReport).toConverge()
    expect(okReport).toBeSafe()
    expect(failureOf(() => expect(okReport).not.toBeSafe()).message).toContain(
      'expected a failing seed, but all 20 seed(s) passed',
    )
  })

  it('never passes a property the simulation did not check', () => {
    // okReport's simulation had no model: nothing was checked for refinement.
    for (const run of [() => expect(okReport).toRefine(), () => expect(okReport).not.toRefine()]) {
      expect(failureOf(run).message).toContain('the simulation checked no step against a model')
    }
    // safetyReport's simulation had no goal: nothing was checked for convergence.
    for (const run of [
      () => expect(safetyReport).toConverge(),
      () => expect(safetyReport).not.toConverge(),
    ]) {
      expect(failureOf(run).message).toContain('the simulation checked no goal')
    }
    expect(okReport.checked).toEqual({
      invariants: ['noInvented'],
      goals: ['applied==desired'],
      goal: 'applied==desired',
      refinement: false,
      linearizable: false,
    })
  })

  it('toRefine(model, abstraction) runs the same seeds again against the model', () => {
    const unchecked = simulate(() => ({ j: new Jumper() }), {
      seeds: 2,
      snapshot: (nodes: { j: Jumper }) => ({ n: nodes.j.n }),
    })
    const f = failureOf(() => expect(unchecked).toRefine(countByOne, (w: { n: number }) => w))
    expect(f.message).toContain('refinement failure on seed 0')
    expect(() => expect(unchecked).toRefine(countByOne, 'no' as never)).toThrow(
      'give a model built with defineModel() and an abstraction function',
    )
    // A report that crossed a thread (or JSON) has no way to run again: it says so.
    const copy = JSON.parse(JSON.stringify(unchecked))
    expect(() => expect(copy).toRefine(countByOne, (w: { n: number }) => w)).toThrow(
      'this report cannot be run again',
    )
  })

  it('toBeSafe fails on a broken invariant, and says how long the original run was', () => {
    const failure = safetyReport.failure!
    expect(failure.kind).toBe('safety')
    const f = failureOf(() => expect(safetyReport).toBeSafe())
    expect(f.message).toContain(`safety failure on seed ${failure.seed}:`)
    expect(f.message).toContain('atMostTwo')
    expect(f.expected).toBe('every seed keeps every invariant, with no error and no deadlock')
    expect(f.actual).toBe(formatSimTrace(failure.minimized))
  })

  it('toRefine fails on a step the model does not allow', () => {
    expect(refinementReport.failure?.kind).toBe('refinement')
    const f = failureOf(() => expect(refinementReport).toRefine())
    expect(f.message).toContain('refinement failure on seed 0')
    expect(f.expected).toBe('every step of every seed maps to a step of the model (or a stutter)')
    expect(f.actual).toBe(formatSimTrace(refinementReport.failure!.minimized))
  })

  it('fails both ways when the run stopped on a failure of another kind: the later seeds never ran', () => {
    for (const run of [
      () => expect(goalReport).toBeSafe(),
      () => expect(goalReport).not.toBeSafe(),
    ]) {
      const f = failureOf(run)
      expect(f.message).toContain(
        `the run stopped at seed ${goalReport.failure!.seed} on a goal failure`,
      )
      expect(f.message).toContain('says nothing about safety either way')
      expect(f.actual).toBe(formatSimTrace(goalReport.failure!.minimized))
    }
    expect(() => expect(goalReport).toRefine()).toThrow(
      'the simulation checked no step against a model',
    )
  })

  it('reads explore reports: the timeline is the diff', async () => {
    const report = await explore(lostUpdate.scenario, { seeds: 50 })
    const f = failureOf(() => expect(report).toBeSafe())
    expect(f.message).toContain(`error failure on seed ${report.failure!.seed}: `)
    expect(f.message).toContain('lost update: value is 1, expected 2')
    expect(f.actual).toBe(formatSimTrace(report.failure!.timeline))
    expect(report).not.toBeSafe()
  })

  it('decides a sweep report by its complete list of failing seeds', () => {
    const sweepLike = {
      ok: false,
      runs: 10,
      checked: { invariants: ['x'], goals: ['goal'], refinement: false },
      failure: goalReport.failure!,
      failingSeeds: [
        { seed: goalReport.failure!.seed, kind: 'goal' as const, detail: 'goal missed' },
        { seed: 99, kind: 'safety' as const, detail: "invariant 'x' violated" },
      ],
    }
    // The lowest failure is a goal failure, but seed 99 broke an invariant: not safe.
    const f = failureOf(() => expect(sweepLike).toBeSafe())
    expect(f.message).toContain("safety failure on seed 99: invariant 'x' violated")
    expect(f.message).toContain('failing seeds (1): 99')
    // And with no safety failure at all, the sweep is safe though it does not converge.
    const onlyGoals = { ...sweepLike, failingSeeds: sweepLike.failingSeeds.slice(0, 1) }
    expect(onlyGoals).toBeSafe()
    expect(onlyGoals).not.toConverge()
  })

  it('rejects arguments on a report and subjects that are neither model nor report', () => {
    expect(() =>
      expect(goalReport).toConverge(...([{ goal: () => true }] as unknown as [])),
    ).toThrow('expect(report).toConverge(): a simulation report takes no arguments')
    expect(() => expect({ ok: true }).toConverge()).toThrow(
      'expect(received).toConverge(): received object, expected a model built with defineModel() from @musil/core, or a simulation report ({ ok, runs, failure? }',
    )
    expect(() => expect(null).toRefine()).toThrow(
      'received null, expected a model built with defineModel()',
    )
    expect(() => expect(42).toBeSafe()).toThrow(
      'received number, expected a model built with defineModel()',
    )
  })

  it('still model-checks models through the same toBeSafe', () => {
    const bounded = defineModel({
      ...countByOne,
      constraint: (s: { n: number }) => s.n < 4,
      invariants: { belowTen: (s: { n: number }) => s.n < 10 },
    })
    expect(bounded).toBeSafe()
    const unsafe = defineModel({
      ...bounded,
      invariants: { belowTwo: (s: { n: number }) => s.n < 2 },
    })
    expect(failureOf(() => expect(unsafe).toBeSafe()).message).toContain(
      'invariant belowTwo violated after 2 steps',
    )
  })
})
