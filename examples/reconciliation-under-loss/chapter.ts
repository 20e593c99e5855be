import { check, checkLiveness } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { caughtUp, routesModel, simulateRouteDelivery } from './reconciliation-under-loss.ts'

/** Reconciliation under loss: fire-and-forget is caught by a seed; re-push converges and refines. */
export const reconciliationUnderLossChapter: Chapter = {
  id: 'reconciliation-under-loss',
  title: 'Reconciliation under loss',
  part: 'Distributed protocols',
  bug() {
    const r = simulateRouteDelivery(false)
    const f = r.failure
    return {
      ok: f?.kind === 'goal',
      summary: f
        ? `fire-and-forget never catches up on seed ${f.seed} (${f.minimized.length}-event trace, from ${f.originalLength})`
        : `fire-and-forget converged on all ${r.runs} seeds`,
    }
  },
  fix() {
    const design = check(routesModel())
    const converges = checkLiveness(routesModel(), {
      goal: caughtUp,
      everywhere: true,
      fair: ['deliver'],
    })
    const r = simulateRouteDelivery(true)
    return {
      ok: design.ok && converges.ok && r.ok && r.runs === 300,
      summary: `re-push converges and refines the model on ${count(r.runs)} seeds (${count(r.stats.steps)} steps); the design is safe and converges under fair delivery`,
    }
  },
}
