import { checkOpen } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { CPA, checkScenario, crews, formatEncounter, MIN_SEPARATION, tcas } from './tcas.ts'

const actions = (scenario: Parameters<typeof checkScenario>[0]) =>
  checkScenario(scenario).result.violation?.trace.map((s) => s.action)

describe('TCAS II: coordination, Überlingen, the reversal fix, and a one-sided reversal', () => {
  it('correct coordination: both crews follow their RAs and the aircraft separate', () => {
    const r = checkScenario('correct-coordination')
    expect(r.ok).toBe(true)
    expect(r.result.stats.distinct).toBe(7)
    expect(r.unverifiedAssumptions.map((a) => a.name)).toEqual([
      'crews-follow-ras',
      'prompt-response',
    ])
  })

  it('Überlingen: the Tu-154 crew follows ATC, both aircraft descend, and they collide', () => {
    const r = checkScenario('uberlingen')
    expect(r.ok).toBe(false)
    expect(r.result.violation?.name).toBe('noCollision')
    expect(actions('uberlingen')).toEqual([
      'init',
      'crew:followRA(b757)',
      'crew:followATC(tu154)',
      'fly',
      'fly',
      'fly',
    ])
    const end = r.result.violation!.trace.at(-1)!.state
    expect(end.t).toBe(CPA)
    expect(Math.abs(end.tu154.alt - end.b757.alt)).toBeLessThan(MIN_SEPARATION)
  })

  it('post-fix (v7.1): a coordinated reversal separates the aircraft whatever the Tu-154 crew does', () => {
    const r = checkScenario('post-fix')
    expect(r.ok).toBe(true)
    expect(r.result.complete).toBe(true)
    expect(r.result.stats.distinct).toBe(16)
  })

  it('Tenerife-style: a reversal only one aircraft learns of, then the deviating crew obeys its stale RA', () => {
    const r = checkScenario('tenerife-reversal')
    expect(r.ok).toBe(false)
    expect(actions('tenerife-reversal')).toEqual([
      'init',
      'crew:followRA(b757)',
      'crew:followATC(tu154)',
      'reverse',
      'crew:followRA(b757)',
      'crew:complyLate(tu154)',
      'fly',
      'fly',
      'fly',
    ])
    const afterReversal = r.result.violation!.trace[3]!.state
    // The two RAs now say the same thing: the picture is no longer shared.
    expect(afterReversal.tu154.ra).toBe('climb')
    expect(afterReversal.b757.ra).toBe('climb')
  })

  it('with compliant crews every logic is safe: the reversal only matters when someone deviates', () => {
    for (const logic of ['v7.0', 'v7.1', 'one-sided-reversal'] as const) {
      expect(checkOpen(tcas(logic), crews('compliant')).ok, logic).toBe(true)
    }
  })

  it('renders a counterexample one readable line per state', () => {
    const trace = checkScenario('uberlingen').result.violation!.trace
    expect(formatEncounter(trace[2]!.state)).toBe(
      't=0  tu154  0 ↓ RA climb   (follows ATC)         b757  0 ↓ RA descend',
    )
    expect(formatEncounter(trace[0]!.state)).toContain('(not yet answered)')
  })

  it('is deterministic: the same counterexamples on every run', () => {
    for (const s of ['uberlingen', 'tenerife-reversal'] as const) {
      expect(JSON.stringify(checkScenario(s).result.violation)).toBe(
        JSON.stringify(checkScenario(s).result.violation),
      )
    }
  })
})
