// The election as Vitest simulation tests: one test per seed, the report judged by matchers.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { electionNodes, electionOptions, simulateElection } from './leader-election.nodes.ts'

// The seed the chapter's sweep finds first: two leaders in term 1 there, every time.
const split = simulateElection({ policy: 'vote-twice' }, 200).failure!.seed

simTest.each([split])('a node that votes twice elects two leaders', ({ simulate }) => {
  expect(
    simulate(electionNodes({ policy: 'vote-twice' }), electionOptions({ policy: 'vote-twice' })),
  ).not.toBeSafe()
})

simTest.each([0, 1, 2, 3, 4])(
  'the bully tie-break elects one leader and refines the model',
  ({ simulate }) => {
    const report = simulate(
      electionNodes({ policy: 'yield' }),
      electionOptions({ policy: 'yield' }),
    )
    expect(report).toBeSafe()
    expect(report).toRefine()
    expect(report).toConverge()
  },
)
