/**
 * Every chapter of the textbook, in reading order. `npm run textbook` runs them all.
 */
import type { Chapter } from './chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { producerConsumerChapter } from './producer-consumer/chapter.ts'
import { readersWritersChapter } from './readers-writers/chapter.ts'
import { routeDeliveryChapter } from './route-delivery/chapter.ts'

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  dieHardChapter,
  producerConsumerChapter,
  readersWritersChapter,
  routeDeliveryChapter,
]
