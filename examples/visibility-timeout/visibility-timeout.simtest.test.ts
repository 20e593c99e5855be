// The chapter as Vitest simulation tests: per seed, the dedup table keeps each effect once
// (and the run converges), while the naive database is caught on the seed the sweep found.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { simulateQueue } from './visibility-timeout-sim.ts'

simTest.each([0, 1, 2, 3])('the dedup table applies each effect once (seed %i)', ({ seed }) => {
  const report = simulateQueue({ dedup: true }, [seed])
  expect(report).toBeSafe()
  expect(report).toConverge()
})

simTest('the naive database applies m1 twice on seed 2', () => {
  expect(simulateQueue({ dedup: false }, [2])).not.toBeSafe()
})
