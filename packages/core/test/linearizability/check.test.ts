import {
  checkLinearizability,
  type KeyValueInput,
  type KeyValueOutput,
  keyValueSpec,
  type Operation,
  queueSpec,
  type RegisterInput,
  type RegisterOutput,
  registerSpec,
  type SequentialSpec,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { INFO, kv, queue, reg } from './histories.ts'

const register = registerSpec<number>({ initial: 0 })
const fifo = queueSpec<string>()

describe('Herlihy & Wing (1990), Figure 1: the FIFO queue histories', () => {
  it('H1 is linearizable: Enq(x) Enq(y) Deq(x) Deq(y)', () => {
    const h1 = [
      queue.enq('A', 'x', 0, 3),
      queue.enq('B', 'y', 1, 5),
      queue.deq('B', 'x', 6, 9),
      queue.deq('A', 'y', 7, 10),
    ]
    const r = checkLinearizability(h1, fifo)
    expect(r).toMatchObject({ ok: true, result: 'linearizable', operations: 4, partitions: 1 })
    expect(r.violation).toBeUndefined()
  })

  it('H2 is not: Enq(x) returns before Enq(y) is called, yet y is dequeued first', () => {
    const h2 = [queue.enq('A', 'x', 0, 2), queue.enq('B', 'y', 3, 5), queue.deq('A', 'y', 6, 8)]
    const r = checkLinearizability(h2, fifo)
    expect(r).toMatchObject({ ok: false, result: 'not-linearizable' })
    expect(r.violation?.longestPrefix).toEqual([0, 1])
    expect(r.violation?.unplaceable.map((u) => u.index)).toEqual([2])
    expect(r.violation?.state).toEqual(['x', 'y'])
  })

  it('H3 is linearizable: a dequeue overlapping the enqueue may see its item', () => {
    const h3 = [queue.enq('A', 'x', 0, 4), queue.deq('B', 'x', 1, 5)]
    expect(checkLinearizability(h3, fifo).ok).toBe(true)
  })

  it('H4 is not: y is dequeued twice', () => {
    const h4 = [
      queue.enq('A', 'x', 0, 3),
      queue.enq('B', 'y', 1, 4),
      queue.deq('A', 'y', 5, 8),
      queue.deq('B', 'y', 6, 9),
    ]
    const r = checkLinearizability(h4, fifo)
    expect(r.result).toBe('not-linearizable')
    // Enq(y) Enq(x) Deq(y) is as far as it gets; then the second Deq(y) meets [x].
    expect(r.violation?.longestPrefix).toEqual([1, 0, 2])
    expect(r.violation?.state).toEqual(['x'])
  })
})

describe('registers: reads, writes and their overlaps', () => {
  it('a read overlapping a write may return the old value or the new one', () => {
    expect(
      checkLinearizability([reg.write('a', 1, 0, 10), reg.read('b', 0, 2, 4)], register).ok,
    ).toBe(true)
    expect(
      checkLinearizability([reg.write('a', 1, 0, 10), reg.read('b', 1, 2, 4)], register).ok,
    ).toBe(true)
  })

  it('a stale read (the old value after the write returned) is not linearizable', () => {
    const r = checkLinearizability([reg.write('a', 1, 0, 2), reg.read('b', 0, 3, 5)], register)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation).toMatchObject({
      partition: 0,
      operations: [0, 1],
      longestPrefix: [0],
      state: 1,
      unplaceable: [{ index: 1, state: 1, description: 'read() → 0' }],
    })
    expect(r.violation?.message).toBe(
      'the history (2 operations) is not linearizable: the longest linearizable prefix places 1: write(1), leaving the state 1; none of the operations that may come next fits: read() → 0 (client "b", [3, 5]) is refused in that state',
    )
  })

  it('reads during a write cannot see the new value and then the old one (new-old inversion)', () => {
    const h = [reg.write('a', 1, 0, 10), reg.read('b', 1, 1, 2), reg.read('c', 0, 3, 4)]
    const r = checkLinearizability(h, register)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.longestPrefix).toEqual([0, 1])
    expect(r.violation?.unplaceable.map((u) => u.index)).toEqual([2])
  })

  it('overlapping writes take effect in either order, but only once the order is fixed', () => {
    const w1 = reg.write('a', 1, 0, 5)
    const w2 = reg.write('b', 2, 1, 6)
    expect(checkLinearizability([w1, w2, reg.read('c', 1, 7, 8)], register).ok).toBe(true)
    expect(checkLinearizability([w1, w2, reg.read('c', 2, 7, 8)], register).ok).toBe(true)
    // Both writes returned: the value cannot change any more.
    const flip = checkLinearizability(
      [w1, w2, reg.read('c', 2, 7, 8), reg.read('c', 1, 9, 10)],
      register,
    )
    expect(flip.result).toBe('not-linearizable')
    expect(flip.violation?.longestPrefix).toEqual([0, 1, 2])
  })

  it('counts touching intervals as overlapping: a call at the instant of a return may go first', () => {
    // Porcupine's convention: at equal times calls come before returns.
    const h = [reg.write('a', 1, 0, 5), reg.read('b', 0, 5, 6)]
    expect(checkLinearizability(h, register).ok).toBe(true)
    expect(
      checkLinearizability([reg.write('a', 1, 0, 5), reg.read('b', 0, 6, 7)], register).ok,
    ).toBe(false)
  })

  it('compare-and-set succeeds only on the value it compares with', () => {
    const ok = [reg.write('a', 1, 0, 1), reg.cas('b', 1, 2, true, 2, 3), reg.read('c', 2, 4, 5)]
    expect(checkLinearizability(ok, register).ok).toBe(true)
    const bad = [reg.write('a', 1, 0, 1), reg.cas('b', 0, 2, true, 2, 3)]
    expect(checkLinearizability(bad, register).result).toBe('not-linearizable')
    const refused = [
      reg.write('a', 1, 0, 1),
      reg.cas('b', 0, 2, false, 2, 3),
      reg.read('c', 1, 4, 5),
    ]
    expect(checkLinearizability(refused, register).ok).toBe(true)
  })
})

