import {
  type Action,
  action,
  check,
  declaredStates,
  defineModel,
  MusilError,
  type StateOf,
  statusFieldActions,
  TransitionTableError,
} from '@musil/core'
import { describe, expect, expectTypeOf, it } from 'vitest'

const transitions = {
  pending: ['running', 'failed'],
  running: ['stopped', 'failed'],
  stopped: [],
  failed: ['pending'],
} as const

type Status = StateOf<typeof transitions>

interface Job {
  readonly status: Status
  readonly retries: number
}

/** The code under test: a class guarded by the very same table. */
class JobRunner {
  status: Status = 'pending'
  transition(to: Status): void {
    const allowed: readonly Status[] = transitions[this.status]
    if (!allowed.includes(to)) throw new Error(`illegal transition ${this.status} -> ${to}`)
    this.status = to
  }
}

function thrown(f: () => unknown): Error {
  try {
    f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a throw')
}

describe('declaredStates', () => {
  it('lists every state in table order, typed as the union of the table’s states', () => {
    const states = declaredStates(transitions)
    expect(states).toEqual(['pending', 'running', 'stopped', 'failed'])
    expectTypeOf(states).toEqualTypeOf<('pending' | 'running' | 'stopped' | 'failed')[]>()
  })

  it.each([
    [
      null,
      "declaredStates(): the transition table must be an object mapping each state to the states it may move to, e.g. { pending: ['running'], running: [] }; got null",
    ],
    [['a'], /^declaredStates\(\): the transition table must be an object/],
    [{}, 'declaredStates(): the transition table declares no states'],
    [
      { a: 'b' },
      "declaredStates(): state 'a' maps to \"b\"; list the states 'a' may move to as an array ([] when it has no way out)",
    ],
    [{ a: [1] }, "declaredStates(): state 'a' lists 1; targets must be state names (strings)"],
    [
      { a: ['b'] },
      "declaredStates(): state 'a' may move to 'b', which has no entry in the table; add 'b: [...]' ('b: []' if it has no way out) or fix the name, since code looking up 'b' would fail",
    ],
    [{ a: ['a', 'a'] }, "declaredStates(): state 'a' lists 'a' twice"],
  ])('rejects a malformed table %#', (table, message) => {
    const e = thrown(() => declaredStates(table as never))
    expect(e).toBeInstanceOf(TransitionTableError)
    expect(e.name).toBe('TransitionTableError')
    expect(MusilError.is(e)).toBe(true)
    if (typeof message === 'string') expect(e.message).toBe(message)
    else expect(e.message).toMatch(message)
  })
})

describe('statusFieldActions', () => {
  const model = (extra: Partial<Parameters<typeof statusFieldActions<Job>>[1]> = {}) =>
    defineModel<Job>({
      name: 'job',
      init: { status: 'pending', retries: 0 },
      actions: statusFieldActions<Job>(transitions, { field: 'status', ...extra }),
      terminal: (s) => s.status === 'stopped',
    })

  it('takes one step per target the table allows, labelled transition(<to>)', () => {
    const r = check(
      defineModel<Job>({
        init: { status: 'pending', retries: 0 },
        actions: statusFieldActions<Job>(transitions, { field: 'status' }),
        invariants: { neverStopped: (s) => s.status !== 'stopped' },
      }),
    )
    expect(r.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'transition(running)',
      'transition(stopped)',
    ])
    expect(r.stats.distinct).toBe(4)
    // init, pending's two targets, then running's first target (stopped) violates the invariant.
    expect(r.stats.generated).toBe(1 + 2 + 1)
  })

  it('drives the real class through every model step without an illegal transition', () => {
    const r = check(model())
    expect(r.ok).toBe(true)
    const labels: string[] = []
    // Replay every path of length <= 4 on the class: the model never asks for a transition the code refuses.
    const walk = (runner: JobRunner, depth: number): void => {
      if (depth === 0) return
      for (const to of transitions[runner.status]) {
        const next = new JobRunner()
        next.status = runner.status
        next.transition(to)
        labels.push(`${runner.status}->${to}`)
        walk(next, depth - 1)
      }
    }
    walk(new JobRunner(), 4)
    expect(new Set(labels)).toEqual(
      new Set([
        'pending->running',
        'pending->failed',
        'running->stopped',
        'running->failed',
        'failed->pending',
      ]),
    )
    expect(() => new JobRunner().transition('stopped')).toThrow(
      'illegal transition pending -> stopped',
    )
  })

  it('applies the guard and effect hooks with (state, to, from)', () => {
    const calls: string[] = []
    const m = model({
      name: 'move',
      guard: (s, to, from) => {
        calls.push(`${from}->${to}`)
        return !(from === 'failed' && s.retries >= 1)
      },
      effect: (s, to, from) =>
        from === 'failed' && to === 'pending' ? { ...s, retries: s.retries + 1 } : s,
    })
    // A retry budget of one: the second failure is a dead end, which the checker reports.
    const r = check(m)
    expect(r.violation?.kind).toBe('deadlock')
    expect(
      r.violation?.trace.map((s) => `${s.action}:${s.state.status}/${s.state.retries}`),
    ).toEqual([
      'init:pending/0',
      'move(failed):failed/0',
      'move(pending):pending/1',
      'move(failed):failed/1',
    ])
    expect(calls).toContain('failed->pending')
    const retried = check(
      defineModel<Job>({
        init: { status: 'pending', retries: 0 },
        actions: m.actions,
        invariants: { noRetry: (s) => s.retries === 0 },
        terminal: () => true,
      }),
    )
    expect(retried.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'move(failed)',
      'move(pending)',
    ])
  })

  it('finds the deadlock when the table leaves a non-terminal state without a way out', () => {
    const noRecovery = { ...transitions, failed: [] } as const
    const r = check(
      defineModel<Job>({
        name: 'job',
        init: { status: 'pending', retries: 0 },
        actions: statusFieldActions<Job>(noRecovery, { field: 'status' }),
        terminal: (s) => s.status === 'stopped',
      }),
    )
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace.map((s) => s.state.status)).toEqual(['pending', 'failed'])
  })

  it('works with accessors into a nested field, inferring the state type', () => {
    interface Cluster {
      readonly svc: { readonly phase: Status }
    }
    const actions = statusFieldActions(transitions, {
      get: (s: Cluster) => s.svc.phase,
      set: (s, to) => ({ ...s, svc: { phase: to } }),
      guard: (_s, to) => {
        expectTypeOf(to).toEqualTypeOf<Status>()
        return true
      },
    })
    expectTypeOf(actions).toEqualTypeOf<Action<Cluster>[]>()
    const r = check(
      defineModel<Cluster>({ init: { svc: { phase: 'pending' } }, actions, terminal: () => true }),
    )
    expect(r.ok).toBe(true)
    expect(r.stats.distinct).toBe(declaredStates(transitions).length)
  })

  it('reports a state whose status the table does not declare, with the trace', () => {
    const r = check(
      defineModel<{ status: string }>({
        init: { status: 'pending' },
        actions: [
          ...statusFieldActions<{ status: string }>(transitions, { field: 'status' }),
          action(
            'corrupt',
            (s) => s.status === 'running',
            () => ({ status: 'zombie' }),
          ),
        ],
        terminal: () => true,
      }),
    )
    expect(r.violation?.kind).toBe('error')
    expect(r.violation?.message).toContain(
      'transition: the status "zombie" is not declared in the transition table (declared: pending, running, stopped, failed); the state and the table disagree',
    )
    expect(r.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'transition(running)',
      'corrupt',
    ])
  })

  it('rejects options that say neither where the status lives nor how to set it', () => {
    const cases: [unknown, string][] = [
      [
        {},
        "statusFieldActions(): say where the status lives, either { field: 'status' } or { get: (s) => s.status, set: (s, to) => ({ ...s, status: to }) }",
      ],
      [
        { get: (s: Job) => s.status },
        'statusFieldActions(): accessors need both get: (s) => status and set: (s, to) => newState',
      ],
      [
        null,
        "statusFieldActions(table, opts): opts must say where the status lives: { field: 'status' } or { get, set }",
      ],
    ]
    for (const [opts, message] of cases) {
      const e = thrown(() => statusFieldActions<Job>(transitions, opts as never))
      expect(e).toBeInstanceOf(TransitionTableError)
      expect(e.message).toBe(message)
    }
    const bad = thrown(() => statusFieldActions<Job>({ a: ['b'] } as never, { field: 'status' }))
    expect(bad.message).toMatch(
      /^statusFieldActions\(\): state 'a' may move to 'b', which has no entry/,
    )
  })
})
