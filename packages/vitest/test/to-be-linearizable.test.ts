import {
  type KeyValueInput,
  type KeyValueOutput,
  keyValueSpec,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  registerSpec,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { failureOf, nothingChecked } from './helpers.ts'

type RegisterOp = Operation<RegisterInput<number>, RegisterOutput<number>>
const write = (client: string, value: number, call: number, ret: number): RegisterOp => ({
  client,
  input: { op: 'write', value },
  call,
  output: undefined,
  return: ret,
})
const read = (client: string, value: number, call: number, ret: number): RegisterOp => ({
  client,
  input: { op: 'read' },
  call,
  output: value,
  return: ret,
})

const register = registerSpec<number>({ initial: 0 })
const staleRead = [write('a', 1, 0, 10), read('b', 1, 1, 2), read('c', 0, 3, 4)]
const fine = [write('a', 1, 0, 10), read('b', 1, 1, 2), read('c', 1, 3, 4)]

describe('expect(history).toBeLinearizable(spec)', () => {
  it('passes on a linearizable history, and .not fails saying what was found', () => {
    expect(fine).toBeLinearizable(register)
    const f = failureOf(() => expect(fine).not.toBeLinearizable(register))
    expect(f.message).toBe(
      'expect(history).not.toBeLinearizable(spec)\n\nexpected no linearization, but found a linearization of all 3 operations (3 operations, 1 partition, 3 configurations explored)',
    )
  })

  it('fails on a stale read with the timeline as the diff', () => {
    expect(staleRead).not.toBeLinearizable(register)
    const f = failureOf(() => expect(staleRead).toBeLinearizable(register))
    expect(f.message).toBe(
      'expect(history).toBeLinearizable(spec)\n\nthe history (3 operations) is not linearizable: the longest linearizable prefix places 2: write(1), read() → 1, leaving the state 1; none of the operations that may come next fits: read() → 0 (client "c", [3, 4]) is refused in that state (3 operations, 1 partition, 2 configurations explored)',
    )
    expect(f.expected).toBe('a linearization of all 3 operations')
    expect(f.actual).toBe(
      [
        'client  0                                                         10',
        'a       [0=========================================================]',
        'b             [1====]',
        'c                         [2!!!!]',
        '',
        '= longest linearizable prefix   ! cannot come next   - not reached',
        '',
        '#  client  call..return  operation',
        '0  a       0..10         write(1)    linearized 1st',
        '1  b       1..2          read() → 1  linearized 2nd',
        '2  c       3..4          read() → 0  cannot come next: refused in state 1',
      ].join('\n'),
    )
  })

  it('draws only the failing partition', () => {
    const h: Operation<KeyValueInput, KeyValueOutput>[] = [
      {
        client: 1,
        input: { op: 'put', key: 'x', value: '1' },
        call: 0,
        output: undefined,
        return: 1,
      },
      {
        client: 2,
        input: { op: 'put', key: 'y', value: '1' },
        call: 0,
        output: undefined,
        return: 1,
      },
      { client: 2, input: { op: 'get', key: 'y' }, call: 2, output: '', return: 3 },
    ]
    const f = failureOf(() => expect(h).toBeLinearizable(keyValueSpec()))
    expect(f.message).toContain('partition 1 of 2 (2 operations) is not linearizable')
    expect(f.actual).toContain('showing 2 of 3 operations')
    expect(f.actual).not.toContain('put("x", "1")')
  })

  it('gives no verdict on an empty history, under the matcher and its .not', () => {
    const why =
      'the history is empty, so no operation was checked; record the operations (client, input, call, output, return) of the run before asserting on them'
    expect([
      nothingChecked(() => expect([]).toBeLinearizable(register)),
      nothingChecked(() => expect([]).not.toBeLinearizable(register)),
    ]).toEqual([
      `expect(history).toBeLinearizable(spec): ${why}`,
      `expect(history).not.toBeLinearizable(spec): ${why}`,
    ])
  })

  it('gives no verdict when the time budget runs out, under the matcher and its .not', () => {
    // 14 concurrent appends and a read no order of them explains: far beyond a 20 ms budget.
    const hard: Operation<KeyValueInput, KeyValueOutput>[] = Array.from({ length: 14 }, (_, i) => ({
      client: i,
      input: { op: 'append', key: 'k', value: String.fromCharCode(97 + i) },
      call: 0,
      output: undefined,
      return: 100,
    }))
    hard.push({
      client: 99,
      input: { op: 'get', key: 'k' },
      call: 101,
      output: 'impossible',
      return: 102,
    })
    for (const message of [
      nothingChecked(() => expect(hard).toBeLinearizable(keyValueSpec(), { timeoutMs: 20 })),
      nothingChecked(() => expect(hard).not.toBeLinearizable(keyValueSpec(), { timeoutMs: 20 })),
    ]) {
      expect(message).toMatch(
        /^expect\(history\)\.(not\.)?toBeLinearizable\(spec\): no verdict, the time budget of 20 ms \(timeoutMs\) ran out before a verdict/,
      )
    }
  })

  it('works as an asymmetric matcher', () => {
    expect({ history: fine }).toEqual({ history: expect.toBeLinearizable(register) })
    expect({ history: staleRead }).toEqual({ history: expect.not.toBeLinearizable(register) })
  })

  it('names its misuse: no spec, a subject that is neither a history nor a report', () => {
    expect(() => expect(fine).toBeLinearizable()).toThrow(
      'expect(history).toBeLinearizable(spec): give the sequential spec to hold the history to',
    )
    expect(() => expect(3).toBeLinearizable(register)).toThrow(
      'expect(received).toBeLinearizable(): received number, expected a history (an array of operations { client, input, call, output, return }) or a simulation report',
    )
    expect(() => expect(fine).toBeLinearizable(register, { timeout: 1 } as never)).toThrow(
      "unknown option 'timeout' in checkLinearizability(); did you mean 'timeoutMs'?",
    )
  })
})
