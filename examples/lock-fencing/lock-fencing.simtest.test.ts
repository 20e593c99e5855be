// The lock as Vitest simulation tests: one test per seed, the report judged by matchers.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { lockNodes, lockOptions, simulateLock } from './lock-fencing.nodes.ts'

// The seed the chapter's sweep finds first: the paused client's stale write lands there.
const paused = simulateLock(false, 300).failure!.seed

simTest.each([paused])('an unfenced storage accepts the paused client', ({ simulate }) => {
  expect(simulate(lockNodes(false), lockOptions(false))).not.toBeSafe()
})

simTest.each([paused, 1, 2, 3, 4])(
  'a fenced storage keeps lease order and refines the model',
  ({ simulate }) => {
    const report = simulate(lockNodes(true), lockOptions(true))
    expect(report).toBeSafe()
    expect(report).toRefine()
    expect(report).toConverge()
  },
)
