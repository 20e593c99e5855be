import { check, checkLiveness, checkRefinement } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { routeDeliveryChapter } from './chapter.ts'
import {
  converged,
  designView,
  fairLossyLink,
  routeDeliveryDesign,
  routeDeliveryLink,
} from './route-delivery.ts'

const convergence = { goal: converged, goalName: 'applied==desired', everywhere: true } as const

describe('route delivery: the design', () => {
  it('is safe and deadlock-free', () => {
    const r = check(routeDeliveryDesign())
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(2)
  })

  it('converges with fair deliver', () => {
    const r = checkLiveness(routeDeliveryDesign(), { ...convergence, fair: ['deliver'] })
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.warnings).toEqual([])
  })

  it('fails without fairness, with a stuttering lasso at the initial state', () => {
    const r = checkLiveness(routeDeliveryDesign(), convergence)
    expect(r.ok).toBe(false)
    expect(r.warnings.map((w) => w.code)).toEqual(['no-fairness'])
    expect(r.violation).toMatchObject({
      kind: 'liveness',
      name: 'applied==desired',
      prefix: [{ action: 'init', state: { desired: 1, applied: 0 } }],
      cycle: [{ action: '(stutter)', state: { desired: 1, applied: 0 } }],
    })
  })

  it('converges even while new versions are published', () => {
    const m = routeDeliveryDesign({ versions: 3 })
    expect(check(m).ok).toBe(true)
    expect(checkLiveness(m, { ...convergence, fair: ['deliver'] }).ok).toBe(true)
    // Fairness for publishing alone does not help: delivery may still never happen.
    const r = checkLiveness(m, { ...convergence, fair: ['publish'] })
    expect(r.violation!.prefix.at(-1)!.state).toEqual({ desired: 3, applied: 0 })
    expect(r.violation!.cycle.map((s) => s.action)).toEqual(['(stutter)'])
  })

  it('rejects bad options', () => {
    expect(() => routeDeliveryDesign({ versions: 0 })).toThrow(
      new RangeError('routeDeliveryDesign: versions must be an integer of at least 1, got 0'),
    )
    expect(() => routeDeliveryLink({ slots: 0 })).toThrow(
      'routeDeliveryLink: slots must be an integer of at least 1, got 0',
    )
    expect(() => routeDeliveryLink({ push: 'sometimes' as never })).toThrow(
      `routeDeliveryLink: push must be 'fire-and-forget' or 'repush', got "sometimes"`,
    )
  })
})

describe('route delivery: over a lossy link', () => {
  it.each(['repush', 'fire-and-forget'] as const)('the %s link refines the design', (push) => {
    for (const slots of [1, 2]) {
      const r = checkRefinement(
        routeDeliveryLink({ push, slots }),
        routeDeliveryDesign(),
        designView,
      )
      expect(r.ok).toBe(true)
      expect(r.stats.specSteps).toBe(1)
      expect(r.stats.stutters).toBeGreaterThan(0)
    }
  })

  it('re-push converges on a fair-lossy link', () => {
    for (const slots of [1, 2, 3]) {
      const r = checkLiveness(routeDeliveryLink({ push: 'repush', slots }), {
        ...convergence,
        ...fairLossyLink,
      })
      expect(r.ok).toBe(true)
    }
  })

  it('re-push does not converge if delivery is only weakly fair: every copy may be lost', () => {
    const r = checkLiveness(routeDeliveryLink({ push: 'repush' }), {
      ...convergence,
      fair: ['push', 'deliver'],
    })
    expect(r.violation!.prefix.map((s) => s.action)).toEqual(['init', 'push'])
    expect(r.violation!.cycle.map((s) => s.action)).toEqual(['lose cp → agent version 1', 'push'])
  })

  it('fire-and-forget never converges once its only push is lost, however fair the link', () => {
    const m = routeDeliveryLink({ push: 'fire-and-forget' })
    const r = checkLiveness(m, { ...convergence, ...fairLossyLink })
    expect(r.violation!.prefix.map((s) => s.action)).toEqual([
      'init',
      'push',
      'lose cp → agent version 1',
    ])
    expect(r.violation!.cycle).toEqual([
      { action: '(stutter)', state: { desired: 1, applied: 0, wire: new Set(), sent: true } },
    ])
    // The safety checker sees the same thing as a deadlock: nothing left to do, not converged.
    expect(check(m).violation).toMatchObject({ kind: 'deadlock' })
  })

  // RouteDelivery.tla / RouteDeliveryLink.tla with TLC (cc6b616cf7, -workers 1): the design has
  // 2 distinct / 2 generated states; the link (a counter of copies in TLA+, a channel here: its
  // copies are equal, so the bag is a count) 4 / 5 (re-push), 4 / 4 (fire-and-forget) and
  // 6 / 10 (re-push, 2 slots); Refines (Design!Spec under the mapping) holds for all of them,
  // and Converges fails or holds exactly as checkLiveness says (Link*.cfg, Design*.cfg).
  it.each([
    ['repush', 1, 4, 5],
    ['fire-and-forget', 1, 4, 4],
    ['repush', 2, 6, 10],
  ] as const)(
    'the %s link with %i slot(s) matches TLC: %i distinct, %i generated',
    (push, slots, distinct, generated) => {
      const r = check(routeDeliveryLink({ push, slots }), { deadlock: false })
      expect(r.stats).toMatchObject({ distinct, generated })
      expect(check(routeDeliveryDesign()).stats).toMatchObject({ distinct: 2, generated: 2 })
    },
  )

  it('the chapter finds the bug and verifies the fix', () => {
    expect(routeDeliveryChapter.bug()).toEqual({
      ok: true,
      summary:
        'without fair delivery the design may never converge: lasso of 0 steps, then (stutter)',
    })
    expect(routeDeliveryChapter.fix()).toMatchObject({ ok: true })
  })
})
