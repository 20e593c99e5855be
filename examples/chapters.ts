/**
 * Every chapter of the textbook, in reading order. `npm run textbook` runs them all.
 */
import { bankTransferChapter } from './bank-transfer/chapter.ts'
import type { Chapter } from './chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { diningPhilosophersChapter } from './dining-philosophers/chapter.ts'
import { lostUpdateChapter } from './lost-update/chapter.ts'
import { petersonChapter } from './peterson/chapter.ts'
import { trafficLightChapter } from './traffic-light/chapter.ts'

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  dieHardChapter,
  trafficLightChapter,
  lostUpdateChapter,
  petersonChapter,
  diningPhilosophersChapter,
  bankTransferChapter,
]
