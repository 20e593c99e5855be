// The chapter as Vitest simulation tests: per seed, fencing keeps deposed writes out and ends
// with one primary after GST, under pauses and under the partition.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { simulateDetector } from './failure-detector-sim.ts'

simTest.each([0, 1, 2, 3])(
  'fencing holds through pauses and the partition (seed %i)',
  ({ seed }) => {
    for (const scenario of ['slow', 'partition'] as const) {
      const report = simulateDetector({ fencing: true, scenario }, [seed])
      expect(report).toBeSafe()
      expect(report).toConverge()
      expect(simulateDetector({ fencing: false, scenario: 'partition' }, [seed])).not.toBeSafe()
    }
  },
)
