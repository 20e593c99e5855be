// The chapter as Vitest simulation tests: a validating client never accepts a lie.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { simulateGarbledReplies, simulateLyingService } from './byzantine-service.ts'

simTest.each([0, 1, 2, 3, 4])('a validating client accepts only the right answer', ({ seed }) => {
  expect(simulateLyingService(true, [seed])).toBeSafe()
  expect(simulateGarbledReplies(true, [seed])).toBeSafe()
})

const lie = simulateLyingService(false).failure!.seed
simTest.each([lie])('a trusting client accepts a lie', ({ seed }) => {
  expect(simulateLyingService(false, [seed])).not.toBeSafe()
})