describe('unknown outcomes (return: Infinity)', () => {
  it('an unknown write whose value was read must take effect, and does', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.read('b', 1, 5, 6)]
    const r = checkLinearizability(h, register)
    expect(r.ok).toBe(true)
  })

  it('an unknown write nobody observed may be dropped', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.read('b', 0, 5, 6), reg.read('b', 0, 7, 8)]
    expect(checkLinearizability(h, register).ok).toBe(true)
  })

  it('an unknown write cannot take effect before it was called', () => {
    const h = [reg.read('b', 1, 0, 2), reg.write('a', 1, 5, INFO)]
    const r = checkLinearizability(h, register)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.longestPrefix).toEqual([])
    expect(r.violation?.unplaceable.map((u) => u.index)).toEqual([0])
  })

  it('once observed, an unknown write cannot be undone: reads of 1 then 0 fail', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.read('b', 1, 1, 2), reg.read('b', 0, 3, 4)]
    expect(checkLinearizability(h, register).result).toBe('not-linearizable')
  })

  it('an unknown write can take effect late: after a later write, whose value it overwrites', () => {
    const h = [
      reg.write('a', 1, 0, INFO),
      reg.write('b', 2, 1, 2),
      reg.read('c', 2, 3, 4),
      reg.read('c', 1, 5, 6),
    ]
    expect(checkLinearizability(h, register).ok).toBe(true)
  })

  it('an unknown compare-and-set takes effect only where its compare holds', () => {
    const observed = [reg.cas('a', 0, 5, undefined, 0, INFO), reg.read('b', 5, 3, 4)]
    expect(checkLinearizability(observed, register).ok).toBe(true)
    const impossible = [
      reg.write('a', 1, 0, 1),
      reg.cas('a', 0, 5, undefined, 2, INFO),
      reg.read('b', 5, 3, 4),
    ]
    expect(checkLinearizability(impossible, register).result).toBe('not-linearizable')
  })

  it('an unknown enqueue must be in the queue when its item is dequeued, and may be lost otherwise', () => {
    const taken = [queue.enq('A', 'x', 0, INFO), queue.deq('B', 'x', 4, 5)]
    expect(checkLinearizability(taken, fifo).ok).toBe(true)
    const lost = [queue.enq('A', 'x', 0, INFO), queue.deq('B', null, 4, 5)]
    expect(checkLinearizability(lost, fifo).ok).toBe(true)
    const early = [queue.deq('B', 'x', 0, 1), queue.enq('A', 'x', 2, INFO)]
    expect(checkLinearizability(early, fifo).ok).toBe(false)
  })

  it('a history of unknown outcomes only is linearizable (each may be dropped)', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.read('b', 7, 1, INFO)]
    expect(checkLinearizability(h, register)).toMatchObject({ ok: true, stats: { visited: 0 } })
  })
})

