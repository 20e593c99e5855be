import { type Chapter, count } from '../chapter.ts'
import { checkScenario } from './tcas.ts'

/** TCAS II: four scenarios, two collisions found and two designs verified. */
export const tcasChapter: Chapter = {
  id: 'tcas',
  title: 'TCAS II',
  part: 'Open systems',
  bug() {
    const uberlingen = checkScenario('uberlingen').result.violation
    const tenerife = checkScenario('tenerife-reversal').result.violation
    return {
      ok: uberlingen?.name === 'noCollision' && tenerife?.name === 'noCollision',
      summary: `collision found: Überlingen in ${uberlingen?.trace.length ?? 0} states, one-sided reversal in ${tenerife?.trace.length ?? 0}`,
    }
  },
  fix() {
    const coordinated = checkScenario('correct-coordination')
    const postFix = checkScenario('post-fix')
    return {
      ok: coordinated.ok && postFix.ok,
      summary: `correct coordination (${count(coordinated.result.stats.distinct)} states) and v7.1 coordinated reversal (${count(postFix.result.stats.distinct)} states) separate the aircraft`,
    }
  },
}
