/**
 * What a trace step says it changed. Array elements are aligned by a longest common subsequence,
 * so a step that removes one element and adds another reads as exactly that.
 */
import { describeStep, diffStates, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { alignArrays } from '../src/render/array-diff.ts'

const link = (from: string, to: string) => ({ from, to })

describe('array changes in a step', () => {
  it('shows a removed and an appended record, not every slot changing', () => {
    expect(
      describeStep(
        { net: [link('n1', 'n2'), link('n2', 'n3')] },
        { net: [link('n2', 'n3'), link('n3', 'n4')] },
      ),
    ).toBe('net[0] -= {from: "n1", to: "n2"}, net[1] += {from: "n3", to: "n4"}')
  })

  it('names an element inserted or removed in the middle by its index', () => {
    expect(describeStep({ q: ['a', 'c'] }, { q: ['a', 'b', 'c'] })).toBe('q[1] += "b"')
    expect(describeStep({ q: ['a', 'b', 'c'] }, { q: ['a', 'c'] })).toBe('q[1] -= "b"')
    expect(describeStep({ q: ['a', 'b'] }, { q: ['a', 'b', 'c'] })).toBe('q[2] += "c"')
  })

  it('indexes removals as they were and additions as they are', () => {
    expect(describeStep({ q: [1, 2, 3, 4] }, { q: [2, 3, 4, 5, 6] })).toBe(
      'q[0] -= 1, q[3] += 5, q[4] += 6',
    )
    expect(describeStep({ q: [1, 9, 8, 4] }, { q: [1, 7, 4] })).toBe(
      'q[1] -= 9, q[2] -= 8, q[1] += 7',
    )
  })

  it('keeps per-index changes for elements changed in place', () => {
    expect(describeStep({ pc: [0, 1] }, { pc: [0, 0] })).toBe('pc[1]: 1 → 0')
    expect(
      describeStep(
        { net: [link('n1', 'n2'), link('n2', 'n3')] },
        { net: [link('n1', 'n2'), link('n2', 'n4')] },
      ),
    ).toBe('net[1].to: "n3" → "n4"')
    // Two slots of equal length that swap values changed in place; nothing was inserted.
    expect(describeStep({ token: [true, false] }, { token: [false, true] })).toBe(
      'token[0]: true → false, token[1]: false → true',
    )
  })

  it('pairs an element changed in place between a removal and the rest', () => {
    expect(
      describeStep(
        { net: [link('a', 'b'), link('b', 'c'), link('c', 'd')] },
        { net: [link('b', 'c'), link('c', 'e')] },
      ),
    ).toBe('net[0] -= {from: "a", to: "b"}, net[1].to: "d" → "e"')
  })

  it('shows a queue shifted by one as one removal and one addition', () => {
    expect(describeStep({ q: ['a', 'b', 'c'] }, { q: ['b', 'c', 'd'] })).toBe(
      'q[0] -= "a", q[2] += "d"',
    )
  })

  it('shows the whole array when nothing of it is kept and its length changed', () => {
    expect(describeStep({ q: [] }, { q: [link('n1', 'n2')] })).toBe(
      'q: [] → [{from: "n1", to: "n2"}]',
    )
    expect(describeStep({ q: [1, 2, 3] }, { q: [4, 5] })).toBe('q: [1, 2, 3] → [4, 5]')
  })

  it('aligns arrays nested in records and in arrays', () => {
    expect(
      describeStep(
        { nodes: { n1: { log: [link('x', 'y'), link('y', 'z')] } } },
        { nodes: { n1: { log: [link('y', 'z'), link('z', 'w')] } } },
      ),
    ).toBe('nodes.n1.log[0] -= {from: "x", to: "y"}, nodes.n1.log[1] += {from: "z", to: "w"}')
    expect(
      describeStep(
        {
          rows: [
            [1, 2],
            [3, 4],
          ],
        },
        {
          rows: [
            [1, 2, 5],
            [3, 4],
          ],
        },
      ),
    ).toBe('rows[0][2] += 5')
  })

  it('aligns arrays inside Map entries; Set members come and go as before', () => {
    expect(
      describeStep(
        { inbox: new Map([['n1', [link('a', 'n1')]]]) },
        { inbox: new Map([['n1', [link('a', 'n1'), link('b', 'n1')]]]) },
      ),
    ).toBe('inbox["n1"][1] += {from: "b", to: "n1"}')
    expect(
      describeStep(
        { seen: new Set([[1, 2], [3]]) },
        {
          seen: new Set([
            [1, 2],
            [3, 4],
          ]),
        },
      ),
    ).toBe('seen -= [3], seen += [3, 4]')
  })

  it('reports element changes as add and remove changes with their values', () => {
    expect(diffStates({ q: [1, 2] }, { q: [2, 3] })).toEqual([
      { kind: 'set', path: 'q[0]', before: 1, after: 2 },
      { kind: 'set', path: 'q[1]', before: 2, after: 3 },
    ])
    expect(diffStates({ q: [1, 2, 3] }, { q: [2, 3, 4] })).toEqual([
      { kind: 'remove', path: 'q[0]', value: 1 },
      { kind: 'add', path: 'q[2]', value: 4 },
    ])
  })

  it('prints a trace of a message queue one send and one forward per line', () => {
    const trace = [
      { action: 'init', state: { net: [] as { from: string; to: string }[] } },
      { action: 'send(n1, n2)', state: { net: [link('n1', 'n2')] } },
      { action: 'send(n2, n3)', state: { net: [link('n1', 'n2'), link('n2', 'n3')] } },
      { action: 'recv(n2)', state: { net: [link('n2', 'n3'), link('n2', 'n1')] } },
    ]
    expect(formatTrace(trace)).toBe(
      [
        '0  init          {net: []}',
        '1  send(n1, n2)  net: [] → [{from: "n1", to: "n2"}]',
        '2  send(n2, n3)  net[1] += {from: "n2", to: "n3"}',
        '3  recv(n2)      net[0] -= {from: "n1", to: "n2"}, net[1] += {from: "n2", to: "n1"}',
      ].join('\n'),
    )
  })
})

describe('alignArrays', () => {
  it('aligns by the longest common subsequence', () => {
    expect(alignArrays(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual([
      { op: 'remove', from: 0 },
      { op: 'keep', from: 1, to: 0 },
      { op: 'keep', from: 2, to: 1 },
      { op: 'add', to: 2 },
    ])
    // Strings and numbers that print alike are different elements.
    expect(alignArrays(['1'], [1])).toEqual([{ op: 'change', from: 0, to: 0 }])
  })

  it('pairs by position past the table cap, and says so in the same terms', () => {
    const before = Array.from({ length: 200 }, (_, i) => i)
    const after = before.map((i) => i + 1)
    const aligned = alignArrays(before, after)
    expect(aligned.filter((e) => e.op !== 'keep')).toEqual([
      { op: 'remove', from: 0 },
      { op: 'add', to: 199 },
    ])
    // 200 × 200 cells is past a cap of 1,000: every slot is compared with itself.
    const capped = alignArrays(before, after, 1_000)
    expect(capped).toHaveLength(200)
    expect(capped.every((e) => e.op === 'change' && e.from === e.to)).toBe(true)
    // Unequal lengths past the cap: pairs by position, the rest added.
    expect(alignArrays([1, 2, 3], [4, 5, 6, 7], 4)).toEqual([
      { op: 'change', from: 0, to: 0 },
      { op: 'change', from: 1, to: 1 },
      { op: 'change', from: 2, to: 2 },
      { op: 'add', to: 3 },
    ])
  })
})
