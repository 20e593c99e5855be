/**
 * The checker against two things that are linearizable or not by construction: histories made
 * by running a spec with each operation's interval around its linearization point, and a
 * brute-force oracle that tries every order of a small history.
 */
import {
  checkLinearizability,
  type KeyValueInput,
  keyValueSpec,
  type MutexInput,
  mutexSpec,
  type Operation,
  type QueueInput,
  queueSpec,
  type RegisterInput,
  registerSpec,
  type SequentialSpec,
  type SetInput,
  setSpec,
} from '@musil/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/** What the object does on `input` in `state`: the output a correct implementation returns. */
type Run<S, I, O> = (state: S, input: I) => O

/**
 * A history in which operation i takes effect at time 10·i, inside its interval
 * [10·i - before, 10·i + after]: linearizable by construction, concurrent wherever the
 * intervals overlap. Some operations never return (unknown outcome) though they took effect.
 */
function runHistory<S, I, O>(
  spec: SequentialSpec<S, I, O>,
  run: Run<S, I, O>,
  steps: readonly { input: I; before: number; after: number; client: number; lost: boolean }[],
): Operation<I, O>[] {
  let state = spec.init()
  return steps.map(({ input, before, after, client, lost }, i) => {
    const output = run(state, input)
    const [legal, next] = spec.step(state, input, output)
    if (!legal) throw new Error(`the test's run() disagrees with the spec at step ${i}`)
    state = next
    const t = 10 * i
    return {
      client,
      input,
      call: t - before,
      output: lost ? (undefined as O) : output,
      return: lost ? Number.POSITIVE_INFINITY : t + after,
    }
  })
}

function stepsOf<I>(input: fc.Arbitrary<I>, maxLength: number) {
  return fc.array(
    fc.record({
      input,
      before: fc.integer({ min: 0, max: 25 }),
      after: fc.integer({ min: 0, max: 25 }),
      client: fc.integer({ min: 0, max: 4 }),
      lost: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    }),
    { maxLength },
  )
}

const value = fc.integer({ min: 0, max: 3 })
const registerInput: fc.Arbitrary<RegisterInput<number>> = fc.oneof(
  fc.constant({ op: 'read' as const }),
  value.map((v) => ({ op: 'write' as const, value: v })),
  fc.tuple(value, value).map(([from, to]) => ({ op: 'cas' as const, from, to })),
)
const queueInput: fc.Arbitrary<QueueInput<number>> = fc.oneof(
  value.map((v) => ({ op: 'enqueue' as const, value: v })),
  fc.constant({ op: 'dequeue' as const }),
)
const setInput: fc.Arbitrary<SetInput<number>> = fc
  .tuple(fc.constantFrom('add' as const, 'remove' as const, 'contains' as const), value)
  .map(([op, v]) => ({ op, value: v }))
const mutexInput: fc.Arbitrary<MutexInput> = fc
  .tuple(fc.constantFrom('acquire' as const, 'release' as const), fc.constantFrom('a', 'b', 'c'))
  .map(([op, owner]) => ({ op, owner }))
const kvInput: fc.Arbitrary<KeyValueInput> = fc.oneof(
  fc.constantFrom('x', 'y').map((key) => ({ op: 'get' as const, key })),
  fc
    .tuple(
      fc.constantFrom('put' as const, 'append' as const),
      fc.constantFrom('x', 'y'),
      fc.constantFrom('1', '2'),
    )
    .map(([op, key, v]) => ({ op, key, value: v })),
)

const runs = {
  register: (s: number | null, i: RegisterInput<number>) =>
    i.op === 'read' ? s : i.op === 'cas' ? s === i.from : undefined,
  queue: (s: readonly number[], i: QueueInput<number>) =>
    i.op === 'dequeue' ? (s[0] ?? null) : undefined,
  set: (s: ReadonlySet<number>, i: SetInput<number>) =>
    i.op === 'add' ? !s.has(i.value) : s.has(i.value),
  mutex: (s: string | number | null, i: MutexInput) =>
    i.op === 'acquire' ? s === null : s === i.owner,
  kv: (s: string, i: KeyValueInput) => (i.op === 'get' ? s : undefined),
}

describe('histories made by running the spec are linearizable', () => {
  const cases = [
    ['register', registerSpec<number>(), runs.register, registerInput],
    ['queue', queueSpec<number>(), runs.queue, queueInput],
    ['set', setSpec<number>(), runs.set, setInput],
    ['mutex', mutexSpec(), runs.mutex, mutexInput],
  ] as const
  for (const [name, spec, run, input] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(stepsOf(input as fc.Arbitrary<unknown>, 60), (steps) => {
          const h = runHistory(
            spec as SequentialSpec<unknown, unknown, unknown>,
            run as Run<unknown, unknown, unknown>,
            steps,
          )
          const r = checkLinearizability(h, spec as SequentialSpec<unknown, unknown, unknown>)
          expect(r.violation?.message).toBeUndefined()
          expect(r.ok).toBe(true)
        }),
        { numRuns: 150 },
      )
    })
  }

  it('key-value (one key at a time, as the spec partitions it)', () => {
    fc.assert(
      fc.property(stepsOf(kvInput, 60), (steps) => {
        // The spec's state is one key's value, so run each key's operations on their own.
        const byKey = new Map<string, typeof steps>()
        for (const s of steps) byKey.set(s.input.key, [...(byKey.get(s.input.key) ?? []), s])
        const h = [...byKey.values()].flatMap((part) => runHistory(keyValueSpec(), runs.kv, part))
        expect(checkLinearizability(h, keyValueSpec()).ok).toBe(true)
      }),
      { numRuns: 100 },
    )
  })
})

