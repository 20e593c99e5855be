import { readFileSync } from 'node:fs'
import {
  checkLinearizability,
  type EdnValue,
  type HistoryFormatError,
  independentKeys,
  jepsenKeyValue,
  jepsenRegister,
  keyValueSpec,
  OptionsError,
  readJepsenHistory,
  readJepsenLog,
  registerSpec,
} from '@musil/core'
import { describe, expect, test } from 'vitest'

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')

function failure(read: () => unknown): HistoryFormatError {
  try {
    read()
  } catch (e) {
    expect((e as Error).name).toBe('HistoryFormatError')
    return e as HistoryFormatError
  }
  throw new Error('no error')
}

const edn = (...lines: string[]) => `${lines.join('\n')}\n`

describe('readJepsenHistory', () => {
  test('pairs each invocation with its completion: ok returns, info and no completion never do, fail is dropped', () => {
    const ops = readJepsenHistory(
      edn(
        '{:type :invoke, :f :write, :value 3, :process 0, :time 10, :index 0}',
        '{:type :invoke, :f :read, :value nil, :process 1, :time 12, :index 1}',
        '{:type :info, :f :start, :value nil, :process :nemesis, :time 13, :index 2}',
        '{:type :ok, :f :write, :value 3, :process 0, :time 15, :index 3}',
        '{:type :ok, :f :read, :value 3, :process 1, :time 20, :index 4}',
        '{:type :invoke, :f :cas, :value [3 4], :process 0, :time 21, :index 5}',
        '{:type :fail, :f :cas, :value [3 4], :process 0, :time 22, :index 6}',
        '{:type :invoke, :f :write, :value 5, :process 1, :time 23, :index 7}',
        '{:type :info, :f :write, :value 5, :process 1, :time 24, :index 8}',
        '{:type :invoke, :f :read, :value nil, :process 6, :time 25, :index 9}',
      ),
    )
    expect(ops).toEqual([
      { client: 0, input: { f: 'write', value: 3 }, call: 0, output: 3, return: 3 },
      { client: 1, input: { f: 'read', value: null }, call: 1, output: 3, return: 4 },
      { client: 1, input: { f: 'write', value: 5 }, call: 7, output: undefined, return: Infinity },
      {
        client: 6,
        input: { f: 'read', value: null },
        call: 9,
        output: undefined,
        return: Infinity,
      },
    ])
  })

  test("clock: 'time' takes :time; without :index the clock is the events' order", () => {
    const text = edn(
      '{:type :invoke, :f :read, :process 0, :time 100}',
      '{:type :ok, :f :read, :value 1, :process 0, :time 250}',
    )
    expect(readJepsenHistory(text, { clock: 'time' })[0]).toMatchObject({ call: 100, return: 250 })
    expect(readJepsenHistory(text)[0]).toMatchObject({ call: 0, return: 1 })
    const noTime = failure(() =>
      readJepsenHistory(edn('{:type :invoke, :f :read, :process 0}'), { clock: 'time' }),
    )
    expect(noTime.message).toMatch(/line 1: clock: 'time' needs a :time on every event/)
  })

  test("failed: 'keep' hands failures to the mapping, with their return time", () => {
    const text = edn(
      '{:type :invoke, :f :cas, :value [1 2], :process 0}',
      '{:type :fail, :f :cas, :value [1 2], :process 0}',
    )
    expect(readJepsenHistory(text, { operation: jepsenRegister })).toEqual([])
    expect(readJepsenHistory(text, { operation: jepsenRegister, failed: 'keep' })).toEqual([
      { client: 0, input: { op: 'cas', from: 1, to: 2 }, call: 0, output: false, return: 1 },
    ])
  })

  test('independent: true splits [key value] tuples; the mapping sees key and value', () => {
    const ops = readJepsenHistory(fixture('independent-ok.edn'), {
      independent: true,
      operation: jepsenRegister,
    })
    expect(ops[0]).toEqual({
      client: 0,
      input: { op: 'write', value: 3, key: 1 },
      call: 0,
      output: undefined,
      return: 2,
    })
    expect(ops.map((o) => o.input.key)).toEqual([1, 2, 1, 2, 2])
    const bad = failure(() =>
      readJepsenHistory(edn('{:type :invoke, :f :read, :value nil, :process 0}'), {
        independent: true,
      }),
    )
    expect(bad.message).toMatch(/line 1: independent: true expects :value \[key value\], got null/)
  })

  test('malformed events name their line and what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{:type :invoke, :f :read}', /line 1: the event has no :process/],
      [
        '{:type :begin, :f :read, :process 0}',
        /line 1: :type must be :invoke, :ok, :fail or :info/,
      ],
      ['{:type :invoke, :f 3, :process 0}', /line 1: :f must be a keyword such as :read, got 3/],
      ['[1 2]', /line 1: expected an event map/],
      [
        edn('{:type :invoke, :f :read, :process 0}', '{:type :invoke, :f :write, :process 0}'),
        /line 2: process 0 invokes :write while its :read from line 1 has not completed/,
      ],
      [
        edn('{:type :invoke, :f :read, :process 0}', '{:type :ok, :f :read, :process 1}'),
        /line 2: :ok of process 1 completes nothing/,
      ],
      [
        edn('{:type :invoke, :f :read, :process 0}', '{:type :ok, :f :write, :process 0}'),
        /line 2: :ok :write of process 0 completes an :invoke :read \(line 1\)/,
      ],
      ['{:type :invoke, :f :read, :process 0', /line 1, column 1: unclosed '\{'/],
    ]
    for (const [text, message] of cases) {
      const e = failure(() => readJepsenHistory(text, { source: 'run/history.edn' }))
      expect(e.message).toMatch(message)
      expect(e.message.startsWith('run/history.edn line')).toBe(true)
      expect(e.source).toBe('run/history.edn')
    }
    const mapped = failure(() =>
      readJepsenHistory(
        edn('{:type :invoke, :f :inc, :process 0}', '{:type :ok, :f :inc, :process 0}'),
        { operation: jepsenRegister },
      ),
    )
    expect(mapped.line).toBe(2)
    expect(mapped.message).toMatch(
      /line 2: the operation mapping rejected :inc of process 0 \(invoked on line 1\): jepsenRegister maps :read, :write and :cas, not :inc/,
    )
  })

  test('unknown options are rejected', () => {
    const e = (() => {
      try {
        readJepsenHistory('', { indepedent: true } as never)
      } catch (e) {
        return e
      }
    })()
    expect(e).toBeInstanceOf(OptionsError)
    expect((e as OptionsError).suggestion).toBe('independent')
    expect(() => readJepsenHistory('', { failed: 'kept' as never })).toThrow(
      "readJepsenHistory(): failed must be 'drop' or 'keep', got \"kept\"",
    )
    expect(() => readJepsenLog('', { clock: 'wall' as never })).toThrow(
      /readJepsenLog\(\): clock must be 'index' or 'time'/,
    )
  })
})

