// The chapter as a Vitest seed sweep over worker threads: split-brain found, the fix holds.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'

const module = new URL('./raft-election.targets.ts', import.meta.url)

simTest.sweep('the election keeps one leader per term on 300 seeds', {
  module,
  export: 'correctElection',
  seeds: 300,
  threads: 2,
})

simTest.sweep('the buggy election splits its brain', {
  module,
  export: 'buggyElection',
  seeds: 300,
  threads: 2,
  check: (report) => {
    expect(report).not.toBeSafe()
    expect(report.failure?.detail).toMatch(/^invariant "atMostOneLeaderPerTerm" violated/)
    expect(report.failingSeeds.every((f) => f.kind === 'safety')).toBe(true)
  },
})
