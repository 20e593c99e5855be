import { check } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  buggyTransitions,
  checkLifecycle,
  fixedTransitions,
  IllegalTransitionError,
  lifecycleModel,
  Service,
  type ServiceStatus,
  unreachableStatuses,
} from './service-lifecycle.ts'

describe('service lifecycle: the model is built from the code’s own transition table', () => {
  it('finds that a failed service can never come back (a deadlock, shortest trace)', () => {
    const r = checkLifecycle(buggyTransitions)
    expect(r.ok).toBe(false)
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'transition(starting)',
      'transition(failed)',
    ])
    expect(r.violation?.trace.at(-1)?.state.status).toBe('failed')
  })

  it('finds that degraded is declared but unreachable', () => {
    expect(unreachableStatuses(buggyTransitions)).toEqual(['degraded'])
  })

  it('replays the counterexample on the real class: the code really gets stuck', () => {
    const r = checkLifecycle(buggyTransitions)
    const svc = new Service(buggyTransitions)
    for (const step of r.violation!.trace.slice(1)) svc.transition(step.state.status)
    expect(svc.status).toBe('failed')
    for (const to of Object.keys(fixedTransitions) as ServiceStatus[]) {
      expect(() => svc.transition(to)).toThrow(IllegalTransitionError)
    }
  })

  it('verifies the fixed table: no dead end, every declared status reachable', () => {
    const r = checkLifecycle(fixedTransitions)
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats.distinct).toBe(7)
    expect(unreachableStatuses(fixedTransitions)).toEqual([])
  })

  it('cannot drift: every model step is a transition the class accepts, and nothing else is', () => {
    const model = lifecycleModel(fixedTransitions)
    const r = check(model)
    expect(r.ok).toBe(true)
    const statuses = Object.keys(fixedTransitions) as ServiceStatus[]
    for (const from of statuses) {
      const modelTargets = new Set<string>()
      for (const a of model.actions) {
        if (a.kind !== 'each') continue
        for (const to of a.domain({ status: from }))
          if (a.guard({ status: from }, to)) modelTargets.add(String(to))
      }
      for (const to of statuses) {
        const svc = new Service(fixedTransitions)
        svc.status = from
        const codeAccepts = (() => {
          try {
            svc.transition(to)
            return true
          } catch {
            return false
          }
        })()
        expect(codeAccepts, `${from} -> ${to}`).toBe(modelTargets.has(to))
      }
    }
  })

  it('is deterministic: two checks give the same trace and counts', () => {
    const a = checkLifecycle(buggyTransitions)
    const b = checkLifecycle(buggyTransitions)
    expect(JSON.stringify(a.violation)).toBe(JSON.stringify(b.violation))
    expect(a.stats.generated).toBe(b.stats.generated)
  })
})