describe('partitions (P-compositionality)', () => {
  it('finds the one bad key among several and names its partition', () => {
    const h = [
      kv.put('a', 'x', '1', 0, 1),
      kv.put('b', 'y', '1', 0, 1),
      kv.get('c', 'x', '1', 2, 3),
      kv.put('a', 'z', '9', 2, 3),
      kv.put('b', 'y', '2', 4, 5),
      kv.get('c', 'y', '1', 6, 7), // stale: y was 2 from t=5 on
      kv.get('c', 'z', '9', 6, 7),
    ]
    const r = checkLinearizability(h, keyValueSpec())
    expect(r).toMatchObject({ ok: false, result: 'not-linearizable', operations: 7, partitions: 3 })
    expect(r.violation).toMatchObject({
      partition: 1,
      operations: [1, 4, 5],
      longestPrefix: [1, 4],
      state: '2',
      unplaceable: [{ index: 5, description: 'get("y") → "1"' }],
    })
    expect(r.violation?.message).toContain('partition 1 of 3 (3 operations) is not linearizable')
  })

  it('checks each part on its own: the same history is linearizable once the bad key is fixed', () => {
    const h = [
      kv.put('a', 'x', '1', 0, 1),
      kv.get('b', 'y', '', 0, 1),
      kv.append('a', 'x', '2', 2, 3),
      kv.get('b', 'x', '12', 4, 5),
    ]
    expect(checkLinearizability(h, keyValueSpec())).toMatchObject({ ok: true, partitions: 2 })
  })

  it('finds a quick violation in one part while another part is hard (searched in turns)', () => {
    // 14 concurrent appends of distinct values and a read no order explains: every order of
    // the appends is a distinct state, billions of configurations, before "not linearizable".
    const hard: Operation<KeyValueInput, KeyValueOutput>[] = []
    for (let i = 0; i < 14; i++)
      hard.push(kv.append(`c${i}`, 'hard', String.fromCharCode(97 + i), 0, 100))
    hard.push(kv.get('r', 'hard', 'impossible', 101, 102))
    const quick = [kv.put('q', 'quick', '1', 0, 1), kv.get('q', 'quick', '', 2, 3)]
    // The hard part comes first; with the parts searched one after the other it would hold
    // the search for hours, and the budget (a guard against a hang, not a timing) would end
    // it as 'unknown'.
    const r = checkLinearizability([...hard, ...quick], keyValueSpec(), { timeoutMs: 60_000 })
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.partition).toBe(1)
    expect(r.violation?.unplaceable.map((u) => u.index)).toEqual([16])
  })
})

describe('the time budget', () => {
  /** 14 concurrent appends and an impossible read: no verdict within any test's patience. */
  function hardHistory(): Operation<KeyValueInput, KeyValueOutput>[] {
    const h: Operation<KeyValueInput, KeyValueOutput>[] = []
    for (let i = 0; i < 14; i++)
      h.push(kv.append(`c${i}`, 'k', String.fromCharCode(97 + i), 0, 100))
    h.push(kv.get('r', 'k', 'impossible', 101, 102))
    return h
  }

  it('runs out as unknown, ok: false, with the reason naming the budget', () => {
    const r = checkLinearizability(hardHistory(), keyValueSpec(), { timeoutMs: 50 })
    expect(r.ok).toBe(false)
    expect(r.result).toBe('unknown')
    expect(r.violation).toBeUndefined()
    expect(r.reason).toMatch(
      /^the time budget of 50 ms \(timeoutMs\) ran out before a verdict: 0 of 1 partition decided, \d+ configurations explored/,
    )
    expect(r.stats.visited).toBeGreaterThan(0)
  })

  it('never turns into ok: true, however small', () => {
    for (const timeoutMs of [1, 5, 20]) {
      const r = checkLinearizability(hardHistory(), keyValueSpec(), { timeoutMs })
      expect(r.ok).toBe(false)
      expect(r.result).toBe('unknown')
    }
  })

  it('is read often enough that a slow step or many partitions cannot overrun it far', () => {
    // A step of 2 ms: one turn of a partition is 1,024 steps (2 s), so a budget read only
    // between turns would overrun 20 ms a hundred times over.
    const slow: SequentialSpec<string, KeyValueInput, KeyValueOutput> = {
      ...keyValueSpec(),
      step(state, input, output) {
        const until = performance.now() + 2
        while (performance.now() < until) {}
        return keyValueSpec().step(state, input, output)
      },
    }
    const started = performance.now()
    const r = checkLinearizability(hardHistory(), slow, { timeoutMs: 20 })
    expect(r.result).toBe('unknown')
    expect(performance.now() - started).toBeLessThan(1000)

    // 2,000 hard keys: a round gives each of them a turn of 1,024 steps.
    const keys: Operation<KeyValueInput, KeyValueOutput>[] = []
    for (let k = 0; k < 2000; k++) {
      for (let i = 0; i < 12; i++) keys.push(kv.append(`c${i}`, `k${k}`, String(i), 0, 100))
      keys.push(kv.get('r', `k${k}`, 'impossible', 101, 102))
    }
    const again = performance.now()
    const many = checkLinearizability(keys, keyValueSpec(), { timeoutMs: 20 })
    expect(many.result).toBe('unknown')
    expect(many.reason).toContain('0 of 2000 partitions decided')
    expect(performance.now() - again).toBeLessThan(1000)
  })

  it('does not hold back a verdict reached within it', () => {
    const h = [reg.write('a', 1, 0, 2), reg.read('b', 0, 3, 5)]
    expect(checkLinearizability(h, register, { timeoutMs: 60_000 }).result).toBe('not-linearizable')
  })
})

