// The chapter as Vitest simulation tests of async code: the seed picks the schedule.
import { explore as exploreAll } from '@musil/core'
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import { lostUpdate } from './async-lost-update.ts'

simTest.each([0, 1, 2, 3, 4, 5])(
  'mutex and compare-and-set never lose an update',
  async ({ explore }) => {
    expect(await explore(lostUpdate({ increment: 'mutex' }))).toBeSafe()
    expect(await explore(lostUpdate({ increment: 'cas' }))).toBeSafe()
  },
)

// The first schedule on which the racy increment loses an update, found when the file loads.
const racy = (await exploreAll(lostUpdate(), { seeds: 100 })).failure!.seed
simTest.each([racy])('the racy increment loses an update', async ({ explore }) => {
  expect(await explore(lostUpdate())).not.toBeSafe()
})
