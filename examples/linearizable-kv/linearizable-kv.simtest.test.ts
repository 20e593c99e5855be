// The chapter as Vitest simulation tests: the matchers read each run's linearizability verdict.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import {
  bothCutOffs,
  followerCutOff,
  kvOptions,
  kvSpec,
  kvStore,
  leaderCutOff,
} from './linearizable-kv.ts'

simTest.each([0, 1, 2, 3, 4])(
  'reads through a read-index round stay linearizable with a follower, then the leader, cut off',
  ({ simulate }) => {
    expect(simulate(kvStore('read-index'), { ...kvOptions, faults: bothCutOffs })).toBeLinearizable(
      kvSpec,
    )
  },
)

// The seed the chapter's sweep finds first: the cut-off follower answers from its stale copy.
simTest.each([2])('a follower cut off serves a stale read (seed %i)', ({ simulate }) => {
  const report = simulate(kvStore('follower'), { ...kvOptions, faults: followerCutOff })
  expect(report).not.toBeLinearizable()
  expect(report.failure?.history).not.toBeLinearizable(kvSpec)
})

// The leader cut off believes it still leads, and answers from a store the new leader moved past.
simTest.each([3])('a deposed leader serves a stale read (seed %i)', ({ simulate }) => {
  const report = simulate(kvStore('leader'), { ...kvOptions, faults: leaderCutOff })
  expect(report).not.toBeLinearizable(kvSpec)
})
