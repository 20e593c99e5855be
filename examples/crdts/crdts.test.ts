import { readFileSync } from 'node:fs'
import { check, defineModel, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { crdtsChapter } from './chapter.ts'
import { gCounter, lwwRegister, type OrSet, orSet, tombstoneSet } from './crdts.ts'
import {
  addWins,
  countsEveryIncrement,
  type Replica,
  type Replicated,
  replicated,
} from './replication.ts'

const page = readFileSync(new URL('../../docs/examples/crdts.md', import.meta.url), 'utf8')
const replicasOf = <S>(s: Record<string, unknown>) => s.replica as Record<string, Replica<S>>

describe('CRDTs: the two designs that look right', () => {
  it('the tombstone set loses an add made concurrently with a remove', () => {
    const v = check(replicated(tombstoneSet(), { expect: addWins })).violation!
    expect(v.name).toBe('addWins')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'update(r1, "add x")',
      'update(r1, "remove x")',
      'update(r2, "add x")',
      'r1 → r2 {added: [x], removed: [x]}',
    ])
    // r2 added x and has seen a remove that could not have seen that add: x should be there.
    const r2 = replicasOf<{ added: string[]; removed: string[] }>(v.trace.at(-1)!.state).r2!
    expect(r2.state).toEqual({ added: ['x'], removed: ['x'] })
  })

  it('the tombstone set still converges: strong eventual consistency is not the whole contract', () => {
    expect(check(replicated(tombstoneSet())).ok).toBe(true)
  })

  it('LWW without a tiebreak diverges when two replicas write with the same timestamp', () => {
    const v = check(replicated(lwwRegister(false))).violation!
    expect(v.name).toBe('convergent')
    expect(v.trace).toHaveLength(5)
    const rs = replicasOf<{ value: string; ts: number }>(v.trace.at(-1)!.state)
    expect(rs.r1!.seen).toEqual(rs.r2!.seen)
    expect([rs.r1!.state.value, rs.r2!.state.value]).toEqual(['r1', 'r2'])
    expect(rs.r1!.state.ts).toBe(rs.r2!.state.ts)
  })
})

describe('CRDTs: strong eventual consistency in every interleaving', () => {
  it('G-counter, OR-set and LWW-register on 2 replicas, 2 updates each', () => {
    expect(check(replicated(gCounter(), { expect: countsEveryIncrement }))).toMatchObject({
      ok: true,
      stats: { distinct: 297 },
    })
    expect(check(replicated(orSet(), { expect: addWins }))).toMatchObject({
      ok: true,
      stats: { distinct: 1357 },
    })
    expect(check(replicated(lwwRegister(true)))).toMatchObject({
      ok: true,
      stats: { distinct: 394 },
    })
  })

  it('and on 3 replicas, 1 update each', { timeout: 120_000 }, () => {
    const three = { replicas: 3, updates: 1 }
    expect(check(replicated(gCounter(), { ...three, expect: countsEveryIncrement })).ok).toBe(true)
    expect(check(replicated(orSet(), { ...three, expect: addWins })).ok).toBe(true)
    expect(check(replicated(lwwRegister(true), three)).ok).toBe(true)
    expect(check(replicated(lwwRegister(false), three)).ok).toBe(false)
  })

  it('a network that delivers a state twice changes nothing: merge is idempotent', {
    timeout: 120_000,
  }, () => {
    const gc = check(replicated(gCounter(), { duplicating: true, expect: countsEveryIncrement }))
    expect(gc).toMatchObject({ ok: true, stats: { distinct: 11979 } })
    expect(check(replicated(lwwRegister(true), { duplicating: true }))).toMatchObject({
      ok: true,
      stats: { distinct: 15099 },
    })
  })

  it('every run ends with all replicas equal: when nothing is in flight, one value', () => {
    const or = orSet()
    const model = replicated(or, { expect: addWins })
    const end = model.terminal!
    const oneValue = (s: Replicated<OrSet>) =>
      new Set(Object.values(replicasOf<OrSet>(s)).map((r) => or.value(r.state).join())).size === 1
    const watched = defineModel<Replicated<OrSet>>({
      name: model.name,
      init: [...model.init],
      actions: model.actions,
      invariants: { oneValueAtTheEnd: (s) => !end(s) || oneValue(s) },
      terminal: end,
    })
    expect(check(watched)).toMatchObject({ ok: true, stats: { distinct: 1357 } })
  })
})

describe('the data types, as plain functions', () => {
  it('merge is commutative, associative and idempotent on sample states; LWW without tiebreak is not commutative', () => {
    const or = orSet()
    const a = { adds: ['x@r1.1'], removed: [] }
    const b = { adds: ['x@r1.1', 'x@r2.1'], removed: ['x@r1.1'] }
    const c = { adds: ['x@r3.1'], removed: [] }
    expect(or.merge(a, b)).toEqual(or.merge(b, a))
    expect(or.merge(or.merge(a, b), c)).toEqual(or.merge(a, or.merge(b, c)))
    expect(or.merge(b, b)).toEqual(b)
    expect(or.value(or.merge(a, b))).toEqual(['x'])
    const g = gCounter()
    expect(g.value(g.merge({ r1: 2 }, { r1: 1, r2: 3 }))).toBe(5)
    const lww = lwwRegister(false)
    const x = { value: 'r1', ts: 1, writer: 'r1' }
    const y = { value: 'r2', ts: 1, writer: 'r2' }
    expect(lww.merge(x, y)).not.toEqual(lww.merge(y, x))
    const fixed = lwwRegister(true)
    expect(fixed.merge(x, y)).toEqual(fixed.merge(y, x))
  })
})

describe('the page', () => {
  it('shows the counterexamples check returns', () => {
    const shown = (v: { message: string; trace: Parameters<typeof formatTrace>[0] }) =>
      `\`\`\`text\n${v.message}\n${formatTrace(v.trace)}\n\`\`\``
    expect(page).toContain(shown(check(replicated(tombstoneSet(), { expect: addWins })).violation!))
    expect(page).toContain(shown(check(replicated(lwwRegister(false))).violation!))
  })

  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(crdtsChapter))
})
