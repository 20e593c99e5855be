import {
  action,
  check,
  defineModel,
  ModelDefinitionError,
  MusilError,
  StateEncodingError,
  StateMutationError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

interface Counter {
  readonly n: number
}
const inc = action<Counter>(
  'inc',
  (s) => s.n < 5,
  (s) => ({ n: s.n + 1 }),
)

function caught(f: () => unknown): Error {
  try {
    f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected an exception')
}

describe('user code that throws', () => {
  it('reports an effect that throws, naming the action, with the trace to the state where it threw', () => {
    const boom = action<Counter>(
      'explode',
      (s) => s.n === 2,
      () => {
        throw new RangeError('fuse too short')
      },
    )
    const r = check(defineModel({ name: 'bomb', init: { n: 0 }, actions: [inc, boom] }))
    expect(r.ok).toBe(false)
    expect(r.violation?.kind).toBe('error')
    expect(r.violation?.name).toBe('explode')
    expect(r.violation?.error).toEqual({
      origin: 'effect',
      type: 'RangeError',
      message: 'fuse too short',
    })
    expect(r.violation?.message).toBe('effect of explode threw after 2 steps: fuse too short')
    expect(r.violation?.trace.map((s) => s.state.n)).toEqual([0, 1, 2])
  })

  it('reports a guard that throws, naming the parameterised instance', () => {
    const pick = action.each<Counter, string>(
      'pick',
      () => ['a', 'b'],
      (s, p) => {
        if (p === 'b' && s.n === 1) throw new Error('no b here')
        return s.n < 3
      },
      (s) => ({ n: s.n + 1 }),
    )
    const r = check(defineModel({ init: { n: 0 }, actions: [pick] }))
    expect(r.violation?.kind).toBe('error')
    expect(r.violation?.name).toBe('pick(b)')
    expect(r.violation?.error?.origin).toBe('guard')
    expect(r.violation?.trace).toHaveLength(2)
  })

  it('reports an invariant that throws, naming it, with the trace to the state it was evaluating', () => {
    const r = check(
      defineModel({
        init: { n: 0 },
        actions: [inc],
        invariants: {
          lookup: (s) => {
            if (s.n === 3) throw new TypeError('cannot read properties of undefined')
            return true
          },
        },
        terminal: (s) => s.n === 5,
      }),
    )
    expect(r.violation).toMatchObject({
      kind: 'error',
      name: 'lookup',
      error: { origin: 'invariant', type: 'TypeError' },
    })
    expect(r.violation?.trace.at(-1)?.state).toEqual({ n: 3 })
  })
})

describe('user code that misbehaves elsewhere', () => {
  const counter = (extra: Partial<Parameters<typeof defineModel<Counter>>[0]>) =>
    defineModel<Counter>({ name: 'ctr', init: { n: 0 }, actions: [inc], ...extra })

  it('names an effect that forgets to return the next state', () => {
    const noReturn = action<Counter>('inc', (s) => s.n < 2, ((s: Counter) => {
      void { n: s.n + 1 }
    }) as never)
    const r = check(defineModel({ name: 'ctr', init: { n: 0 }, actions: [noReturn] }))
    expect(r.violation).toMatchObject({ kind: 'error', name: 'inc', error: { origin: 'effect' } })
    expect(r.violation?.message).toContain('returned undefined instead of the next state')
  })

  it('names an invariant that forgets to return', () => {
    const r = check(
      counter({
        terminal: (s) => s.n === 5,
        invariants: { small: ((s: Counter) => void s) as never },
      }),
    )
    expect(r.violation).toMatchObject({
      kind: 'error',
      name: 'small',
      error: { origin: 'invariant' },
    })
    expect(r.violation?.message).toContain('returned undefined instead of a boolean')
  })

  it('reports a terminal predicate that throws with the trace, naming the model', () => {
    const r = check(
      counter({
        terminal: (s) => {
          if (s.n === 5) throw new Error('term boom')
          return false
        },
      }),
    )
    expect(r.violation?.message).toBe('terminal of ctr threw after 5 steps: term boom')
    expect(r.violation?.trace).toHaveLength(6)
  })

  it('reports an effect that throws beyond the depth bound like any other', () => {
    const boom = action<Counter>(
      'boom',
      (s) => s.n === 3,
      () => {
        throw new Error('deep boom')
      },
    )
    const r = check(counter({ actions: [inc, boom], terminal: (s) => s.n === 5 }), { maxDepth: 4 })
    expect(r.violation).toMatchObject({ kind: 'error', name: 'boom', error: { origin: 'effect' } })
    expect(r.violation?.trace).toHaveLength(4)
  })
})

describe('states that cannot be fingerprinted', () => {
  const holding = (value: unknown) =>
    defineModel<{ n: number; x?: unknown }>({
      name: 'holder',
      init: { n: 0 },
      actions: [
        action(
          'store',
          (s) => s.n === 0,
          (s) => ({ n: s.n + 1, x: { inner: [1, value] } }),
        ),
      ],
    })

  it('rejects a function with its path and the trace that produced it', () => {
    const e = caught(() => check(holding(function callback() {})))
    expect(e).toBeInstanceOf(StateEncodingError)
    expect(MusilError.is(e)).toBe(true)
    expect(e.name).toBe('StateEncodingError')
    expect(e.message).toMatch(
      /^cannot fingerprint a function \(callback\) at state\.x\.inner\[1\]: /,
    )
    expect(e.message).toContain('keep behaviour in actions')
    expect(e.message).toContain('(state produced by store after 1 steps)')
    expect((e as StateEncodingError).path).toBe('state.x.inner[1]')
    expect((e as StateEncodingError).trace.map((s) => s.action)).toEqual(['init', 'store'])
  })

  it('rejects a symbol', () => {
    const e = caught(() => check(holding(Symbol('token'))))
    expect(e).toBeInstanceOf(StateEncodingError)
    expect(e.message).toMatch(
      /^cannot fingerprint a symbol \(Symbol\(token\)\) at state\.x\.inner\[1\]/,
    )
  })

  it('rejects a class instance', () => {
    class Point {
      x = 1
    }
    const e = caught(() => check(holding(new Point())))
    expect(e.message).toMatch(/^cannot fingerprint an instance of Point at state\.x\.inner\[1\]/)
  })

  it('rejects a reference cycle', () => {
    const loop: { next?: unknown } = {}
    loop.next = loop
    const e = caught(() => check(defineModel({ init: { loop }, actions: [] })))
    expect(e).toBeInstanceOf(StateEncodingError)
    expect(e.message).toMatch(
      /^cannot fingerprint a state with a reference cycle at state\.loop\.next/,
    )
    expect(e.message).toContain('store ids instead of back-references')
  })
})

describe('an effect that mutates its input', () => {
  it('is caught and the action named', () => {
    interface Q {
      readonly items: number[]
    }
    const push = action<Q>(
      'push',
      (s) => s.items.length < 2,
      (s) => {
        s.items.push(1)
        return { items: [...s.items] }
      },
    )
    const e = caught(() =>
      check(defineModel({ name: 'queue', init: { items: [] as number[] }, actions: [push] })),
    )
    expect(e).toBeInstanceOf(StateMutationError)
    expect((e as StateMutationError).action).toBe('push')
    expect(e.message).toMatch(
      /^push of queue mutated the state it was given \(after 0 steps\): effects must return a new state/,
    )
  })
})

describe('an effect that mutates a nested container of its input', () => {
  interface Net {
    readonly sent: { readonly ids: Set<number>; readonly log: Record<string, number> }
    readonly n: number
  }
  const model = (effect: (s: Net) => Net) =>
    defineModel<Net>({
      name: 'net',
      init: { sent: { ids: new Set(), log: { a: 0 } }, n: 0 },
      actions: [
        action(
          'tick',
          (s) => s.n < 3,
          (s) => ({ ...s, n: s.n + 1 }),
        ),
        action('send', (s) => s.n === 2, effect),
      ],
    })

  it('is caught when a Set is changed in place', () => {
    const e = caught(() =>
      check(
        model((s) => {
          ;(s.sent.ids as Set<number>).add(s.sent.ids.size)
          return { ...s, n: 9 }
        }),
      ),
    )
    expect(e).toBeInstanceOf(StateMutationError)
    expect((e as StateMutationError).action).toBe('send')
    expect(e.message).toMatch(
      /^send of net mutated the state it was given \(after \d+ steps\): effects must return a new state/,
    )
  })

  it('is caught when a nested value is changed in place', () => {
    const e = caught(() =>
      check(
        model((s) => {
          ;(s.sent.log as Record<string, number>).a! += 1
          return { ...s, n: 9 }
        }),
      ),
    )
    expect(e).toBeInstanceOf(StateMutationError)
    expect((e as StateMutationError).action).toBe('send')
    expect(e.message).toMatch(
      /^send of net mutated the state it was given \(after \d+ steps\): effects must return a new state/,
    )
  })
})

describe('malformed models', () => {
  it('rejects a model with no initial state', () => {
    const e = caught(() => defineModel({ name: 'empty', init: [], actions: [inc] }))
    expect(e).toBeInstanceOf(ModelDefinitionError)
    expect(e.message).toBe(
      "empty: 'init' is an empty array, so the model has no initial state; give at least one (a model whose state is an array must wrap it: init: [[...]])",
    )
  })

  it('rejects duplicate action names, non-actions and non-function invariants', () => {
    expect(() => defineModel({ name: 'm', init: { n: 0 }, actions: [inc, inc] })).toThrow(
      "m: two actions are named 'inc'; action names must be unique (they label traces and fairness)",
    )
    expect(() =>
      defineModel({ name: 'm', init: { n: 0 }, actions: [{ name: 'x' } as never] }),
    ).toThrow('m: actions[0] is not an action; build it with action(name, guard, effect)')
    expect(() =>
      defineModel({ name: 'm', init: { n: 0 }, actions: [], invariants: { ok: true as never } }),
    ).toThrow("m: invariant 'ok' must be a function (s) => boolean, got boolean")
    expect(() =>
      action(
        '',
        () => true,
        (s) => s,
      ),
    ).toThrow('action name must be a non-empty string')
    expect(() => check({ init: [], actions: [] } as never)).toThrow(ModelDefinitionError)
  })

  it('rejects nonsensical bounds', () => {
    const m = defineModel({ init: { n: 0 }, actions: [inc] })
    expect(() => check(m, { maxStates: 0 })).toThrow(
      'check(): maxStates must be a positive integer, got 0',
    )
    expect(() => check(m, { maxDepth: 1.5 })).toThrow(
      'check(): maxDepth must be a positive integer, got 1.5',
    )
  })
})

describe('bounds', () => {
  const unbounded = defineModel({
    name: 'unbounded',
    init: { n: 0 },
    actions: [
      action<Counter>(
        'inc',
        () => true,
        (s) => ({ n: s.n + 1 }),
      ),
    ],
  })

  it('reports maxStates as incomplete, never as success', () => {
    const r = check(unbounded, { maxStates: 10 })
    expect(r).toMatchObject({
      ok: false,
      complete: false,
      incomplete: { reason: 'maxStates', limit: 10 },
    })
    expect(r.violation).toBeUndefined()
    expect(r.stats.distinct).toBe(10)
    expect(r.incomplete?.message).toContain('raise maxStates or bound the model with a constraint')
  })

  it('reports maxDepth as incomplete when states lie beyond it', () => {
    const r = check(unbounded, { maxDepth: 4 })
    expect(r).toMatchObject({
      ok: false,
      complete: false,
      incomplete: { reason: 'maxDepth', limit: 4 },
    })
    expect(r.stats).toMatchObject({ distinct: 4, depth: 4 })
  })

  it('is complete when maxStates equals the number of reachable states', () => {
    const r = check(defineModel({ init: { n: 0 }, actions: [inc], terminal: (s) => s.n === 5 }), {
      maxStates: 6,
    })
    expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 6 } })
    const cut = check(defineModel({ init: { n: 0 }, actions: [inc], terminal: (s) => s.n === 5 }), {
      maxStates: 5,
    })
    expect(cut).toMatchObject({ ok: false, complete: false, stats: { distinct: 5 } })
  })

  it('applies maxStates to the initial states too', () => {
    const many = defineModel({
      init: [0, 1, 2, 3].map((n) => ({ n })),
      actions: [],
      terminal: () => true,
    })
    expect(check(many, { maxStates: 2 })).toMatchObject({ complete: false, stats: { distinct: 2 } })
  })

  it('is complete when the depth bound happens to cover everything', () => {
    const r = check(defineModel({ init: { n: 0 }, actions: [inc], terminal: (s) => s.n === 5 }), {
      maxDepth: 6,
    })
    expect(r).toMatchObject({ ok: true, complete: true })
  })
})
