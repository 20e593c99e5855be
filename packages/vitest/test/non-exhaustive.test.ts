// A search that is not exhaustive passes a matcher or modelTest only when the test opts in
// with `exhaustive: false`, and the coverage is recorded with the test.
import { action, defineModel, SeedConfigError } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import type { MusilTaskMeta } from '../src/context.ts'
import { modelTest } from '../src/index.ts'
import { failureOf } from './helpers.ts'

const wide = defineModel<{ a: number; b: number }>({
  name: 'wide',
  init: { a: 0, b: 0 },
  actions: [
    action(
      'a',
      (s) => s.a < 300,
      (s) => ({ ...s, a: s.a + 1 }),
    ),
    action(
      'b',
      (s) => s.b < 300,
      (s) => ({ ...s, b: s.b + 1 }),
    ),
  ],
  invariants: { inRange: (s) => s.a <= 300 && s.b <= 300 },
  terminal: () => true,
})

describe('exhaustive: false', () => {
  it('is needed for a random walk to pass toBeSafe, and the failure says so', () => {
    const f = failureOf(() => expect(wide).toBeSafe({ mode: 'random-walk', walks: 20 }))
    expect(f.message).toContain('search incomplete, so it proves nothing either way: random walk:')
    expect(f.message).toContain(
      'a random walk is never exhaustive: pass exhaustive: false to accept its coverage',
    )
  })

  it('lets a random walk pass and records its coverage with the test', ({ task }) => {
    expect(wide).toBeSafe({ mode: 'random-walk', walks: 20, seed: 4, exhaustive: false })
    const meta = task.meta.musil as MusilTaskMeta
    expect(meta.coverage).toMatch(
      /^20 random walks of at most 100 steps \(seed 4\) covered [\d,]+ distinct states; exhaustive: no$/,
    )
  })

  it('lets a bounded breadth-first search pass toBeDeadlockFree', ({ task }) => {
    expect(wide).toBeDeadlockFree({ maxStates: 100, exhaustive: false })
    expect((task.meta.musil as MusilTaskMeta).coverage).toBe(
      'a breadth-first search cut by maxStates covered 100 distinct states; exhaustive: no',
    )
    expect(() => expect(wide).toBeDeadlockFree({ maxStates: 100 })).toThrow(/search incomplete/)
  })

  it('does not hide a violation a random walk finds', () => {
    const f = failureOf(() =>
      expect(dieHard()).toBeSafe({ mode: 'random-walk', seed: 1, exhaustive: false }),
    )
    expect(f.message).toContain('invariant bigNotFour violated after 6 steps')
    expect(dieHard()).not.toBeSafe({ mode: 'random-walk', seed: 1, exhaustive: false })
  })
})

modelTest('a random walk of a wide model, accepted as a sample', wide, {
  mode: 'random-walk',
  walks: 50,
  exhaustive: false,
})

describe('modelTest refuses options its search would ignore', () => {
  it('refuses liveness with a random walk or a swarm, which check none', () => {
    const liveness = { goal: (s: { big: number }) => s.big === 4 }
    expect(() =>
      modelTest('x', dieHard(), { mode: 'random-walk', liveness, exhaustive: false }),
    ).toThrow(/liveness is not checked by a random walk/)
    expect(() => modelTest('x', dieHard(), { swarm: {}, liveness, exhaustive: false })).toThrow(
      /liveness is not checked by a swarm shard/,
    )
  })

  it('refuses breadth-first bounds next to swarm, and an exhaustive that is not a boolean', () => {
    expect(() =>
      modelTest('x', dieHard(), { swarm: {}, maxStates: 10, maxDepth: 3, exhaustive: false }),
    ).toThrow(/maxStates, maxDepth would be ignored: a swarm shard searches within swarm/)
    expect(() => modelTest('x', dieHard(), { exhaustive: 'no' as never })).toThrow(
      /exhaustive must be true or false/,
    )
  })

  it('refuses a seed that breaks the one seed rule at registration, swarm or random walk', () => {
    for (const seed of [-1, 1.5, 2 ** 53]) {
      expect(() => modelTest('x', dieHard(), { swarm: { seed }, exhaustive: false })).toThrow(
        `modelTest('x') swarm.seed: seed ${seed} is not a seed; seeds are non-negative safe integers`,
      )
      expect(() =>
        modelTest('x', dieHard(), { mode: 'random-walk', seed, exhaustive: false }),
      ).toThrow(SeedConfigError)
    }
  })
})