describe('deep histories: an explicit stack, no recursion', () => {
  function sequential(n: number): Operation<RegisterInput<number>, RegisterOutput<number>>[] {
    const h = []
    for (let i = 0; i < n; i++) {
      h.push(
        i % 2 === 0
          ? reg.write(`c${i % 5}`, i, 2 * i, 2 * i + 1)
          : reg.read(`c${i % 5}`, i - 1, 2 * i, 2 * i + 1),
      )
    }
    return h
  }

  it('checks 20,000 sequential operations', () => {
    const r = checkLinearizability(sequential(20_000), register)
    expect(r).toMatchObject({ ok: true, operations: 20_000 })
    expect(r.stats.visited).toBe(20_000)
  })

  it('checks 100,000 operations on 50,000 keys, one small partition each', () => {
    // Every key's search is made at its turn and dropped once decided: 50,000 searches alive
    // at once (with tables sized for big partitions) took gigabytes.
    const h: Operation<KeyValueInput, KeyValueOutput>[] = []
    for (let k = 0; k < 50_000; k++) {
      h.push(
        kv.put('a', `k${k}`, 'v', 2 * k, 2 * k + 1),
        kv.get('b', `k${k}`, 'v', 2 * k, 2 * k + 1),
      )
    }
    const r = checkLinearizability(h, keyValueSpec())
    expect(r).toMatchObject({ ok: true, operations: 100_000, partitions: 50_000 })
    // Two configurations per key: its put placed, then its get.
    expect(r.stats.visited).toBe(100_000)
    h[99_999] = kv.get('b', 'k49999', 'w', 99_998, 99_999)
    const bad = checkLinearizability(h, keyValueSpec())
    expect(bad.violation).toMatchObject({ partition: 49_999, operations: [99_998, 99_999] })
  })

  it('reports the 19,999-operation prefix of a deep history that fails at its last operation', () => {
    const h = sequential(20_000)
    h[19_999] = reg.read('c4', 7, 2 * 19_999, 2 * 19_999 + 1)
    const r = checkLinearizability(h, register)
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.longestPrefix).toHaveLength(19_999)
    expect(r.violation?.longestPrefix.slice(0, 3)).toEqual([0, 1, 2])
    expect(r.violation?.unplaceable.map((u) => u.index)).toEqual([19_999])
    expect(r.violation?.message).toContain('places 19999: …, ')
  })
})

describe('state equality', () => {
  it("uses the spec's equal when it has one: states with functions need it", () => {
    type S = { value: number; log: () => number }
    const spec: SequentialSpec<S, number, number> = {
      init: () => ({ value: 0, log: () => 0 }),
      step: (s, input, output) => [output === s.value, { value: input, log: () => input }],
      equal: (a, b) => a.value === b.value,
    }
    const h: Operation<number, number>[] = [
      { client: 'a', input: 1, call: 0, output: 0, return: 1 },
      { client: 'b', input: 2, call: 2, output: 1, return: 3 },
    ]
    expect(checkLinearizability(h, spec).ok).toBe(true)
    const { equal: _, ...withoutEqual } = spec
    expect(() => checkLinearizability(h, withoutEqual)).toThrow(
      /after 1 \(operation 0 of the history\), cannot fingerprint a function .*give the spec an equal\(a, b\)/,
    )
  })

  it('memoises by state structure: equal states reached by different orders are explored once', () => {
    // n concurrent writes of the same value: every order reaches the same state.
    const h = Array.from({ length: 12 }, (_, i) => reg.write(`c${i}`, 7, 0, 10))
    h.push(reg.read('r', 3, 11, 12))
    const r = checkLinearizability(h, register)
    expect(r.result).toBe('not-linearizable')
    // One configuration per subset of the writes (2^12), not one per order (12!).
    expect(r.stats.visited).toBe(2 ** 12 - 1)
  })
})

