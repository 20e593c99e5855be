/**
 * Every chapter of the textbook, in reading order. `npm run textbook` runs them all.
 */

import { asyncLostUpdateChapter } from './async-lost-update/chapter.ts'
import type { Chapter } from './chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { raftElectionChapter } from './raft-election/chapter.ts'

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  dieHardChapter,
  raftElectionChapter,
  asyncLostUpdateChapter,
]
