import { check, checkLiveness, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { RETRY_BOUNDS, termination } from './chapter.ts'
import { agreement, bothDecided, twoGenerals } from './two-generals.ts'

describe('the two generals', () => {
  it.each(RETRY_BOUNDS)(
    'retries %i: a general that waits until it is sure may never decide',
    (retries) => {
      const r = checkLiveness(twoGenerals({ retries }), termination)
      const v = r.violation!
      // Every order sent, every order captured, then nothing left to do: one loss per retry more.
      const sends = Array.from({ length: retries + 1 }, () => 'sendOrder')
      const losses = Array.from({ length: retries + 1 }, () => 'loseOrder')
      expect(v.prefix.map((s) => s.action)).toEqual(['init', ...sends, ...losses])
      expect(v.cycle.map((s) => s.action)).toEqual(['(stutter)'])
      expect(bothDecided(v.cycle[0]!.state)).toBe(false)
    },
  )

  it.each(RETRY_BOUNDS)('retries %i: a general that gives up at dawn attacks alone', (retries) => {
    const v = check(twoGenerals({ retries, onSilence: 'retreat' })).violation!
    expect(v.name).toBe('agreement')
    const last = v.trace.at(-1)!.state
    expect([last.a, last.b]).toEqual(['retreat', 'attack'])
    expect(v.trace).toHaveLength(retries + 4)
  })

  it.each(RETRY_BOUNDS)('retries %i: waiting keeps agreement and validity', (retries) => {
    expect(check(twoGenerals({ retries }))).toMatchObject({ ok: true, complete: true })
  })

  it('counts the states of the safe protocol: they grow with the bound', () => {
    expect(RETRY_BOUNDS.map((retries) => check(twoGenerals({ retries })).stats.distinct)).toEqual([
      12, 34, 72, 130,
    ])
  })

  it('both decide when no messenger is captured, and the protocol is not trivial: they attack', () => {
    const reliable = twoGenerals({ retries: 0, lossy: false })
    expect(checkLiveness(reliable, termination).ok).toBe(true)
    expect(check(reliable)).toMatchObject({ ok: true, stats: { distinct: 8 } })
    const attacked = checkLiveness(reliable, {
      ...termination,
      goal: (s) => s.plan === 'retreat' || (s.a === 'attack' && s.b === 'attack'),
    })
    expect(attacked.ok).toBe(true)
  })

  it('without fairness even a reliable link may stutter: the check says so', () => {
    const r = checkLiveness(twoGenerals({ retries: 0, lossy: false }), { goal: bothDecided })
    expect(r.ok).toBe(false)
    expect(r.warnings.map((w) => w.code)).toContain('no-fairness')
  })

  it('agreement speaks only about generals that decided', () => {
    const s = { plan: 'attack', sent: 1, orders: 0, acks: 0 } as const
    expect(agreement({ ...s, a: 'undecided', b: 'attack' })).toBe(true)
    expect(agreement({ ...s, a: 'retreat', b: 'attack' })).toBe(false)
  })

  it('prints the give-up story step by step', () => {
    const v = check(twoGenerals({ retries: 1, onSilence: 'retreat' })).violation!
    expect(formatTrace(v.trace)).toContain('giveUp        a: "undecided" → "retreat"')
  })

  it('rejects a bad bound', () => {
    expect(() => twoGenerals({ retries: -1 })).toThrow(/retries must be an integer/)
  })
})
