import {
  action,
  check,
  checkRefinement,
  defineModel,
  type Model,
  ModelDefinitionError,
  UserCodeError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

interface Count {
  n: number
}
/** The spec: a counter that goes up by one, to 3. */
const counter = defineModel<Count>({
  name: 'counter',
  init: { n: 0 },
  actions: [
    action(
      'inc',
      (s) => s.n < 3,
      (s) => ({ n: s.n + 1 }),
    ),
  ],
})

interface Workers {
  n: number
  pc: ('idle' | 'read' | 'done')[]
  tmp: number[]
}
/**
 * Two workers add to a shared counter until it reaches 3. With `atomic` each increment is one
 * step; without, a worker reads the counter, then writes back what it read plus one.
 */
function workers(atomic: boolean): Model<Workers> {
  const ids = () => [0, 1]
  const set = <T>(xs: T[], i: number, x: T): T[] => xs.map((y, j) => (j === i ? x : y))
  return defineModel<Workers>({
    name: atomic ? 'atomic-workers' : 'racy-workers',
    init: { n: 0, pc: ['idle', 'idle'], tmp: [0, 0] },
    actions: atomic
      ? [
          action.each(
            'add',
            ids,
            (s, i) => s.pc[i] === 'idle' && s.n < 3,
            (s) => ({ ...s, n: s.n + 1 }),
          ),
        ]
      : [
          action.each(
            'read',
            ids,
            (s, i) => s.pc[i] === 'idle' && s.n < 3,
            (s, i) => ({ ...s, pc: set(s.pc, i, 'read'), tmp: set(s.tmp, i, s.n) }),
          ),
          action.each(
            'write',
            ids,
            (s, i) => s.pc[i] === 'read',
            (s, i) => ({ ...s, n: Math.min(s.tmp[i]! + 1, 3), pc: set(s.pc, i, 'idle') }),
          ),
        ],
  })
}
const toCount = (s: Workers): Count => ({ n: s.n })

describe('checkRefinement', () => {
  it('accepts an implementation whose steps are spec steps or stutters', () => {
    const r = checkRefinement(workers(true), counter, toCount)
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.violation).toBeUndefined()
    expect(r.stats).toMatchObject({ distinct: 4, specSteps: 3, stutters: 0 })
    const safety = check(workers(true), { deadlock: false }).stats
    expect(r.stats).toMatchObject({
      distinct: safety.distinct,
      generated: safety.generated,
      depth: safety.depth,
    })
    expect(r.model).toBe('atomic-workers')
    expect(r.spec).toBe('counter')
  })

  it('counts steps that leave the abstraction unchanged as stutters', () => {
    // Each worker claims a slot (invisible to the spec), then adds: one stutter per increment.
    const twoPhase = defineModel<Workers>({
      name: 'two-phase-workers',
      init: { n: 0, pc: ['idle', 'idle'], tmp: [0, 0] },
      actions: [
        action.each(
          'claim',
          () => [0, 1],
          (s, i) => s.pc[i] === 'idle' && s.n < 3 && !s.pc.includes('read'),
          (s, i) => ({ ...s, pc: s.pc.map((p, j) => (j === i ? 'read' : p)) }),
        ),
        action.each(
          'add',
          () => [0, 1],
          (s, i) => s.pc[i] === 'read',
          (s, i) => ({ ...s, n: s.n + 1, pc: s.pc.map((p, j) => (j === i ? 'idle' : p)) }),
        ),
      ],
    })
    const r = checkRefinement(twoPhase, counter, toCount)
    expect(r.ok).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 10, specSteps: 3 })
    expect(r.stats.stutters).toBe(6)
  })

  it('finds the lost update as the shortest trace to a forbidden step', () => {
    const r = checkRefinement(workers(false), counter, toCount)
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('refinement')
    expect(v.name).toBe('write(1)')
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'read(0)',
      'read(1)',
      'write(0)',
      'read(0)',
      'write(0)',
      'write(1)',
    ])
    expect(v.abstractTrace.map((a) => a.n)).toEqual([0, 0, 0, 1, 1, 2, 1])
    expect(v.missing).toEqual({ before: { n: 2 }, after: { n: 1 } })
    expect(v.allowed).toEqual([{ action: 'inc', state: { n: 3 } }])
    expect(v.message).toBe(
      'step 6 of racy-workers (write(1)) maps to {n: 2} -> {n: 1}, which is neither a step of counter nor a stutter',
    )
  })

  it('rejects a step the spec has no counterpart for, even forward', () => {
    const jumpy = defineModel<Count>({
      name: 'jumpy',
      init: { n: 0 },
      actions: [
        action(
          'inc2',
          (s) => s.n < 2,
          (s) => ({ n: s.n + 2 }),
        ),
      ],
    })
    const r = checkRefinement(jumpy, counter, (s) => s)
    expect(r.violation!.missing).toEqual({ before: { n: 0 }, after: { n: 2 } })
    expect(r.violation!.allowed).toEqual([{ action: 'inc', state: { n: 1 } }])
    const stuck = checkRefinement(
      defineModel<Count>({
        name: 'overflow',
        init: { n: 3 },
        actions: [
          action(
            'inc',
            () => true,
            (s) => ({ n: s.n + 1 }),
          ),
        ],
      }),
      defineModel<Count>({
        name: 'capped',
        init: { n: 3 },
        actions: [
          action(
            'inc',
            (s) => s.n < 3,
            (s) => ({ n: s.n + 1 }),
          ),
        ],
      }),
      (s) => s,
    )
    expect(stuck.violation!.message).toBe(
      'step 1 of overflow (inc) maps to {n: 3} -> {n: 4}, which is neither a step of capped nor a stutter (capped has no step from there)',
    )
  })

  it('rejects an initial state that maps outside the spec initial states', () => {
    const late = defineModel<Count>({
      name: 'late',
      init: [{ n: 0 }, { n: 2 }],
      actions: counter.actions,
    })
    const r = checkRefinement(late, counter, (s) => s)
    expect(r.ok).toBe(false)
    expect(r.violation).toMatchObject({
      name: 'init',
      message: 'an initial state of late maps to {n: 2}, which is not an initial state of counter',
      trace: [{ action: 'init', state: { n: 2 } }],
      missing: { after: { n: 2 } },
      allowed: [{ action: 'init', state: { n: 0 } }],
    })
    expect(r.violation!.missing.before).toBeUndefined()
  })

  it('compares abstract states by the spec fingerprint (its view)', () => {
    const labelled = defineModel<{ n: number; note: string }>({
      name: 'labelled-counter',
      init: { n: 0, note: 'start' },
      actions: [
        action(
          'inc',
          (s) => s.n < 3,
          (s) => ({ n: s.n + 1, note: 'inc' }),
        ),
      ],
      view: (s) => s.n,
    })
    const r = checkRefinement(workers(true), labelled, (s) => ({ n: s.n, note: 'impl' }))
    expect(r.ok).toBe(true)
  })

  it('never reports a cut search as a success', () => {
    const r = checkRefinement(workers(false), counter, toCount, { maxStates: 3 })
    expect(r.ok).toBe(false)
    expect(r.complete).toBe(false)
    expect(r.incomplete).toMatchObject({ reason: 'maxStates', limit: 3 })
  })

  it('is deterministic', () => {
    const run = () => JSON.stringify(checkRefinement(workers(false), counter, toCount).violation)
    expect(run()).toBe(run())
  })
})

describe('checkRefinement: bad input', () => {
  it('rejects an impl or spec that is not a model', () => {
    expect(() => checkRefinement({} as never, counter, toCount)).toThrow(ModelDefinitionError)
    expect(() => checkRefinement(counter, {} as never, (s) => s)).toThrow(
      'checkRefinement(counter, spec, abstraction): spec must be a model built with defineModel({ init, actions })',
    )
  })

  it('rejects a missing abstraction', () => {
    expect(() => checkRefinement(counter, counter, undefined as never)).toThrow(
      new TypeError(
        'checkRefinement(counter, counter, abstraction): abstraction must be a function from a state of counter to a state of counter, got undefined',
      ),
    )
  })

  it('rejects a bad maxStates', () => {
    expect(() => checkRefinement(counter, counter, (s) => s, { maxStates: -1 })).toThrow(RangeError)
  })

  it('wraps a throwing abstraction in a UserCodeError', () => {
    const run = () =>
      checkRefinement(workers(true), counter, (s) => {
        if (s.n === 2) throw new Error('no mapping')
        return toCount(s)
      })
    expect(run).toThrow(UserCodeError)
    expect(run).toThrow('abstraction of the abstraction of atomic-workers threw Error: no mapping')
  })
})
