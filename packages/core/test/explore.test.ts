/**
 * The explorer's model side: paths name states, views say what the page shows, a check job
 * reports progress, finds the shortest counterexample and can be cancelled.
 */
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import {
  type CheckJobStatus,
  ExploreSession,
  type StateView,
  startCheckJob,
} from '../src/explore/index.ts'
import { action, check, defineModel, formatTrace } from '../src/index.ts'

const models = pathToFileURL(
  new URL('../../vitest/test/targets/explore-models.ts', import.meta.url).pathname,
).href
const dieHardModule = new URL('../../../examples/die-hard/die-hard.ts', import.meta.url).href

function view<S>(session: ExploreSession<S>, path: number[]): StateView {
  const v = session.view(path)
  if ('problem' in v) throw new Error(v.problem)
  return v
}

describe('ExploreSession', () => {
  const session = new ExploreSession(dieHard())

  it('starts at the initial states and lists every enabled action with what it changes', () => {
    expect(session.info()).toEqual({
      name: 'die-hard',
      initial: [{ index: 0, state: '{small: 0, big: 0}' }],
      invariants: ['typeOK', 'bigNotFour'],
      actions: ['FillSmall', 'FillBig', 'EmptySmall', 'EmptyBig', 'SmallToBig', 'BigToSmall'],
    })
    const start = view(session, [0])
    expect(start.successors.map((n) => [n.label, n.state, n.changes])).toEqual([
      ['FillSmall', '{small: 3, big: 0}', ['small: 0 → 3']],
      ['FillBig', '{small: 0, big: 5}', ['big: 0 → 5']],
    ])
    expect(start.fields).toEqual([
      { key: 'small', value: '0' },
      { key: 'big', value: '0' },
    ])
    expect(start.deadlock).toBe(false)
    expect(start.terminal).toBe(false)
  })

  it('follows the counterexample check finds, with the trace in formatTrace form and the invariant false', () => {
    const v = check(dieHard()).violation!
    const path = session.pathOf(v.trace)
    expect(path).toHaveLength(7)
    const end = view(session, path)
    expect(end.trace).toBe(formatTrace(v.trace))
    expect(end.invariants).toEqual([
      { name: 'typeOK', holds: true },
      { name: 'bigNotFour', holds: false },
    ])
    // One step before, the successor that breaks the invariant is marked.
    const before = view(session, path.slice(0, -1))
    expect(before.successors.filter((n) => n.violates.length > 0).map((n) => n.label)).toEqual([
      'BigToSmall',
    ])
    // The neighbourhood: the last states of the path, then the successors.
    expect(end.graph.nodes.filter((n) => n.onPath)).toHaveLength(5)
    expect(end.graph.edges.filter((e) => e.onPath).map((e) => e.label)).toEqual([
      'EmptySmall',
      'BigToSmall',
      'FillBig',
      'BigToSmall',
    ])
    expect(end.graph.nodes.filter((n) => n.current).map((n) => n.state)).toEqual([
      '{small: 3, big: 4}',
    ])
  })

  it('says what is wrong with a path that names no state', () => {
    expect(session.view([0, 9])).toEqual({
      problem: 'step 1 takes successor 9, but that state has 2',
      valid: [0],
    })
    expect(session.view([3])).toMatchObject({ valid: [] })
  })

  it('marks deadlocks and terminal states', () => {
    const m = defineModel<number>({
      init: 0,
      actions: [
        action(
          'Up',
          (s) => s < 2,
          (s) => s + 1,
        ),
      ],
      invariants: { small: (s) => s < 5 },
      terminal: (s) => s === 2,
    })
    const s = new ExploreSession(m)
    expect(view(s, [0, 0, 0])).toMatchObject({ terminal: true, deadlock: false, successors: [] })
    const stuck = new ExploreSession(
      defineModel<number>({
        init: 0,
        actions: [
          action(
            'Up',
            (s) => s < 1,
            (s) => s + 1,
          ),
        ],
      }),
    )
    expect(view(stuck, [0, 0])).toMatchObject({ terminal: false, deadlock: true })
  })

  it('renders markup in a state as text (the page shows text; it parses nothing)', () => {
    const m = defineModel({
      init: { note: '<script>alert(1)</script>' },
      actions: [
        action(
          '<b>x</b>',
          () => true,
          (s) => s,
        ),
      ],
      invariants: { ok: () => true },
    })
    const v = view(new ExploreSession(m), [0])
    expect(v.fields).toEqual([{ key: 'note', value: '"<script>alert(1)</script>"' }])
    expect(v.successors[0]).toMatchObject({ label: '<b>x</b>', changes: [] })
  })
})

async function until(job: { status(): CheckJobStatus }, ok: (s: CheckJobStatus) => boolean) {
  for (;;) {
    const s = job.status()
    if (ok(s)) return s
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('startCheckJob', () => {
  it('finds the shortest counterexample on a thread', { timeout: 120_000 }, async () => {
    const job = startCheckJob({
      module: dieHardModule,
      export: 'dieHard',
      options: {},
      progressIntervalMs: 100,
    })
    const end = await job.finished
    expect(end.status).toBe('done')
    if (end.status !== 'done') return
    expect(end.result.violation?.name).toBe('bigNotFour')
    expect(end.result.violation?.trace).toEqual(check(dieHard()).violation!.trace)
    expect(end.result.stats.distinct).toBe(check(dieHard()).stats.distinct)
  })

  it('reports progress while it searches and stops when cancelled', {
    timeout: 120_000,
  }, async () => {
    const job = startCheckJob({
      module: models,
      export: 'endless',
      options: {},
      progressIntervalMs: 50,
    })
    const running = await until(job, (s) => s.status === 'running' && s.progress !== undefined)
    expect(running.status).toBe('running')
    await job.cancel()
    const end = await job.finished
    expect(end.status).toBe('cancelled')
    if (end.status === 'cancelled') expect(end.progress!.distinct).toBeGreaterThan(0)
    expect(job.status().status).toBe('cancelled')
  })

  it('says why a model cannot be loaded', { timeout: 120_000 }, async () => {
    const job = startCheckJob({
      module: models,
      export: 'nope',
      options: {},
      progressIntervalMs: 50,
    })
    const end = await job.finished
    expect(end).toMatchObject({ status: 'failed' })
    if (end.status === 'failed') expect(end.message).toMatch(/has no export 'nope'/)
  })
})
