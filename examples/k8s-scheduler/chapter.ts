import { type Chapter, count } from '../chapter.ts'
import { checkScheduler } from './k8s-scheduler.ts'

/** K8s scheduler: eviction breaks availability unless evicted pods are replaced. */
export const k8sSchedulerChapter: Chapter = {
  id: 'k8s-scheduler',
  title: 'K8s scheduler',
  part: 'Open systems',
  bug() {
    const r = checkScheduler('bare')
    const v = r.result.violation
    const steps = v?.trace.slice(1).map((s) => s.action)
    return {
      ok: v?.name === 'available',
      summary: v ? `bare pods lose availability: ${steps?.join(', ')}` : 'no violation found',
    }
  },
  fix() {
    const r = checkScheduler('deployment')
    return {
      ok: r.ok,
      summary: `Deployment stays available over ${count(r.result.stats.distinct)} states; ${r.unverifiedAssumptions.length} residual obligations listed`,
    }
  },
}
