import { type Chapter, count } from '../chapter.ts'
import { simulateGarbledReplies, simulateLyingService } from './byzantine-service.ts'

/** The Byzantine service: wrong answers and wire corruption, caught and then survived. */
export const byzantineServiceChapter: Chapter = {
  id: 'byzantine-service',
  title: 'The Byzantine service',
  part: 'Open systems',
  bug() {
    const lie = simulateLyingService(false).failure
    const garbled = simulateGarbledReplies(false).failure
    return {
      ok: lie?.name === 'onlyCorrectAnswers' && garbled?.name === 'neverBroken',
      summary: `trusting client accepts a lie (seed ${lie?.seed}) and chokes on a garbled reply (seed ${garbled?.seed})`,
    }
  },
  fix() {
    const lie = simulateLyingService(true)
    const garbled = simulateGarbledReplies(true)
    return {
      ok: lie.ok && garbled.ok,
      summary: `validating client gets the right answer on ${count(lie.runs)} seeds of lies and ${count(garbled.runs)} of corruption`,
    }
  },
}
