import { describe, expect, it } from 'vitest'
import { checkScheduler } from './k8s-scheduler.ts'

describe('K8s scheduler: pod eviction against a two-replica service', () => {
  it('bare pods: two evictions in two windows take the service down', () => {
    const r = checkScheduler('bare')
    expect(r.ok).toBe(false)
    expect(r.result.violation?.name).toBe('available')
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'k8s:evictPod(web-0)',
      'time:nextWindow',
      'k8s:evictPod(web-1)',
    ])
    expect(r.result.violation?.trace.at(-1)?.state.pods).toEqual({
      'web-0': 'evicted',
      'web-1': 'evicted',
    })
  })

  it('a Deployment that replaces and reschedules evicted pods stays available', () => {
    const r = checkScheduler('deployment')
    expect(r.ok).toBe(true)
    expect(r.result.complete).toBe(true)
    expect(r.result.stats.distinct).toBe(6)
  })

  it('lists the residual obligations, each with its environment and source', () => {
    const r = checkScheduler('deployment')
    expect(r.unverifiedAssumptions.map((a) => `${a.environment}/${a.name}`)).toEqual([
      'k8s/eviction-timing',
      'k8s/graceful-termination',
      'k8s/replacement-by-controller',
      'time/recovery-outpaces-disruption',
    ])
    for (const a of r.unverifiedAssumptions)
      expect(a.source).toMatch(/^Kubernetes documentation, "/)
  })

  it('is deterministic: the same counterexample on every run', () => {
    expect(JSON.stringify(checkScheduler('bare').result.violation)).toBe(
      JSON.stringify(checkScheduler('bare').result.violation),
    )
  })
})
