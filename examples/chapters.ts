/**
 * Every chapter of the textbook, in reading order. `npm run textbook` runs them all.
 */

import { asyncLostUpdateChapter } from './async-lost-update/chapter.ts'
import { byzantineServiceChapter } from './byzantine-service/chapter.ts'
import type { Chapter } from './chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { partitionAndHealChapter } from './partition-and-heal/chapter.ts'
import { raftElectionChapter } from './raft-election/chapter.ts'
import { reconciliationUnderLossChapter } from './reconciliation-under-loss/chapter.ts'

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  dieHardChapter,
  reconciliationUnderLossChapter,
  partitionAndHealChapter,
  byzantineServiceChapter,
  raftElectionChapter,
  asyncLostUpdateChapter,
]
