import { check, checkLiveness, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { RETRY_BOUNDS, termination, twoGeneralsChapter } from './chapter.ts'
import {
  agreement,
  type Battlefield,
  bothDecided,
  commanderOf,
  type Decision,
  lieutenantOf,
  twoGenerals,
} from './two-generals.ts'

describe('the two generals', () => {
  it.each(RETRY_BOUNDS)(
    'retries %i: a general that waits until it is sure may never decide',
    (retries) => {
      const r = checkLiveness(twoGenerals({ retries }), termination)
      const v = r.violation!
      // Every order sent, every order captured, then nothing left to do: one loss per retry more.
      const sends = Array.from({ length: retries + 1 }, () => 'sendOrder(A)')
      const losses = Array.from({ length: retries + 1 }, () => 'lose A → B order(plan attack)')
      expect(actionsOf(v.prefix)).toEqual(['init', 'choose(A, attack)', ...sends, ...losses])
      expect(actionsOf(v.cycle)).toEqual(['(stutter)'])
      expect(bothDecided(v.cycle[0]!.state)).toBe(false)
    },
  )

  it.each(RETRY_BOUNDS)('retries %i: a general that gives up at dawn attacks alone', (retries) => {
    const v = check(twoGenerals({ retries, onSilence: 'retreat' })).violation!
    expect(v.name).toBe('agreement')
    const last = v.trace.at(-1)!.state
    expect([commanderOf(last).decision, lieutenantOf(last).decision]).toEqual(['retreat', 'attack'])
    expect(v.trace).toHaveLength(retries + 5)
  })

  it.each(RETRY_BOUNDS)('retries %i: waiting keeps agreement and validity', (retries) => {
    expect(check(twoGenerals({ retries }))).toMatchObject({ ok: true, complete: true })
  })

  it('counts the states of the safe protocol: they grow with the bound', () => {
    expect(RETRY_BOUNDS.map((retries) => check(twoGenerals({ retries })).stats.distinct)).toEqual([
      13, 35, 73, 131,
    ])
  })

  it('both decide when no messenger is captured, and the protocol is not trivial: they attack', () => {
    const reliable = twoGenerals({ retries: 0, lossy: false })
    expect(checkLiveness(reliable, termination).ok).toBe(true)
    expect(check(reliable)).toMatchObject({ ok: true, stats: { distinct: 9 } })
    const attacked = checkLiveness(reliable, {
      ...termination,
      goal: (s) =>
        commanderOf(s).plan === 'retreat' ||
        (commanderOf(s).decision === 'attack' && lieutenantOf(s).decision === 'attack'),
    })
    expect(attacked.ok).toBe(true)
  })

  it('without fairness even a reliable link may stutter: the check says so', () => {
    const r = checkLiveness(twoGenerals({ retries: 0, lossy: false }), { goal: bothDecided })
    expect(r.ok).toBe(false)
    expect(r.warnings.map((w) => w.code)).toContain('no-fairness')
  })

  it('agreement speaks only about generals that decided', () => {
    const state = (a: Decision, b: Decision): Battlefield => ({
      commander: { A: { plan: 'attack', sent: 1, decision: a } },
      lieutenant: { B: { decision: b } },
      net: new Set(),
    })
    expect(agreement(state('undecided', 'attack'))).toBe(true)
    expect(agreement(state('retreat', 'attack'))).toBe(false)
  })

  it('prints the give-up story step by step', () => {
    const v = check(twoGenerals({ retries: 1, onSilence: 'retreat' })).violation!
    expect(formatTrace(v.trace)).toContain(
      'giveUp(A)                 commander.A.decision: "undecided" → "retreat"',
    )
  })

  it('rejects a bad bound', () => {
    expect(() => twoGenerals({ retries: -1 })).toThrow(/retries must be an integer/)
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(twoGeneralsChapter))
})