/**
 * The definition, tried exhaustively: every order of the operations in which each is placed
 * only after every operation that returned before its call, and every step is legal. The
 * history is linearizable when one such order places every operation with a known outcome (one
 * of unknown outcome may be left out); `longest` is the most operations any order places.
 */
function bruteForce<S, I, O>(
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
): { linearizable: boolean; longest: number } {
  const placed = new Array<boolean>(history.length).fill(false)
  const known = history.filter((op) => op.return !== Number.POSITIVE_INFINITY).length
  let linearizable = false
  let longest = 0
  const search = (state: S, depth: number, knownLeft: number): void => {
    longest = Math.max(longest, depth)
    if (knownLeft === 0) linearizable = true
    for (let x = 0; x < history.length; x++) {
      const op = history[x]!
      if (placed[x] || history.some((y, j) => !placed[j] && y.return < op.call)) continue
      const [legal, next] = spec.step(state, op.input, op.output)
      if (!legal) continue
      placed[x] = true
      search(next, depth + 1, knownLeft - (op.return === Number.POSITIVE_INFINITY ? 0 : 1))
      placed[x] = false
    }
  }
  search(spec.init(), 0, known)
  return { linearizable, longest }
}

/** Whether the brute force finds a linearization. */
function oracle<S, I, O>(
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
): boolean {
  return bruteForce(history, spec).linearizable
}

/**
 * A violation's claims, checked against the definition: its prefix is a real-time-respecting
 * order of legal steps, as long as any, leading to its state, where each operation it names may
 * come next but is refused.
 */
function expectSoundViolation<S, I, O>(
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
): void {
  const { violation } = checkLinearizability(history, spec)
  if (violation === undefined) return
  const placed = new Set<number>()
  let state = spec.init()
  for (const i of violation.longestPrefix) {
    expect(history.some((y, j) => !placed.has(j) && j !== i && y.return < history[i]!.call)).toBe(
      false,
    )
    const [legal, next] = spec.step(state, history[i]!.input, history[i]!.output)
    expect(legal).toBe(true)
    placed.add(i)
    state = next
  }
  expect(state).toEqual(violation.state)
  expect(violation.longestPrefix.length).toBe(bruteForce(history, spec).longest)
  expect(violation.unplaceable.length).toBeGreaterThan(0)
  for (const u of violation.unplaceable) {
    expect(placed.has(u.index)).toBe(false)
    expect(spec.step(state, u.operation.input, u.operation.output)[0]).toBe(false)
  }
}

function concurrentHistory<I, O>(input: fc.Arbitrary<I>, output: fc.Arbitrary<O>) {
  return fc.array(
    fc
      .record({
        client: fc.integer({ min: 0, max: 3 }),
        input,
        output,
        call: fc.integer({ min: 0, max: 12 }),
        duration: fc.integer({ min: 0, max: 6 }),
        lost: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
      })
      .map(
        ({ client, input, output, call, duration, lost }): Operation<I, O> => ({
          client,
          input,
          output: lost ? (undefined as O) : output,
          call,
          return: lost ? Number.POSITIVE_INFINITY : call + duration,
        }),
      ),
    { minLength: 1, maxLength: 7 },
  )
}

describe('agrees with a brute-force oracle on small concurrent histories (≤ 7 operations), verdict and violation', () => {
  it('registers', () => {
    const spec = registerSpec<number>({ initial: 0 })
    const output = fc.oneof(value, fc.boolean(), fc.constant(undefined))
    let seen = { yes: 0, no: 0 }
    fc.assert(
      fc.property(concurrentHistory(registerInput, output), (h) => {
        const expected = oracle(h, spec)
        seen = expected ? { ...seen, yes: seen.yes + 1 } : { ...seen, no: seen.no + 1 }
        expect(checkLinearizability(h, spec).ok).toBe(expected)
        expectSoundViolation(h, spec)
      }),
      { numRuns: 1500 },
    )
    // Both verdicts were exercised, not just one.
    expect(Math.min(seen.yes, seen.no)).toBeGreaterThan(100)
  })

  it('queues', () => {
    const spec = queueSpec<number>()
    const output = fc.oneof(value, fc.constant(null), fc.constant(undefined))
    fc.assert(
      fc.property(concurrentHistory(queueInput, output), (h) => {
        expect(checkLinearizability(h, spec).ok).toBe(oracle(h, spec))
        expectSoundViolation(h, spec)
      }),
      { numRuns: 1000 },
    )
  })

  it('key-value stores (partitioned by key), against the whole store unpartitioned', () => {
    // The oracle's spec holds every key: it checks what partitioning claims, not assumes it.
    const wholeStore: SequentialSpec<
      Readonly<Record<string, string>>,
      KeyValueInput,
      string | undefined
    > = {
      init: () => ({}),
      step(state, input, output) {
        const current = state[input.key] ?? ''
        if (input.op === 'get') return [output === undefined || output === current, state]
        const next = input.op === 'put' ? input.value : current + input.value
        return [true, { ...state, [input.key]: next }]
      },
    }
    const spec = keyValueSpec()
    const output = fc.constantFrom('', '1', '2', '12', '21', undefined)
    fc.assert(
      fc.property(concurrentHistory(kvInput, output), (h) => {
        expect(checkLinearizability(h, spec).ok).toBe(oracle(h, wholeStore))
      }),
      { numRuns: 1000 },
    )
  })
})
