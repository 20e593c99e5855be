import { check, formatValue } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  type Colour,
  type Crossing,
  crossing,
  crossTrafficStopped,
  type Interlock,
  trafficLight,
} from './traffic-light.ts'

const COLOURS: readonly Colour[] = ['red', 'green', 'yellow']

describe('traffic light', () => {
  it('design: a single light is a three-state cycle with no dead end', () => {
    const r = check(trafficLight())
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    // red, green, yellow; init plus one successor each (yellow's leads back to red).
    expect(r.stats).toMatchObject({ distinct: 3, generated: 4, depth: 3 })
  })

  it('model the error: "cross light not green" lets one direction go green while the other is yellow', () => {
    const r = check(crossing('cross-not-green'))
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('crossTrafficStopped')
    expect(v.trace).toHaveLength(4)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'turnGreen(northSouth)',
      'turnYellow(northSouth)',
      'turnGreen(eastWest)',
    ])
    expect(v.trace.at(-1)!.state).toEqual({ northSouth: 'yellow', eastWest: 'green' })
  })

  it('prevent: "cross light red" keeps one direction at red in all 5 reachable states', () => {
    const r = check(crossing('cross-red'))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 5, depth: 3 })
    // Independent count: of the 9 colour pairs, exactly those with a red light are safe. The
    // checker found no unsafe reachable state, and as many reachable states as safe pairs, so
    // the reachable states are exactly the safe pairs: every safe configuration occurs.
    const safe = COLOURS.flatMap((ns) =>
      COLOURS.map((ew): Crossing => ({ northSouth: ns, eastWest: ew })),
    ).filter(crossTrafficStopped)
    expect(safe).toHaveLength(5)
    expect(r.stats.distinct).toBe(safe.length)
  })

  it('guard: the counterexample replays identically', () => {
    const once = check(crossing('cross-not-green')).violation!.trace.map(
      (s) => `${s.action} ${formatValue(s.state)}`,
    )
    const again = check(crossing('cross-not-green')).violation!.trace.map(
      (s) => `${s.action} ${formatValue(s.state)}`,
    )
    expect(again).toEqual(once)
  })

  it('rejects an unknown interlock, naming the valid ones', () => {
    expect(() => crossing('amber' as Interlock)).toThrow(RangeError)
    expect(() => crossing('amber' as Interlock)).toThrow(
      `crossing: interlock must be 'cross-red' or 'cross-not-green', got "amber"`,
    )
  })
})
