// The chapter as Vitest simulation tests: re-push rides out a 50 ms partition on every seed.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { simulatePartitionedPush } from './partition-and-heal.ts'

simTest.each([0, 1, 2, 3])('re-push heals after the partition (seed %i)', ({ seed }) => {
  const report = simulatePartitionedPush(true, [seed])
  expect(report).toConverge()
  expect(report).toRefine()
  expect(simulatePartitionedPush(false, [seed])).not.toConverge()
})
