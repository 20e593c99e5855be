import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MANIFEST, SEEDLOOP } from './manifest.ts'

const here = new URL('.', import.meta.url)
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.test.ts') && f !== 'manifest.test.ts')
  .map((f) => readFileSync(new URL(f, here), 'utf8'))
  .join('\n')

describe(`seedloop ${SEEDLOOP.tag} conformance`, () => {
  const names = Object.keys(MANIFEST)

  it('has one entry per seedloop test: 106, in 16 files', () => {
    expect(names).toHaveLength(106)
    const perFile = new Map<string, number>()
    for (const n of names) {
      const file = n.split('::')[0]
      perFile.set(file, (perFile.get(file) ?? 0) + 1)
    }
    // `grep -c 'def test_'` on each tests/*.py of the tag.
    expect(Object.fromEntries(perFile)).toEqual({
      test_audit: 14,
      test_check_sweep: 8,
      test_clock_autojump: 4,
      test_entropy: 14,
      test_errors: 2,
      test_faults: 13,
      test_invariants: 9,
      test_loop_boundary: 1,
      test_loop_integration: 4,
      test_loop_order: 8,
      test_raft_demo: 6,
      test_replay_equivalence: 7,
      test_smoke: 2,
      test_timer_order: 4,
      test_trace: 2,
      test_transport: 8,
    })
  })

  it('ports every entry exactly once, with seedloopTest', () => {
    for (const name of names) {
      const call = new RegExp(`seedloopTest\\(\\s*'${name}'`, 'g')
      expect(sources.match(call)?.length ?? 0, name).toBe(1)
    }
    const ported = sources.match(/seedloopTest\(\s*'/g) ?? []
    expect(ported).toHaveLength(names.length)
  })

  it('gives a reason for every difference and every test that does not apply', () => {
    for (const [name, entry] of Object.entries(MANIFEST)) {
      if (entry.verdict === 'equivalent') expect(entry.reason, name).toBeUndefined()
      else expect(entry.reason?.length ?? 0, name).toBeGreaterThan(40)
    }
  })

  it('tallies 85 equivalent, 12 deliberate differences, 9 not applicable', () => {
    const tally = { equivalent: 0, difference: 0, 'not-applicable': 0 }
    for (const entry of Object.values(MANIFEST)) tally[entry.verdict]++
    expect(tally).toEqual({ equivalent: 85, difference: 12, 'not-applicable': 9 })
  })
})
