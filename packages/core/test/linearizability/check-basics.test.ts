import { checkLinearizability, type Operation, type SequentialSpec } from '@musil/core'
import { describe, expect, it } from 'vitest'

type In = { op: 'read' } | { op: 'write'; value: number }
const register: SequentialSpec<number, In, number | undefined> = {
  init: () => 0,
  step: (s, i, o) => (i.op === 'write' ? [true, i.value] : [o === s, s]),
}
const w = (client: string, value: number, call: number, ret: number): Operation<In, undefined> => ({
  client,
  input: { op: 'write', value },
  call,
  output: undefined,
  return: ret,
})
const r = (client: string, value: number, call: number, ret: number): Operation<In, number> => ({
  client,
  input: { op: 'read' },
  call,
  output: value,
  return: ret,
})

describe('checkLinearizability', () => {
  it('accepts a read concurrent with a write that sees it, and rejects a stale read after it', () => {
    expect(checkLinearizability([w('a', 1, 0, 10), r('b', 1, 1, 2)], register).result).toBe(
      'linearizable',
    )
    const stale = checkLinearizability(
      [w('a', 1, 0, 10), r('b', 1, 1, 2), r('c', 0, 3, 4)],
      register,
    )
    expect(stale.result).toBe('not-linearizable')
    expect(stale.violation?.longestPrefix).toEqual([0, 1])
    expect(stale.violation?.unplaceable.map((u) => u.index)).toEqual([2])
  })
})