describe("the spec's hash, with equal", () => {
  /** n concurrent appends of distinct letters and a read no order explains: n! distinct states. */
  function appends(n: number): Operation<KeyValueInput, KeyValueOutput>[] {
    const h = Array.from({ length: n }, (_, i) =>
      kv.append(`c${i}`, 'k', String.fromCharCode(97 + i), 0, 10),
    )
    h.push(kv.get('r', 'k', 'impossible', 11, 12))
    return h
  }
  const counted = (hash?: (s: string) => number) => {
    const calls = { equal: 0 }
    const spec: SequentialSpec<string, KeyValueInput, KeyValueOutput> = {
      ...keyValueSpec(),
      equal: (a, b) => {
        calls.equal++
        return a === b
      },
      ...(hash && { hash }),
    }
    return { spec, calls }
  }

  it('files states by it, so a new state is compared only with states of the same hash', () => {
    const plain = checkLinearizability(appends(7), keyValueSpec())
    const without = counted()
    const r1 = checkLinearizability(appends(7), without.spec)
    const withHash = counted((s) => {
      let x = 0
      for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193)
      return x
    })
    const r2 = checkLinearizability(appends(7), withHash.spec)
    expect(r1.stats.visited).toBe(plain.stats.visited)
    expect(r2.stats.visited).toBe(plain.stats.visited)
    expect(r2.result).toBe('not-linearizable')
    // Without a hash, each new state meets every state reached with the same set of appends.
    expect(without.calls.equal).toBeGreaterThan(10 * plain.stats.visited)
    expect(withHash.calls.equal).toBeLessThan(100)
  })

  it('one that breaks the rule costs memoisation, never a verdict', () => {
    let n = 0
    // Eight writes: enough to tell orders (8! = 40,320) from sets (2^8 = 256), small enough to
    // stay quick on a loaded machine (ten took 10 s alone and timed out under load).
    const h = Array.from({ length: 8 }, (_, i) => reg.write(`c${i}`, 7, 0, 10))
    h.push(reg.read('r', 3, 11, 12))
    const r = checkLinearizability(h, { ...register, equal: (a, b) => a === b, hash: () => n++ })
    expect(r.result).toBe('not-linearizable')
    // Equal states are no longer found: one configuration per order of the writes, not per set.
    expect(r.stats.visited).toBeGreaterThan(2 ** 8)
    h.pop()
    expect(
      checkLinearizability(h, { ...register, equal: (a, b) => a === b, hash: () => n++ }).ok,
    ).toBe(true)
  })

  it('is refused without equal, when it returns no number, and named when it throws', () => {
    const h = [reg.write('a', 1, 0, 1)]
    expect(() => checkLinearizability(h, { ...register, hash: () => 0 })).toThrow(
      /^the spec has hash but no equal/,
    )
    const eq = { ...register, equal: (a: number | null, b: number | null) => a === b }
    expect(() => checkLinearizability(h, { ...eq, hash: () => 'x' as unknown as number })).toThrow(
      `the spec's hash returned "x" for the state 1: it must return a number`,
    )
    expect(() =>
      checkLinearizability(h, {
        ...eq,
        hash: () => {
          throw new RangeError('no')
        },
      }),
    ).toThrow(/hash .*threw RangeError: no/)
  })
})

describe('results', () => {
  it('are plain data, the same on every run', () => {
    const h = [reg.write('a', 1, 0, 10), reg.read('b', 1, 1, 2), reg.read('c', 0, 3, 4)]
    const a = checkLinearizability(h, register)
    const b = checkLinearizability(h, register)
    expect(structuredClone({ ...a, stats: { ...a.stats, durationMs: 0 } })).toEqual({
      ...b,
      stats: { ...b.stats, durationMs: 0 },
    })
  })

  it('an empty history is linearizable, with no partition', () => {
    expect(checkLinearizability([], register)).toMatchObject({
      ok: true,
      operations: 0,
      partitions: 0,
    })
    expect(checkLinearizability([], keyValueSpec())).toMatchObject({ ok: true, partitions: 0 })
  })
})
