import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { action, defineModel } from '@musil/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { converged, routeDeliveryDesign } from '../../../examples/route-delivery/route-delivery.ts'
import { type ConvergeMatcherOptions, type ModelTestOptions, modelTest } from '../src/index.ts'
import { CYCLE_MARKER } from '../src/matchers/to-converge.ts'
import { failureOf } from './helpers.ts'

const design = routeDeliveryDesign()
const convergence = { goal: converged, goalName: 'applied==desired', everywhere: true } as const

/** A ring 0 -> 1 -> 2 -> 0 that can leave for 3 from 2; only `around` is fair. */
const ring = defineModel<number>({
  name: 'ring',
  init: 0,
  actions: [
    action(
      'around',
      () => true,
      (s) => (s + 1) % 3,
    ),
    action(
      'leave',
      (s) => s === 2,
      () => 3,
    ),
  ],
  terminal: (s) => s === 3,
})

describe('toConverge', () => {
  it('passes when every fair behaviour converges, and fails .not with the counts', () => {
    expect(design).toConverge({ ...convergence, fair: ['deliver'] })
    const f = failureOf(() => expect(design).not.toConverge({ ...convergence, fair: ['deliver'] }))
    expect(f.message).toContain('expect(route-delivery).not.toConverge()')
    expect(f.message).toContain(
      'expected a lasso, but every fair behaviour reaches applied==desired again and again (2 distinct states, 1 transitions, 1 fair action instances)',
    )
  })

  it('fails without fairness with the stuttering lasso as the diff, and the warning', () => {
    const f = failureOf(() => expect(design).toConverge(convergence))
    expect(f.message).toContain(
      'applied==desired does not hold infinitely often: after 0 steps the behaviour can stop (stutter forever)',
    )
    expect(f.message).toContain('lasso of 0 + 1 steps')
    expect(f.message).toContain('warning (no-fairness): no action is assumed fair')
    expect(f.expected).toBe('every fair behaviour reaches applied==desired again and again')
    expect(f.actual.split('\n')).toEqual([
      '0  init       {desired: 1, applied: 0}',
      CYCLE_MARKER,
      '1  (stutter)  (no change)',
      '── back to step 0 ──',
    ])
  })

  it('shows the prefix, then the marked cycle', () => {
    const f = failureOf(() => expect(ring).toConverge({ goal: (s) => s === 3, fair: ['around'] }))
    expect(f.expected).toBe('every fair behaviour reaches goal')
    expect(f.actual.split('\n')).toEqual([
      '0  init    0',
      CYCLE_MARKER,
      '1  around  state: 0 → 1',
      '2  around  state: 1 → 2',
      '3  around  state: 2 → 0',
      '── back to step 0 ──',
    ])
  })

  it('passes .not when a lasso exists, and fails both ways when a bound cuts the search', () => {
    expect(ring).not.toConverge({ goal: (s) => s === 3, fair: ['around'] })
    expect(ring).toConverge({ goal: (s) => s === 3, fair: ['around'], strongFair: ['leave'] })
    const counter = defineModel<number>({
      name: 'up',
      init: 0,
      actions: [
        action(
          'inc',
          () => true,
          (s) => s + 1,
        ),
      ],
    })
    const bounded = { goal: (s: number) => s >= 0, fair: ['inc'], maxStates: 20 }
    expect(failureOf(() => expect(counter).toConverge(bounded)).message).toContain(
      'search incomplete',
    )
    expect(failureOf(() => expect(counter).not.toConverge(bounded)).message).toContain(
      'proves nothing',
    )
  })

  it('rejects what is not a model, and a missing goal', () => {
    expect(() => expect({ init: 1 }).toConverge({ goal: () => true })).toThrow(
      /expected a model built with defineModel/,
    )
    expect(() => expect(design).toConverge(undefined as never)).toThrow(
      "expect(route-delivery).toConverge(options): options.goal must be a function (s) => boolean, e.g. toConverge({ goal: (s) => s.done, fair: ['deliver'] })",
    )
  })

  it('works as an asymmetric matcher', () => {
    expect({ m: design }).toEqual({ m: expect.toConverge({ ...convergence, fair: ['deliver'] }) })
    expect({ m: design }).toEqual({ m: expect.not.toConverge(convergence) })
  })

  it('types the goal from the model', () => {
    expectTypeOf<ConvergeMatcherOptions<{ n: number }>['goal']>()
      .parameter(0)
      .toEqualTypeOf<{ n: number }>()
    expectTypeOf<ModelTestOptions>().toHaveProperty('liveness')
    const otherGoal = (s: { other: string }) => s.other === ''
    // Never called, only type-checked: a goal over another state type is rejected.
    const wrong = () =>
      // @ts-expect-error the goal takes the model's state
      expect(design).toConverge({ goal: otherGoal })
    expect(wrong).toBeTypeOf('function')
  })
})

modelTest('modelTest checks liveness goals after safety', design, {
  liveness: [
    { ...convergence, fair: ['deliver'] },
    { goal: (s) => s.applied <= 1, fair: ['deliver'] },
  ],
})

describe('a failing toConverge in a real Vitest run', () => {
  it('prints the lasso, cycle marked, as the diff', () => {
    const bin = join(
      dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
      'vitest.mjs',
    )
    const root = fileURLToPath(new URL('./fixtures/failing-liveness/', import.meta.url))
    const r = spawnSync(process.execPath, [bin, 'run', '--root', root], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
      timeout: 60_000,
    })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status).toBe(1)
    expect(output).toContain('expect(readers-writers(2, reader-preference)).toConverge()')
    expect(output).toContain('writer gets in does not hold infinitely often')
    expect(output).toContain('- every fair behaviour reaches writer gets in again and again')
    const lasso = [
      '+ 0  init          {readers: ["idle", "idle"], writer: "idle"}',
      '+ 1  startRead(0)  readers[0]: "idle" → "reading"',
      '+ 2  request       writer: "idle" → "waiting"',
      `+ ${CYCLE_MARKER}`,
      '+ 3  startRead(1)  readers[1]: "idle" → "reading"',
      '+ 4  stopRead(0)   readers[0]: "reading" → "idle"',
      '+ 5  startRead(0)  readers[0]: "idle" → "reading"',
      '+ 6  stopRead(1)   readers[1]: "reading" → "idle"',
      '+ ── back to step 2 ──',
    ]
    for (const line of lasso) expect(output).toContain(line)
  }, 60_000)
})
