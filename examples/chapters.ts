/**
 * Every chapter of the textbook, in reading order. `npm run textbook` runs them all.
 */
import type { Chapter } from './chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { k8sSchedulerChapter } from './k8s-scheduler/chapter.ts'
import { multiEnvironmentChapter } from './multi-environment/chapter.ts'
import { serviceLifecycleChapter } from './service-lifecycle/chapter.ts'
import { tcasChapter } from './tcas/chapter.ts'

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  dieHardChapter,
  serviceLifecycleChapter,
  k8sSchedulerChapter,
  multiEnvironmentChapter,
  tcasChapter,
]
