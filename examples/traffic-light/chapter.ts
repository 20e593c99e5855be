import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { crossing } from './traffic-light.ts'

/** Two lights at a crossing: "the other is not green" is not the same as "the other is red". */
export const trafficLightChapter: Chapter = {
  id: 'traffic-light',
  title: 'Traffic lights at a crossing',
  part: 'Finite-state machines',
  bug() {
    const v = check(crossing('cross-not-green')).violation
    return {
      ok: v?.kind === 'invariant' && v.name === 'crossTrafficStopped',
      summary: v
        ? `both directions moving: trace of ${v.trace.length} states`
        : 'no conflict found',
    }
  },
  fix() {
    const r = check(crossing('cross-red'))
    return {
      ok: r.ok && r.stats.distinct === 5,
      summary: r.ok
        ? `${count(r.stats.distinct)} states, no violation`
        : `${r.violation?.name ?? r.incomplete?.message}`,
    }
  },
}
