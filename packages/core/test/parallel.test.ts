// checkParallel: check()'s exact counts and shortest trace, from worker threads.
import {
  check,
  checkParallel,
  formatTrace,
  type Model,
  OptionsError,
  ParallelCheckError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import * as fixtureModule from './fixtures/parallel-models.ts'

const fixtures: Record<string, unknown> = { ...fixtureModule }

const module = new URL('./fixtures/parallel-models.ts', import.meta.url)
// Threads start slowly on a loaded 2-core machine (each loads TypeScript through tsx).
const SLOW = 120_000

function sequential(name: string, opts: Parameters<typeof check>[1] = {}) {
  const exported = fixtures[name] as unknown
  const model = (
    typeof exported === 'function' ? (exported as () => Model<unknown>)() : exported
  ) as Model<unknown>
  return check(model, opts)
}

/**
 * The parts of a result that must not depend on threads: not the duration, nor the memory
 * (`check` keeps fingerprints only; the coordinating thread's store also keeps parents).
 */
function essence(r: Awaited<ReturnType<typeof checkParallel>>) {
  const { durationMs: _, storeBytes: _b, bytesPerState: _p, ...stats } = r.stats
  return { ...r, stats }
}

describe('checkParallel', () => {
  const cases: [string, Parameters<typeof check>[1]][] = [
    ['dieHard', {}],
    ['counters4', {}],
    ['counters4Bad', {}],
    ['counters3Stuck', {}],
    ['counters3Throws', {}],
    ['counters4', { maxStates: 500 }],
    ['counters4', { maxStates: 1 }],
    ['counters4', { maxDepth: 9 }],
    ['counters4Bad', { maxDepth: 12 }],
    ['counters4', { deadlock: false, maxDepth: 30 }],
    // The shared table grows between levels and within one (a level given up and redone).
    ['burstOk', {}],
    ['burstBad', {}],
    ['burstOk', { maxStates: 30_000 }],
    ['burstBad', { maxDepth: 3 }],
  ]
  for (const workers of [1, 2, 3]) {
    it(
      `gives check()'s result with ${workers} worker(s)`,
      async () => {
        for (const [name, opts] of cases) {
          const expected = sequential(name, opts)
          const got = await checkParallel({ module, export: name }, { ...opts, workers })
          expect({ name, opts, ...essence(got) }).toEqual({ name, opts, ...essence(expected) })
        }
      },
      SLOW,
    )
  }

  it(
    "gives check()'s counts and trace for a composed model with channels and symmetry",
    async () => {
      for (const name of ['pingPongOk', 'pingPongBad']) {
        const expected = sequential(name, { deadlock: false })
        const got = await checkParallel({ module, export: name }, { workers: 2, deadlock: false })
        expect({
          name,
          ok: got.ok,
          distinct: got.stats.distinct,
          generated: got.stats.generated,
        }).toEqual({
          name,
          ok: expected.ok,
          distinct: expected.stats.distinct,
          generated: expected.stats.generated,
        })
        // Envelopes crossed threads as plain records: the steps are the same, label for label.
        expect(got.violation?.trace.map((s) => s.action)).toEqual(
          expected.violation?.trace.map((s) => s.action),
        )
        // ...and, rebuilt in this thread, they render as messages, as check()'s do.
        if (expected.violation !== undefined) {
          const text = formatTrace(got.violation!.trace)
          expect(text).toBe(formatTrace(expected.violation.trace))
          expect(text).toMatch(/net \+= \w+ → server ping\(n 0\)/)
          expect(text).not.toContain('from:')
        }
      }
    },
    SLOW,
  )

  it(
    'finds the shortest Die Hard solution',
    async () => {
      const r = await checkParallel({ module, export: 'dieHard' }, { workers: 2 })
      expect(r.ok).toBe(false)
      expect(r.violation?.trace).toHaveLength(7)
      expect(r.stats).toMatchObject({ distinct: 14, generated: 49, depth: 7 })
    },
    SLOW,
  )

  it(
    'rejects a missing export, naming the exports there are',
    async () => {
      await expect(checkParallel({ module, export: 'nope' }, { workers: 1 })).rejects.toThrow(
        /has no export 'nope' \(its exports: .*dieHard/,
      )
    },
    SLOW,
  )

  it(
    'rejects an export that is not a model',
    async () => {
      await expect(checkParallel({ module, export: 'notAModel' }, { workers: 1 })).rejects.toThrow(
        /export 'notAModel' of .* is not a model/,
      )
    },
    SLOW,
  )

  it(
    'turns a worker thread that dies into an error, not a hang',
    async () => {
      const p = checkParallel({ module, export: 'exits' }, { workers: 2 })
      await expect(p).rejects.toThrow(ParallelCheckError)
      await expect(p).rejects.toThrow(/exited with code 7/)
    },
    SLOW,
  )

  it('rejects unknown options and bad worker counts before starting a thread', async () => {
    await expect(checkParallel({ module }, { wokers: 2 } as never)).rejects.toThrow(OptionsError)
    await expect(checkParallel({ module }, { workers: 0 })).rejects.toThrow(/workers must be/)
  })
})
