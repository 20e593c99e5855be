import { checkOpen } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { aws, checkComposed, etcd, k8s, MAX_ATTEMPTS, report, worker } from './multi-environment.ts'

describe('multi-environment composition: K8s + AWS + etcd in one search', () => {
  it('without retries, one leader change during the config read drops the job', () => {
    const r = checkComposed('no-retry')
    expect(r.ok).toBe(false)
    expect(r.environments).toEqual(['k8s', 'aws', 'etcd'])
    expect(r.result.violation?.name).toBe('noDroppedJob')
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'getConfig',
      'etcd:leaderChange',
      'giveUp',
    ])
  })

  it('without retries, each of AWS and etcd breaks the worker alone; eviction alone is absorbed by the restart', () => {
    const m = worker('no-retry')
    expect(checkOpen(m, k8s).ok).toBe(true)
    const throttled = checkOpen(m, aws())
    expect(throttled.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'getConfig',
      'gotConfig',
      'putObject',
      'aws:throttle(PutObject)',
      'giveUp',
    ])
    expect(checkOpen(m, etcd()).ok).toBe(false)
  })

  it('retry-with-backoff passes under every interleaving of the three platforms', () => {
    const r = checkComposed('retry-with-backoff')
    expect(r.ok).toBe(true)
    expect(r.result.complete).toBe(true)
    expect(r.result.stats.distinct).toBe(46)
  })

  it('lists the residual obligations of all three platforms, with their sources', () => {
    const r = checkComposed('retry-with-backoff')
    expect([...new Set(r.unverifiedAssumptions.map((a) => a.environment))]).toEqual([
      'k8s',
      'aws',
      'etcd',
    ])
    expect(r.unverifiedAssumptions.map((a) => a.name)).toContain('throttling-is-transient')
    expect(r.unverifiedAssumptions.map((a) => a.name)).toContain('elections-terminate')
    expect(r.unverifiedAssumptions.every((a) => (a.source ?? '').length > 0)).toBe(true)
    // Raft's Election Safety is proved in the paper: an assumption, but not an obligation.
    expect(r.assumptions.find((a) => a.name === 'election-safety')?.status).toBe('verified')
    expect(r.unverifiedAssumptions.map((a) => a.name)).not.toContain('election-safety')
  })

  it('the transience obligation is real: faults that outlast the retry budget drop the job', () => {
    const r = checkComposed('retry-with-backoff', MAX_ATTEMPTS)
    expect(r.ok).toBe(false)
    expect(r.result.violation?.name).toBe('noDroppedJob')
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'getConfig',
      'etcd:leaderChange',
      'backOff',
      'retry',
      'getConfig',
      'etcd:leaderChange',
      'backOff',
      'retry',
      'getConfig',
      'etcd:leaderChange',
      'giveUp',
    ])
  })

  it('prints the verdicts and the obligations with their sources', () => {
    const text = report('retry-with-backoff')
    expect(text.split('\n')[0]).toBe('retry-with-backoff: PASS under k8s + aws + etcd (46 states)')
    expect(text).toContain('Residual proof obligations (11), to be discharged outside the model:')
    expect(text).toContain('[unverified] etcd/elections-terminate')
    expect(text).toContain(
      'Source: Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", USENIX ATC 2014, §5.2',
    )
    expect(report('no-retry')).toContain('invariant noDroppedJob is violated after 3 steps')
  })
})
