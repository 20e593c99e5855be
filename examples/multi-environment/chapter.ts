import { type Chapter, count } from '../chapter.ts'
import { checkComposed } from './multi-environment.ts'

/** Multi-environment composition: K8s + AWS + etcd faults in one search. */
export const multiEnvironmentChapter: Chapter = {
  id: 'multi-environment',
  title: 'Multi-environment composition',
  part: 'Open systems',
  bug() {
    const r = checkComposed('no-retry')
    const v = r.result.violation
    const steps = v?.trace.slice(1).map((s) => s.action)
    return {
      ok: v?.name === 'noDroppedJob',
      summary: v ? `without retries a job is dropped: ${steps?.join(', ')}` : 'no violation found',
    }
  },
  fix() {
    const r = checkComposed('retry-with-backoff')
    const envs = new Set(r.unverifiedAssumptions.map((a) => a.environment))
    return {
      ok: r.ok,
      summary: `retry-with-backoff passes over ${count(r.result.stats.distinct)} states; ${r.unverifiedAssumptions.length} residual obligations from ${[...envs].join(', ')}`,
    }
  },
}
