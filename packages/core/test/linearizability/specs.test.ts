import {
  checkLinearizability,
  keyValueSpec,
  mutexSpec,
  type Operation,
  queueSpec,
  type RegisterInput,
  type RegisterOutput,
  registerSpec,
  setSpec,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { INFO, kv, lock, queue, reg, setOp } from './histories.ts'

describe('registerSpec', () => {
  it('starts at null unless told otherwise', () => {
    expect(checkLinearizability([reg.read('a', null, 0, 1)], registerSpec<number>()).ok).toBe(true)
    expect(checkLinearizability([reg.read('a', 0, 0, 1)], registerSpec<number>()).ok).toBe(false)
    expect(checkLinearizability([reg.read('a', 0, 0, 1)], registerSpec({ initial: 0 })).ok).toBe(
      true,
    )
  })

  it('compares values structurally', () => {
    const h: Operation<RegisterInput<number[]>, RegisterOutput<number[]>>[] = [
      { client: 'a', input: { op: 'write', value: [1, 2] }, call: 0, output: undefined, return: 1 },
      { client: 'b', input: { op: 'read' }, call: 2, output: [1, 2], return: 3 },
      {
        client: 'b',
        input: { op: 'cas', from: [1, 2], to: [3] },
        call: 4,
        output: true,
        return: 5,
      },
      { client: 'b', input: { op: 'read' }, call: 6, output: [3], return: 7 },
    ]
    expect(checkLinearizability(h, registerSpec<number[]>()).ok).toBe(true)
  })

  it('describes its operations and states', () => {
    const spec = registerSpec<number>()
    expect(spec.describeOperation?.({ op: 'read' }, 3)).toBe('read() → 3')
    expect(spec.describeOperation?.({ op: 'read' }, undefined)).toBe('read() → ?')
    expect(spec.describeOperation?.({ op: 'write', value: 3 }, undefined)).toBe('write(3)')
    expect(spec.describeOperation?.({ op: 'cas', from: 1, to: 2 }, false)).toBe('cas(1, 2) → false')
    expect(spec.describeState?.(null)).toBe('null')
  })

  it('rejects options it does not know', () => {
    expect(() => registerSpec({ inital: 0 } as never)).toThrow(
      "unknown option 'inital' in registerSpec(); did you mean 'initial'?",
    )
  })
})

describe('keyValueSpec', () => {
  it('appends in linearization order; a get must see every append that returned before it', () => {
    const h = [
      kv.append('a', 'k', 'x', 0, 10),
      kv.append('b', 'k', 'y', 1, 11),
      kv.get('c', 'k', 'yx', 12, 13),
    ]
    expect(checkLinearizability(h, keyValueSpec()).ok).toBe(true)
    const lost = [...h.slice(0, 2), kv.get('c', 'k', 'x', 12, 13)]
    const r = checkLinearizability(lost, keyValueSpec())
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.state).toBe('xy')
  })

  it('starts every key at the empty string, or at the initial value given', () => {
    expect(checkLinearizability([kv.get('a', 'k', '', 0, 1)], keyValueSpec()).ok).toBe(true)
    expect(
      checkLinearizability([kv.get('a', 'k', '-', 0, 1)], keyValueSpec({ initial: '-' })).ok,
    ).toBe(true)
  })

  it('partitions by key, each part in the order its key first appears', () => {
    const h = [
      kv.put('a', 'y', '1', 0, 1),
      kv.put('a', 'x', '1', 0, 1),
      kv.get('a', 'y', '1', 2, 3),
    ]
    const parts = keyValueSpec().partition?.(h)
    expect(parts).toEqual([[h[0], h[2]], [h[1]]])
    expect(checkLinearizability(h, keyValueSpec()).partitions).toBe(2)
  })

  it('describes its operations', () => {
    const spec = keyValueSpec()
    expect(spec.describeOperation?.({ op: 'get', key: 'x' }, 'ab')).toBe('get("x") → "ab"')
    expect(spec.describeOperation?.({ op: 'append', key: 'x', value: 'c' }, undefined)).toBe(
      'append("x", "c")',
    )
    expect(spec.describeOperation?.({ op: 'put', key: 'x', value: 'c' }, undefined)).toBe(
      'put("x", "c")',
    )
  })
})

