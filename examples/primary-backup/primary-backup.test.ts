import { readFileSync } from 'node:fs'
import { check, checkRefinement, defineModel, formatSimTrace, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { primaryBackupChapter } from './chapter.ts'
import {
  ackedWritesSurvive,
  type PbState,
  primaryBackup,
  registerOf,
  singleRegister,
} from './primary-backup.ts'
import { simulatePrimaryBackup } from './primary-backup-nodes.ts'

const page = readFileSync(new URL('../../docs/examples/primary-backup.md', import.meta.url), 'utf8')
const ackFirst = (writes = 2) => primaryBackup({ replication: 'ack-then-replicate', writes })
const replicateFirst = (writes = 2) => primaryBackup({ replication: 'replicate-then-ack', writes })

describe('primary-backup, the model', () => {
  it('the specification: a single-copy register never loses an acknowledged write', () => {
    const r = check(singleRegister(3), { deadlock: true })
    // value and acked step in turn: (0,0) (1,0) (1,1) (2,1) (2,2) (3,2) (3,3).
    expect(r).toMatchObject({ ok: true, stats: { distinct: 7, depth: 7 } })
  })

  it('model the error: ack then replicate, and the crash of the primary takes the acked write with it', () => {
    const v = check(ackFirst()).violation!
    expect(v.name).toBe('ackedWritesSurvive')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'write(c)',
      'c → p write(1)',
      'p → c ack(1)',
      'crash(p)',
    ])
    expect(registerOf(v.trace.at(-1)!.state)).toEqual({ value: 0, acked: 1 })
  })

  it('refinement sees it before any crash: the ack has no step of the register', () => {
    const r = checkRefinement(ackFirst(), singleRegister(2), registerOf)
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.name).toBe('p → c ack(1)')
    expect(v.missing).toEqual({ before: { value: 0, acked: 0 }, after: { value: 0, acked: 1 } })
    expect(v.trace.some((s) => s.action.startsWith('crash'))).toBe(false)
  })

  it('prevent: replicate then ack keeps every acknowledged write, through the crash and the failover', () => {
    const r = check(replicateFirst())
    expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 102 } })
    expect(check(replicateFirst(1)).stats.distinct).toBe(44)
    expect(check(replicateFirst(3)).stats.distinct).toBe(178)
  })

  it('prevent: replicate then ack refines the single-copy register, for 1 to 3 writes', () => {
    for (const writes of [1, 2, 3]) {
      const r = checkRefinement(replicateFirst(writes), singleRegister(writes), registerOf)
      expect(r.ok).toBe(true)
      expect(r.stats.specSteps).toBe(2 * writes)
    }
  })

  it('the crash is crash-stop and happens at most once; failover follows it, never precedes it', () => {
    const model = replicateFirst()
    expect(model.actions.map((a) => a.name)).toContain('crash')
    const crashes = (s: PbState) => (s.crashes as { primary: number }).primary
    const promoted = (s: PbState) => (s.backup as Record<string, { promoted: boolean }>).b!.promoted
    const target = (s: PbState) => (s.client as Record<string, { target: string }>).c!.target
    // The same model, held to three more invariants about its generated crash actions.
    const watched = defineModel<PbState>({
      name: model.name,
      init: [...model.init],
      actions: model.actions,
      invariants: {
        atMostOneCrash: (s) => crashes(s) <= 1,
        crashStop: (s) => crashes(s) === 0 || Object.hasOwn(s.down as object, 'p'),
        promotedOnlyAfterCrash: (s) => !promoted(s) || crashes(s) === 1,
        failoverOnlyAfterCrash: (s) => target(s) === 'p' || crashes(s) === 1,
      },
      ...(model.terminal && { terminal: model.terminal }),
    })
    expect(check(watched)).toMatchObject({ ok: true, stats: { distinct: 102 } })
  })

  it('states the promise over the replicas that are up', () => {
    const v = check(ackFirst()).violation!
    expect(ackedWritesSurvive(v.trace.at(-2)!.state)).toBe(true)
    expect(ackedWritesSurvive(v.trace.at(-1)!.state)).toBe(false)
  })
})

describe('the page', () => {
  it('shows the counterexample and the refinement failure the checkers return', () => {
    const v = check(ackFirst()).violation!
    expect(page).toContain(`\`\`\`text\n${v.message}\n${formatTrace(v.trace)}\n\`\`\``)
    const rv = checkRefinement(ackFirst(), singleRegister(2), registerOf).violation!
    expect(page).toContain(rv.message)
  })

  it('shows the failing seed of the nodes and its minimised trace', () => {
    const f = simulatePrimaryBackup('ack-then-replicate').failure!
    expect(page).toContain(`${f.kind} on seed ${f.seed}: ${f.minimizedDetail}`)
    expect(page).toContain(
      `\`\`\`text\n${formatSimTrace(f.minimized, { hideSends: true })}\n\`\`\``,
    )
  })

  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(primaryBackupChapter))
})
