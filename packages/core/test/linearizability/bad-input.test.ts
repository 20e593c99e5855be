import {
  checkLinearizability,
  HistoryError,
  keyValueSpec,
  MusilError,
  mutexSpec,
  type Operation,
  OptionsError,
  queueSpec,
  registerSpec,
  type SequentialSpec,
  SequentialSpecError,
  setSpec,
  UserCodeError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { reg } from './histories.ts'

const register = registerSpec<number>({ initial: 0 })

function thrown(f: () => unknown): MusilError {
  try {
    f()
  } catch (e) {
    expect(MusilError.is(e)).toBe(true)
    return e as MusilError
  }
  throw new Error('expected a MusilError')
}

describe('a malformed history is an error naming the operation', () => {
  it('a return before its call', () => {
    const e = thrown(() =>
      checkLinearizability([reg.write('a', 1, 0, 1), reg.read('b', 1, 5, 3)], register),
    )
    expect(e).toBeInstanceOf(HistoryError)
    expect((e as HistoryError).index).toBe(1)
    expect(e.message).toBe(
      'operation 1 of the history (client "b") returns at 3, before its call at 5: swap the two, or check the clock they were read from',
    )
  })

  it('a call that is not a finite number', () => {
    for (const call of [Number.NaN, Number.POSITIVE_INFINITY, '3', undefined]) {
      const op = { ...reg.write('a', 1, 0, 1), call } as unknown as Operation<never, never>
      const e = thrown(() => checkLinearizability([op], register as never))
      expect((e as HistoryError).index).toBe(0)
      expect(e.message).toMatch(
        /^operation 0 of the history \(client "a"\) has call .*: a call time must be a finite number$/,
      )
    }
  })

  it('a return that is NaN or missing', () => {
    const op = { ...reg.write('a', 1, 0, 1), return: Number.NaN }
    expect(thrown(() => checkLinearizability([op], register)).message).toContain(
      'has return NaN: a return time must be a number (Infinity when the outcome is unknown)',
    )
  })

  it('an operation that is not an object', () => {
    const e = thrown(() => checkLinearizability([reg.write('a', 1, 0, 1), null] as never, register))
    expect(e.message).toBe(
      'operation 1 of the history is null, not an operation { client, input, call, output, return }',
    )
    expect((e as HistoryError).index).toBe(1)
  })

  it('a client that is neither a number nor a string', () => {
    const op = { ...reg.write('a', 1, 0, 1), client: { id: 1 } } as never
    expect(thrown(() => checkLinearizability([op], register)).message).toContain(
      'has client {id: 1}: a client must be a number or a string',
    )
  })

  it('a history that is not an array', () => {
    expect(thrown(() => checkLinearizability({} as never, register))).toBeInstanceOf(HistoryError)
  })
})

describe('a partition must split the history exactly', () => {
  const h = [reg.write('a', 1, 0, 1), reg.read('b', 1, 2, 3)]

  it('losing an operation would leave it unchecked', () => {
    const spec = {
      ...register,
      partition: (ops: readonly unknown[]) => [[ops[0]]],
    } as typeof register
    const e = thrown(() => checkLinearizability(h, spec))
    expect(e.message).toBe(
      "the spec's partition() left out operation 1 of the history: every operation must be in exactly one part, or it would never be checked",
    )
    expect((e as HistoryError).index).toBe(1)
  })

  it('copies are matched by value (as Porcupine accepts them); duplicates and strangers are refused', () => {
    const copies = {
      ...register,
      partition: (ops: readonly object[]) => [ops.map((o) => ({ ...o }))],
    } as unknown as typeof register
    const verdict = (r: ReturnType<typeof checkLinearizability>) => ({ ...r, stats: undefined })
    expect(verdict(checkLinearizability(h, copies))).toEqual(
      verdict(checkLinearizability(h, register)),
    )
    // A violation found in a copied part names the history's own indices.
    const stale = [reg.write('a', 1, 0, 1), reg.read('b', 0, 2, 3)]
    expect(checkLinearizability(stale, copies).violation).toMatchObject({
      operations: [0, 1],
      unplaceable: [{ index: 1 }],
    })
    const stranger = {
      ...register,
      partition: (ops: readonly object[]) => [[...ops, { ...ops[0], call: 99 }]],
    } as unknown as typeof register
    expect(thrown(() => checkLinearizability(h, stranger)).message).toMatch(
      /^part 0 returned by the spec's partition\(\) holds .*, which is not an operation of the history \(or is in two parts\)/,
    )
    const twice = {
      ...register,
      partition: (ops: readonly unknown[]) => [ops, [ops[0]]],
    } as typeof register
    expect(thrown(() => checkLinearizability(h, twice))).toBeInstanceOf(HistoryError)
  })

  it('numbers partitions as partition() returns them, empty parts included', () => {
    const spec = {
      ...register,
      partition: (ops: readonly unknown[]) => [[], [ops[0]], [], [ops[1]]],
    } as unknown as typeof register
    const r = checkLinearizability([reg.write('a', 1, 0, 1), reg.read('b', 5, 2, 3)], spec)
    expect(r).toMatchObject({ partitions: 4, violation: { partition: 3, operations: [1] } })
  })

  it('the same object twice in a history counts as two operations', () => {
    const op = reg.write('a', 1, 0, 1)
    const byOp = {
      ...register,
      partition: (ops: readonly unknown[]) => [ops.slice(0, 1), ops.slice(1)],
    } as typeof register
    expect(checkLinearizability([op, op], byOp)).toMatchObject({ ok: true, partitions: 2 })
  })
})

describe('specs and options', () => {
  it('a spec without step', () => {
    const e = thrown(() => checkLinearizability([], { init: () => 0 } as never))
    expect(e).toBeInstanceOf(SequentialSpecError)
    expect(e.message).toBe(
      "the spec's step is undefined: a sequential spec needs init() (the initial state) and step(state, input, output) => [legal, next]",
    )
  })

  it('a spec with a member it does not know', () => {
    const e = thrown(() => checkLinearizability([], { ...register, describe: () => '' } as never))
    expect(e).toBeInstanceOf(OptionsError)
    expect(e.message).toBe(
      "unknown option 'describe' in checkLinearizability() spec; valid options are 'init', 'step', 'partition', 'equal', 'hash', 'describeOperation', 'describeState'",
    )
  })

  it('options it does not know, and a budget that is not a number of milliseconds', () => {
    expect(thrown(() => checkLinearizability([], register, { timeout: 5 } as never)).message).toBe(
      "unknown option 'timeout' in checkLinearizability(); did you mean 'timeoutMs'?",
    )
    for (const timeoutMs of [-1, Number.NaN, '5']) {
      expect(
        thrown(() => checkLinearizability([], register, { timeoutMs } as never)).message,
      ).toMatch(/^checkLinearizability\(\): timeoutMs must be a number of milliseconds, 0 or more/)
    }
  })

  it('a budget of 0 gives no verdict, never ok: true, however small the history', () => {
    const r = checkLinearizability([reg.write('a', 1, 0, 1)], register, { timeoutMs: 0 })
    expect(r).toMatchObject({ ok: false, result: 'unknown' })
    expect(r.reason).toMatch(/^the time budget of 0 ms \(timeoutMs\) ran out before a verdict/)
    // An empty history has nothing to decide: it is linearizable within any budget.
    expect(checkLinearizability([], register, { timeoutMs: 0 }).result).toBe('linearizable')
  })

  it('a step that throws is named by the operation it was given', () => {
    const spec: SequentialSpec<number, number, number> = {
      init: () => 0,
      step: (s, input) => {
        if (input === 3) throw new RangeError('three')
        return [true, s]
      },
    }
    const h: Operation<number, number>[] = [
      { client: 'a', input: 1, call: 0, output: 0, return: 1 },
      { client: 'b', input: 3, call: 2, output: 0, return: 3 },
    ]
    const e = thrown(() => checkLinearizability(h, spec))
    expect(e).toBeInstanceOf(UserCodeError)
    expect(e.message).toBe(
      'step of 3 (operation 1 of the history, client "b") threw RangeError: three',
    )
  })

  it('a step written as a predicate is told to return [legal, next]', () => {
    const predicate = {
      init: () => 0,
      step: (s: number, _input: unknown, output: number) => output === s,
    } as unknown as SequentialSpec<number, unknown, number>
    const h: Operation<unknown, number>[] = [
      { client: 'a', input: 'read', call: 0, output: 0, return: 1 },
    ]
    const e = thrown(() => checkLinearizability(h, predicate))
    expect(e).toBeInstanceOf(SequentialSpecError)
    expect(e.message).toBe(
      `the spec's step returned true for "read", operation 0 of the history (client "a"): step(state, input, output) must return a pair [legal, next], e.g. [output === state, state] for a read`,
    )
  })
})

describe('the shipped specs refuse inputs they do not know, rather than reading them as another operation', () => {
  // Each: the spec, an input it knows, one it does not, and how it says so.
  const cases = [
    [
      registerSpec(),
      { op: 'read' },
      { op: 'reed' },
      'registerSpec() has no operation {op: "reed"}',
    ],
    [
      keyValueSpec(),
      { op: 'get', key: 'x' },
      { op: 'gett', key: 'x' },
      'keyValueSpec() has no operation {op: "gett", key: "x"}',
    ],
    // Before, anything but an enqueue was a dequeue, anything but an add or a contains a remove,
    // anything but an acquire a release.
    [queueSpec(), { op: 'dequeue' }, { op: 'deq' }, 'queueSpec() has no operation {op: "deq"}'],
    [
      setSpec(),
      { op: 'add', value: 1 },
      { op: 'has', value: 1 },
      'setSpec() has no operation {op: "has", value: 1}',
    ],
    [
      mutexSpec(),
      { op: 'acquire', owner: 'a' },
      { op: 'lock', owner: 'a' },
      'mutexSpec() has no operation {op: "lock", owner: "a"}',
    ],
  ] as const
  for (const [spec, known, input, message] of cases) {
    it(message.slice(0, message.indexOf('(')), () => {
      const h = [
        {
          client: 'a',
          input: known,
          call: 0,
          output: undefined,
          return: 1,
        },
        { client: 'b', input, call: 2, output: undefined, return: 3 },
      ]
      const e = thrown(() => checkLinearizability(h as never, spec as never))
      expect(e).toBeInstanceOf(HistoryError)
      expect((e as HistoryError).index).toBe(1)
      expect(e.message).toMatch(/^operation 1 of the history \(client "b"\): .*; its inputs are /)
      expect(e.message).toContain(message)
    })
  }
})