describe('queueSpec', () => {
  const fifo = queueSpec<string>()

  it('dequeues in FIFO order, and empty only from an empty queue', () => {
    const ok = [
      queue.enq('a', 'x', 0, 1),
      queue.enq('a', 'y', 2, 3),
      queue.deq('b', 'x', 4, 5),
      queue.deq('b', 'y', 6, 7),
      queue.deq('b', null, 8, 9),
    ]
    expect(checkLinearizability(ok, fifo).ok).toBe(true)
    const notEmpty = [queue.enq('a', 'x', 0, 1), queue.deq('b', null, 2, 3)]
    const r = checkLinearizability(notEmpty, fifo)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.unplaceable[0]?.description).toBe('dequeue() → empty')
  })

  it('lets an empty dequeue overlapping an enqueue go first', () => {
    const h = [queue.enq('a', 'x', 0, 5), queue.deq('b', null, 1, 2), queue.deq('b', 'x', 6, 7)]
    expect(checkLinearizability(h, fifo).ok).toBe(true)
  })

  it('rejects a dequeue of an item never enqueued, and one dequeued twice', () => {
    expect(checkLinearizability([queue.deq('b', 'x', 0, 1)], fifo).ok).toBe(false)
    const twice = [queue.enq('a', 'x', 0, 1), queue.deq('b', 'x', 2, 5), queue.deq('c', 'x', 3, 6)]
    expect(checkLinearizability(twice, fifo).ok).toBe(false)
  })

  it('describes its states oldest first', () => {
    expect(fifo.describeState?.(['x', 'y'])).toBe('["x", "y"]')
    expect(fifo.describeOperation?.({ op: 'dequeue' }, undefined)).toBe('dequeue() → ?')
  })
})

describe('setSpec', () => {
  const set = setSpec<number>()

  it('says truly whether an element was a member', () => {
    const ok = [
      setOp('a', 'add', 1, true, 0, 1),
      setOp('b', 'add', 1, false, 2, 3),
      setOp('b', 'contains', 1, true, 4, 5),
      setOp('a', 'remove', 1, true, 6, 7),
      setOp('b', 'contains', 1, false, 8, 9),
      setOp('b', 'remove', 1, false, 10, 11),
    ]
    expect(checkLinearizability(ok, set).ok).toBe(true)
  })

  it('rejects a contains that misses an add that returned before it', () => {
    const h = [setOp('a', 'add', 1, true, 0, 1), setOp('b', 'contains', 1, false, 2, 3)]
    const r = checkLinearizability(h, set)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.message).toContain('leaving the state {1}')
  })

  it('accepts concurrent adds of the same element only if exactly one was new', () => {
    const both = [setOp('a', 'add', 1, true, 0, 5), setOp('b', 'add', 1, true, 1, 6)]
    expect(checkLinearizability(both, set).ok).toBe(false)
    const one = [setOp('a', 'add', 1, true, 0, 5), setOp('b', 'add', 1, false, 1, 6)]
    expect(checkLinearizability(one, set).ok).toBe(true)
  })

  it('takes an add without a recorded output as taking effect or not', () => {
    const h = [setOp('a', 'add', 2, undefined, 0, INFO), setOp('b', 'contains', 2, true, 3, 4)]
    expect(checkLinearizability(h, set).ok).toBe(true)
    expect(set.describeState?.(new Set([3, 1]))).toBe('{1, 3}')
  })
})

describe('mutexSpec', () => {
  const mutex = mutexSpec()

  it('accepts acquire/release in turns, and a refused try-lock while held', () => {
    const h = [
      lock('a', 'acquire', true, 0, 1),
      lock('b', 'acquire', false, 2, 3),
      lock('a', 'release', true, 4, 5),
      lock('b', 'acquire', true, 6, 7),
    ]
    expect(checkLinearizability(h, mutex).ok).toBe(true)
  })

  it('rejects two holders at once', () => {
    const h = [lock('a', 'acquire', true, 0, 1), lock('b', 'acquire', true, 2, 3)]
    const r = checkLinearizability(h, mutex)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.message).toContain('leaving the state held by "a"')
    expect(r.violation?.unplaceable[0]?.description).toBe('acquire("b") → true')
  })

  it('rejects a release by a client that does not hold the lock', () => {
    const h = [lock('a', 'acquire', true, 0, 1), lock('b', 'release', true, 2, 3)]
    expect(checkLinearizability(h, mutex).ok).toBe(false)
  })

  it('lets a second acquire overlapping the release succeed', () => {
    const h = [
      lock('a', 'acquire', true, 0, 1),
      lock('a', 'release', true, 2, 6),
      lock('b', 'acquire', true, 3, 4),
    ]
    expect(checkLinearizability(h, mutex).ok).toBe(true)
  })

  it('treats a lease that expired as released: a holder that crashed holds the lock until then', () => {
    const crashed = [lock('a', 'acquire', true, 0, 1), lock('a', 'release', undefined, 10, INFO)]
    expect(checkLinearizability([...crashed, lock('b', 'acquire', true, 11, 12)], mutex).ok).toBe(
      true,
    )
    expect(checkLinearizability([...crashed, lock('b', 'acquire', true, 5, 6)], mutex).ok).toBe(
      false,
    )
  })
})
