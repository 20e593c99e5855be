import { check, checkLiveness, checkRefinement } from '@musil/core'
import type { Chapter } from '../chapter.ts'
import {
  converged,
  designView,
  fairLossyLink,
  routeDeliveryDesign,
  routeDeliveryLink,
} from './route-delivery.ts'

/** Route delivery: the design converges only when delivery is assumed fair, and re-push makes a lossy link fair. */
export const routeDeliveryChapter: Chapter = {
  id: 'route-delivery',
  title: 'Route delivery (design)',
  part: 'Distributed protocols',
  bug() {
    const r = checkLiveness(routeDeliveryDesign(), {
      goal: converged,
      goalName: 'applied==desired',
      everywhere: true,
    })
    const v = r.violation
    const stutters = v?.cycle.length === 1 && v.cycle[0]!.action === '(stutter)'
    return {
      ok: stutters,
      summary: v
        ? `without fair delivery the design may never converge: lasso of ${v.prefix.length - 1} steps, then ${v.cycle[0]!.action}`
        : 'converged without any fairness assumption',
    }
  },
  fix() {
    const design = routeDeliveryDesign()
    const safe = check(design).ok
    const live = checkLiveness(design, { goal: converged, everywhere: true, fair: ['deliver'] }).ok
    const link = routeDeliveryLink({ push: 'repush' })
    const refines = checkRefinement(link, design, designView).ok
    const linkLive = checkLiveness(link, { goal: converged, everywhere: true, ...fairLossyLink }).ok
    return {
      ok: safe && live && refines && linkLive,
      summary:
        'converges with fair deliver; the re-push link refines the design and converges on a fair-lossy link',
    }
  },
}