describe('readJepsenLog', () => {
  test('reads the jepsen.util lines of a log and ignores the rest', () => {
    const ops = readJepsenLog(fixture('register-ok.log'), {
      operation: jepsenRegister,
      failed: 'keep',
    })
    expect(ops.map((o) => [o.client, o.input, o.output, o.return])).toEqual([
      [0, { op: 'write', value: 1 }, undefined, 2],
      [1, { op: 'read' }, 1, 3],
      [2, { op: 'cas', from: 1, to: 2 }, true, 6],
      [0, { op: 'cas', from: 1, to: 3 }, false, 7],
      [1, { op: 'write', value: 4 }, undefined, Infinity],
      [2, { op: 'read' }, 4, 11],
      [6, { op: 'read' }, 4, 15],
    ])
  })

  test('a malformed operation line is named; there is no time clock', () => {
    const e = failure(() => readJepsenLog('INFO  jepsen.util - 0\t:invoke\n'))
    expect(e.message).toMatch(/^jepsen.log line 1: expected 'process type f value', got 2 fields/)
    expect(() => readJepsenLog('', { clock: 'time' })).toThrow(/a Jepsen log has no times/)
  })
})

describe('verdicts on histories in Jepsen and Porcupine formats', () => {
  // Hand-made, in the formats of Porcupine's test data (jepsen.util logs of a register, EDN
  // key-value logs) and of Jepsen's history.edn; bench/porcupine-parity.ts checks that
  // Porcupine gives the same verdicts.
  const register = registerSpec<EdnValue>()
  const logVerdict = (name: string, failed: 'keep' | 'drop') =>
    checkLinearizability(
      readJepsenLog(fixture(name), { operation: jepsenRegister, failed }),
      register,
    ).result

  test('register logs: timeouts that were observed, failed cas, a failed read', () => {
    expect(logVerdict('register-ok.log', 'keep')).toBe('linearizable')
    expect(logVerdict('register-ok.log', 'drop')).toBe('linearizable')
  })

  test('a stale read after a completed write is not linearizable', () => {
    const r = checkLinearizability(
      readJepsenLog(fixture('register-stale-read.log'), { operation: jepsenRegister }),
      register,
    )
    expect(r.result).toBe('not-linearizable')
    expect(r.violation?.unplaceable.map((u) => u.description)).toContain('read() → 1')
  })

  test("a cas that failed although it would have matched: illegal as Porcupine reads failures ('keep'), fine as Knossos does ('drop')", () => {
    expect(logVerdict('register-failed-cas.log', 'keep')).toBe('not-linearizable')
    expect(logVerdict('register-failed-cas.log', 'drop')).toBe('linearizable')
  })

  test('key-value logs: one bad key fails the history', () => {
    const kv = (name: string) =>
      checkLinearizability(
        readJepsenHistory(fixture(name), { operation: jepsenKeyValue }),
        keyValueSpec(),
      )
    expect(kv('kv-ok.edn').result).toBe('linearizable')
    const bad = kv('kv-bad.edn')
    expect(bad.result).toBe('not-linearizable')
    expect(bad.partitions).toBe(2)
    expect(bad.violation?.unplaceable.map((u) => u.description)).toContain('get("x") → "ba"')
  })

  test('independent keys: a stale read on key 2 fails, key 1 is fine', () => {
    const spec = independentKeys(register)
    const read = (name: string) =>
      readJepsenHistory(fixture(name), { independent: true, operation: jepsenRegister })
    expect(checkLinearizability(read('independent-ok.edn'), spec).result).toBe('linearizable')
    const bad = checkLinearizability(read('independent-bad.edn'), spec)
    expect(bad.result).toBe('not-linearizable')
    expect(bad.partitions).toBe(2)
    expect(bad.violation?.unplaceable.map((u) => u.description)).toContain('[2] read() → null')
    // Without the key the two registers are one, and key 2's read of nil after key 1's write
    // of 3 is stale.
    const merged = readJepsenHistory(fixture('independent-ok.edn'), {
      independent: true,
      operation: (i, c) => {
        const m = jepsenRegister(i, c)
        if (m === undefined) return undefined
        const { key: _, ...input } = m.input
        return { input, output: m.output }
      },
    })
    expect(checkLinearizability(merged, register).result).toBe('not-linearizable')
  })

  test("independentKeys splits by key, then by the spec's own partition", () => {
    const write = (key: EdnValue, value: number, call: number) => ({
      client: call,
      input: { op: 'write' as const, value, key },
      call,
      output: undefined,
      return: call + 1,
    })
    const history = [write([1, 2], 5, 0), write([1, 2], 6, 2), write(3, 7, 4)]
    expect(independentKeys(register).partition!(history).map((p) => p.length)).toEqual([2, 1])
    const alone = { ...register, partition: <T>(h: readonly T[]) => h.map((o) => [o]) }
    expect(independentKeys(alone).partition!(history).map((p) => p.length)).toEqual([1, 1, 1])
  })

  test('independentKeys describes an operation with its output when the spec cannot, and keeps equal and hash', () => {
    const plain = {
      init: () => 0,
      step: (s: number, _input: { key?: unknown }, o: unknown) => [o === s, s] as const,
    }
    const keyed = independentKeys(plain)
    expect(keyed.describeOperation!({ key: 1 }, 7)).toBe('[1] {key: 1} → 7')
    expect(keyed.describeOperation!({ key: 1 }, undefined)).toBe('[1] {key: 1} → ?')
    const eq = { ...plain, equal: (a: number, b: number) => a === b, hash: (s: number) => s }
    expect(independentKeys(eq)).toMatchObject({ equal: eq.equal, hash: eq.hash })
  })
})
