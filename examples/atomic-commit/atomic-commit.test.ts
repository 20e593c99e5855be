import { check, checkLiveness, defineModel, formatTrace, successors } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import {
  allDecided,
  allTerminated,
  THREE_PHASE_FAIR,
  TWO_PHASE_FAIR,
  type TwoPhaseState,
  threePhase,
  twoPhase,
} from './atomic-commit.ts'
import { atomicCommitChapter } from './chapter.ts'

describe('two-phase commit', () => {
  it.each([2, 3])(
    '%i participants, coordinator crash-stop: a prepared participant blocks forever',
    (n) => {
      const m = twoPhase({ participants: n, coordinator: 'crash-stop' })
      const live = checkLiveness(m.model, { goal: allDecided(m), fair: [...TWO_PHASE_FAIR] })
      expect(live.ok).toBe(false)
      const v = live.violation!
      // The behaviour stops with the coordinator down and some participant prepared, forever.
      expect(actionsOf(v.cycle)).toEqual(['(stutter)'])
      const last = v.prefix.at(-1)!.state
      expect(m.coordinator.isUp(last, 'c')).toBe(false)
      expect(m.ids.some((r) => m.participant.of(last, r).st === 'prepared')).toBe(true)
      expect(actionsOf(v.prefix)).toContain('prepare(c)')
      expect(v.prefix.at(-1)!.action).toBe('crash(c)')
      // The same blocked state is a deadlock for check: nothing can happen, yet nobody decided.
      const r = check(m.model)
      expect(r.violation?.kind).toBe('deadlock')
      expect(r.violation!.trace.some((s) => s.action === 'crash(c)')).toBe(true)
    },
  )

  it('the blocking no termination protocol avoids: every participant prepared, coordinator down, nothing can happen', () => {
    // The shortest lasso has one participant aborted, which a cooperative termination protocol
    // (ask the other participants) would resolve. When all voted yes, only the coordinator knows.
    const m = twoPhase({ participants: 2, coordinator: 'crash-stop' })
    const allPrepared = (s: TwoPhaseState) =>
      !m.coordinator.isUp(s, 'c') && m.ids.every((r) => m.participant.of(s, r).st === 'prepared')
    const watched = defineModel<TwoPhaseState>({
      name: m.model.name,
      init: [...m.model.init],
      actions: m.model.actions,
      invariants: { notAllPreparedAndDown: (s) => !allPrepared(s) },
    })
    const r = check(watched, { deadlock: false })
    const stuck = r.violation!.trace.at(-1)!.state
    expect(allPrepared(stuck)).toBe(true)
    expect(successors(m.model, stuck)).toEqual([])
  })

  it.each([2, 3])(
    '%i participants, durable decision log: safe and every participant decides',
    (n) => {
      const m = twoPhase({ participants: n, coordinator: 'durable-log' })
      const r = check(m.model)
      expect(r.ok).toBe(true)
      expect(checkLiveness(m.model, { goal: allDecided(m), fair: [...TWO_PHASE_FAIR] }).ok).toBe(
        true,
      )
    },
  )

  it('a decision kept only in memory is lost in a crash: the restarted coordinator presumes abort after a commit', () => {
    const m = twoPhase({ participants: 2, coordinator: 'volatile-log' })
    const r = check(m.model)
    expect(r.violation?.name).toBe('consistent')
    const labels = actionsOf(r.violation!.trace)
    const commit = labels.indexOf('commit(c)')
    const crash = labels.indexOf('crash(c)')
    const restart = labels.indexOf('restart(c)')
    expect(commit).toBeGreaterThan(0)
    expect(crash).toBeGreaterThan(commit)
    expect(restart).toBeGreaterThan(crash)
    expect(formatTrace(r.violation!.trace)).toContain('c → r')
  })

  it('symmetry over the participants merges states and keeps the verdicts', () => {
    const plain = check(twoPhase({ participants: 3 }).model)
    const sym = check(twoPhase({ participants: 3, symmetric: true }).model)
    expect(plain.ok && sym.ok).toBe(true)
    expect(sym.stats.distinct).toBeLessThan(plain.stats.distinct)
    const broken = check(
      twoPhase({ participants: 3, coordinator: 'volatile-log', symmetric: true }).model,
    )
    expect(broken.violation?.name).toBe('consistent')
  })
})

describe('three-phase commit', () => {
  it.each([2, 3])('%i participants, crash-stop: safe and non-blocking', (n) => {
    const m = threePhase({ participants: n, faults: 'crash-stop' })
    expect(check(m.model).ok).toBe(true)
    expect(checkLiveness(m.model, { goal: allTerminated(m), fair: [...THREE_PHASE_FAIR] }).ok).toBe(
      true,
    )
  })

  it.each([2, 3])('%i participants, partition: the two sides decide differently', (n) => {
    const m = threePhase({ participants: n, faults: 'partition' })
    const r = check(m.model)
    expect(r.violation?.name).toBe('consistent')
    const labels = actionsOf(r.violation!.trace)
    expect(labels.some((l) => l.startsWith('partition('))).toBe(true)
    expect(labels.some((l) => l.startsWith('terminate('))).toBe(true)
    const last = r.violation!.trace.at(-1)!.state
    const sts = m.ids.map((id) => m.participant.of(last, id).st)
    expect(sts).toContain('a')
    expect(sts.includes('c') || m.coordinator.of(last, 'c').phase === 'committed').toBe(true)
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(atomicCommitChapter))
})
