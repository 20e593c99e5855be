import {
  checkLinearizability,
  failureWindow,
  formatHistory,
  keyValueSpec,
  type Operation,
  registerSpec,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { INFO, kv, reg } from './histories.ts'

const register = registerSpec<number>({ initial: 0 })

describe('formatHistory', () => {
  it('draws a stale read: the prefix, the operation that cannot come next, and the legend', () => {
    const h = [
      reg.write('a', 1, 0, 10),
      reg.read('b', 1, 1, 2),
      reg.read('c', 0, 3, 4),
      reg.write('b', 3, 5, INFO),
    ]
    const { violation } = checkLinearizability(h, register)
    expect(formatHistory(h, { spec: register, violation, width: 40 })).toBe(
      [
        'client  0                                     10',
        'a       [0=====================================]',
        'b           [1==]           [3-----------------…',
        'c                   [2!!]',
        '',
        '= longest linearizable prefix   ! cannot come next   - not reached',
        '',
        '#  client  call..return  operation',
        '0  a       0..10         write(1)    linearized 1st',
        '1  b       1..2          read() → 1  linearized 2nd',
        '2  c       3..4          read() → 0  cannot come next: refused in state 1',
        '3  b       5..∞          write(3)',
      ].join('\n'),
    )
  })

  it('draws a plain history without marks, describing operations structurally without a spec', () => {
    const h: Operation<string, number>[] = [
      { client: 2, input: 'inc', call: 0, output: 1, return: 4 },
      { client: 1, input: 'inc', call: 2, output: 2, return: 6 },
      { client: 10, input: 'get', call: 7, output: 2, return: 8 },
    ]
    expect(formatHistory(h, { width: 17 })).toBe(
      [
        'client  0               8',
        '1           [1------]',
        '2       [0------]',
        '10                    [2]',
        '',
        '#  client  call..return  operation',
        '0  2       0..4          "inc" → 1',
        '1  1       2..6          "inc" → 2',
        '2  10      7..8          "get" → 2',
      ].join('\n'),
    )
  })

  it('gives a client with overlapping operations a row for each', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.write('a', 2, 2, 4), reg.read('b', 2, 5, 6)]
    const lines = formatHistory(h, { spec: register, width: 13 }).split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'client  0           6',
      'a       [0----------…',
      'a           [1--]',
      'b                 [2]',
    ])
  })

  it('numbers prefixes in order and says when only some operations are shown', () => {
    const h = [reg.write('a', 1, 0, 1), reg.write('a', 2, 2, 3), reg.read('b', 1, 4, 5)]
    const { violation } = checkLinearizability(h, register)
    const text = formatHistory(h, { spec: register, violation, operations: [1, 2], width: 12 })
    expect(text).toBe(
      [
        'client  2          5',
        'a       [1==]',
        'b              [2!!]',
        '',
        '= longest linearizable prefix   ! cannot come next   - not reached',
        '',
        'showing 2 of 3 operations',
        '',
        '#  client  call..return  operation',
        '1  a       2..3          write(2)    linearized 2nd',
        '2  b       4..5          read() → 1  cannot come next: refused in state 2',
      ].join('\n'),
    )
  })

  it('rejects unknown options and renders nothing as such', () => {
    expect(() => formatHistory([], { widht: 3 } as never)).toThrow(
      "unknown option 'widht' in formatHistory(); did you mean 'width'?",
    )
    expect(formatHistory([])).toBe('(no operations)')
  })

  it('rejects an index in operations that is not one of the history, as historyDiagram does', () => {
    const h = [reg.write('a', 1, 0, 10)]
    for (const bad of [1, -1, 0.5]) {
      expect(() => formatHistory(h, { operations: [0, bad] })).toThrow(
        `formatHistory(): 'operations' holds ${bad}, which is not the index of an operation of the history (0 to 0)`,
      )
    }
    // Each index drawn once, however often it is given.
    expect(formatHistory(h, { operations: [0, 0] })).toBe(formatHistory(h))
  })

  it('rejects a width that is not a number of columns from 10 to 1,000', () => {
    const h = [reg.write('a', 1, 0, 10)]
    // NaN failed as 'Invalid array length', a billion exhausted the heap.
    for (const width of [Number.NaN, 9, 1e9, '60']) {
      expect(() => formatHistory(h, { width } as never)).toThrow(
        /^formatHistory\(\): width must be a number of columns from 10 to 1000, got /,
      )
    }
  })
})

describe('failureWindow', () => {
  it("keeps a small failing partition whole, and only that partition's operations", () => {
    const h = [kv.put('a', 'x', '1', 0, 1), kv.put('a', 'y', '1', 0, 1), kv.get('b', 'y', '', 2, 3)]
    const { violation } = checkLinearizability(h, keyValueSpec())
    expect(failureWindow(h, violation!)).toEqual([1, 2])
  })

  it('cuts a long partition down to the unplaceable operations and what returned last before them', () => {
    const h = Array.from({ length: 100 }, (_, i) => reg.write('a', i, 2 * i, 2 * i + 1))
    h.push(reg.read('b', 5, 1000, 1001), reg.write('c', 7, 2000, 2001))
    const { violation } = checkLinearizability(h, register)
    expect(violation?.unplaceable.map((u) => u.index)).toEqual([100])
    expect(failureWindow(h, violation!, 4)).toEqual([97, 98, 99, 100])
  })
})
