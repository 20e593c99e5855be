import { check } from '@musil/core'
import { type Chapter, count, stepList, stepsOf } from '../chapter.ts'
import { checkEveryNodeServed, tokenRing } from './token-ring.ts'

/** Token ring: a lost token is never replaced; a timeout makes a second one; counter flushing keeps exactly one. */
export const tokenRingChapter: Chapter = {
  id: 'token-ring',
  title: 'Token ring',
  part: 'State machines and coherence',
  bug() {
    const lost = checkEveryNodeServed({ protocol: 'plain' })[1]!.violation
    const twin = check(tokenRing({ protocol: 'timeout' })).violation
    return {
      ok: lost?.cycle[0]?.action === '(stutter)' && twin?.name === 'oneHolder',
      summary:
        lost && twin
          ? `token lost after ${stepList(lost.prefix)}, never held again; a timeout makes a second token: two holders after ${stepsOf(twin.trace)} steps`
          : 'no lost or duplicated token found',
    }
  },
  fix() {
    const options = { protocol: 'counter-flushing', nodes: 3, crashes: 1 } as const
    const safety = check(tokenRing(options))
    const served = checkEveryNodeServed(options)
    return {
      ok: safety.ok && served.every((r) => r.ok),
      summary: `counter flushing, 3 nodes, lossy links, a crash: ${count(safety.stats.distinct)} states, one holder at a time, and every node holds the token again and again`,
    }
  },
}
