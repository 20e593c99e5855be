import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  action,
  type CheckOptions,
  type CheckResult,
  check,
  defineModel,
  fingerprintHex,
  type Model,
  MusilError,
  type SafetyViolation,
  SeedConfigError,
  type Step,
  successors,
} from '@musil/core'
import { afterEach, describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import { twoPhaseCommit } from '../../../examples/two-phase-commit/two-phase-commit.ts'
import { shrink } from '../src/check/random-walk.ts'
import { twoPhaseBuggy } from './fixtures/large-models.ts'
import { counters } from './fixtures/parallel-models.ts'

/** Every step of `trace` is an enabled action instance of the state before it. */
function expectReplays<S>(model: Model<S>, trace: Step<S>[]): void {
  for (let k = 1; k < trace.length; k++) {
    const next = successors(model, trace[k - 1]!.state).map((x) => fingerprintHex(x.state))
    expect(next).toContain(fingerprintHex(trace[k]!.state))
  }
}

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'musil-large-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** The counters that must not depend on how the search ran. */
const counts = (r: CheckResult<unknown>) => {
  const { distinct, generated, depth } = r.stats
  return { distinct, generated, depth }
}

function summary<S>(model: Model<S>, opts: CheckOptions = {}) {
  const r = check(model, opts)
  return {
    ok: r.ok,
    complete: r.complete,
    distinct: r.stats.distinct,
    generated: r.stats.generated,
    depth: r.stats.depth,
    violation: r.violation,
    incomplete: r.incomplete?.reason,
  }
}

describe('memory: { maxBytes }', () => {
  it('spills TwoPhase RM=5 to disk and counts exactly as in memory', () => {
    const inMemory = check(twoPhaseCommit(5))
    expect(inMemory.stats.spilledStates).toBe(0)
    const dir = tempDir()
    // Far below what the in-memory search holds (its fingerprints alone take more).
    const budget = 64 * 1024
    const onDisk = check(twoPhaseCommit(5), { memory: { maxBytes: budget, dir } })
    expect(onDisk.stats.spilledStates).toBeGreaterThan(0)
    expect(onDisk.stats.distinct).toBe(8832)
    expect(counts(onDisk)).toEqual(counts(inMemory))
    expect(onDisk.ok).toBe(true)
    // The working directory it created is gone; the one given is left.
    expect(readdirSync(dir)).toEqual([])
  })

  it.each([
    ['a deep invariant violation', counters({ n: 3, limit: 12, bad: true }), {}],
    ['a deadlock', counters({ n: 3, limit: 10, stuck: true }), {}],
    ['an effect that throws', counters({ n: 3, limit: 10, throwAt: 17 }), {}],
    ['a maxStates cut', counters({ n: 3, limit: 12 }), { maxStates: 1000 }],
    ['a maxDepth cut', counters({ n: 3, limit: 12 }), { maxDepth: 20 }],
    ['TwoPhase with a planted bug', twoPhaseBuggy(5), {}],
  ])('gives the same counts and counterexample on %s', (_, model, opts) => {
    const a = summary(model as Model<unknown>, opts)
    const b = summary(model as Model<unknown>, { ...opts, memory: { maxBytes: 4096 } })
    expect(b).toEqual(a)
  })

  it('rejects a budget that is not a positive number of bytes', () => {
    expect(() => check(dieHard(), { memory: { maxBytes: 0 } })).toThrow(/memory.maxBytes/)
    expect(() => check(dieHard(), { memory: { maxByte: 1 } as never })).toThrow(
      /unknown option 'maxByte'.*did you mean 'maxBytes'/,
    )
  })
})

describe('checkpoint: { dir, everyMs }', () => {
  it('writes a checkpoint and resumes from it with the same counts', () => {
    const dir = tempDir()
    const model = counters({ n: 3, limit: 12 })
    const fresh = check(model)
    const first = check(model, { checkpoint: { dir, everyMs: 0 } })
    expect(first.resumed).toBe(false)
    const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))
    expect(meta).toMatchObject({ format: 'musil-checkpoint', model: model.name })
    // Only the latest checkpoint's files remain.
    expect(readdirSync(dir).sort()).toEqual(
      ['checkpoint.json', `fingerprints-${meta.seq}.bin`, `frontier-${meta.seq}.bin`].sort(),
    )
    const again = check(model, { checkpoint: { dir, everyMs: 0 } })
    expect(again.resumed).toBe(true)
    for (const r of [first, again]) expect(counts(r)).toEqual(counts(fresh))
  })

  it('resumes a checkpoint taken mid-search, its level onto disk under a budget', () => {
    const model = twoPhaseCommit(5)
    const fresh = check(model)
    const dir = tempDir()
    const copy = tempDir()
    let copied = 0
    // Copy the checkpoint as it stands while level 9 is expanded: a run killed there.
    const whole = check(model, {
      checkpoint: { dir, everyMs: 0 },
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (copied === 0 && p.depth >= 9) {
          cpSync(dir, copy, { recursive: true })
          copied = JSON.parse(readFileSync(join(copy, 'checkpoint.json'), 'utf8')).levelSize
        }
      },
    })
    expect(copied).toBeGreaterThan(500)
    const resumed = check(model, { memory: { maxBytes: 4096 }, checkpoint: { dir: copy } })
    expect(resumed.resumed).toBe(true)
    expect(resumed.stats.spilledStates).toBeGreaterThan(copied)
    for (const r of [whole, resumed]) expect(counts(r)).toEqual(counts(fresh))
  })

  it('resumes into the same shortest counterexample', () => {
    const dir = tempDir()
    const model = twoPhaseBuggy(4)
    const fresh = check(model)
    expect(fresh.ok).toBe(false)
    check(model, { checkpoint: { dir, everyMs: 0 } })
    const resumed = check(model, { checkpoint: { dir, everyMs: 0 } })
    expect(resumed.resumed).toBe(true)
    expect(resumed.violation).toEqual(fresh.violation)
    expect(resumed.stats.generated).toBe(fresh.stats.generated)
  })

  it('refuses the checkpoint of another model or other bounds', () => {
    const dir = tempDir()
    check(twoPhaseCommit(3), { checkpoint: { dir, everyMs: 0 } })
    for (const [model, opts] of [
      [twoPhaseCommit(4), {}],
      [twoPhaseBuggy(3), {}],
      [twoPhaseCommit(3), { maxStates: 100 }],
      [twoPhaseCommit(3), { deadlock: false }],
    ] as const) {
      let error: unknown
      try {
        check(model as Model<unknown>, { ...opts, checkpoint: { dir, everyMs: 0 } })
      } catch (e) {
        error = e
      }
      expect(MusilError.is(error)).toBe(true)
      expect((error as Error).name).toBe('CheckpointError')
      expect((error as Error).message).toMatch(/belongs to model two-phase-commit\(3\)/)
      expect((error as Error).message).toMatch(/another checkpoint.dir/)
    }
  })

  it('refuses the checkpoint of a model with the same name that behaves differently', () => {
    const dir = tempDir()
    const climb = (step: number) =>
      defineModel<{ n: number }>({
        name: 'climb',
        init: { n: 0 },
        actions: [
          action(
            'up',
            (s) => s.n < 30,
            (s) => ({ n: s.n + step }),
          ),
        ],
        terminal: () => true,
      })
    check(climb(1), { checkpoint: { dir, everyMs: 0 } })
    expect(check(climb(1), { checkpoint: { dir, everyMs: 0 } }).resumed).toBe(true)
    expect(() => check(climb(2), { checkpoint: { dir, everyMs: 0 } })).toThrow(
      /checkpoint in .* belongs to model climb with other definitions/,
    )
  })

  it('refuses a checkpoint whose files are missing, truncated or disagree with checkpoint.json', () => {
    const model = counters({ n: 3, limit: 12 })
    const fresh = check(model)
    const spoil: [string, (dir: string, seq: number) => void, RegExp][] = [
      [
        'frontier gone',
        (d, n) => rmSync(join(d, `frontier-${n}.bin`)),
        /names .*frontier-\d+\.bin, which cannot be read/,
      ],
      [
        'fingerprints gone',
        (d, n) => rmSync(join(d, `fingerprints-${n}.bin`)),
        /names .*fingerprints-\d+\.bin, which cannot be read/,
      ],
      [
        'frontier truncated',
        (d, n) => {
          const f = join(d, `frontier-${n}.bin`)
          writeFileSync(f, readFileSync(f).subarray(0, 10))
        },
        /frontier-\d+\.bin is truncated/,
      ],
      [
        'level size',
        (d) => {
          const f = join(d, 'checkpoint.json')
          const meta = JSON.parse(readFileSync(f, 'utf8'))
          writeFileSync(
            f,
            JSON.stringify({
              ...meta,
              levelSize: meta.levelSize - 1,
              levelStart: meta.levelStart + 1,
            }),
          )
        },
        /holds \d+ states in .*frontier-\d+\.bin where \d+ were recorded/,
      ],
      [
        'counters',
        (d) => {
          const f = join(d, 'checkpoint.json')
          const meta = JSON.parse(readFileSync(f, 'utf8'))
          writeFileSync(f, JSON.stringify({ ...meta, levelStart: -1 }))
        },
        /has no valid levelStart/,
      ],
    ]
    for (const [what, damage, message] of spoil) {
      const dir = tempDir()
      check(model, { checkpoint: { dir, everyMs: 0 } })
      const { seq } = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))
      damage(dir, seq)
      let error: unknown
      try {
        check(model, { checkpoint: { dir, everyMs: 0 } })
      } catch (e) {
        error = e
      }
      expect((error as Error | undefined)?.name, what).toBe('CheckpointError')
      expect((error as Error).message, what).toMatch(message)
      expect((error as Error).message, what).toMatch(/delete .* to start afresh/)
    }
    // What a process killed while writing leaves behind goes with the next checkpoint.
    const dir = tempDir()
    check(model, { checkpoint: { dir, everyMs: 0 } })
    const { seq } = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))
    writeFileSync(join(dir, `fingerprints-${seq + 1}.bin.tmp`), 'half')
    writeFileSync(join(dir, `frontier-${seq + 1}.bin`), 'whole but not named')
    const again = check(model, { checkpoint: { dir, everyMs: 0 } })
    expect(counts(again)).toEqual(counts(fresh))
    expect(
      readdirSync(dir).filter(
        (f) =>
          !f.startsWith(`fingerprints-${seq}.`) &&
          !f.startsWith(`frontier-${seq}.`) &&
          f !== 'checkpoint.json',
      ),
    ).toEqual([])
  })

  it('refuses the checkpoint of a model whose terminal states changed', () => {
    const dir = tempDir()
    const stop = (at: number) =>
      defineModel<{ n: number }>({
        name: 'stop',
        init: { n: 0 },
        actions: [
          action(
            'up',
            (s) => s.n < 5,
            (s) => ({ n: s.n + 1 }),
          ),
        ],
        terminal: (s) => s.n >= at,
      })
    check(stop(5), { checkpoint: { dir, everyMs: 0 } })
    expect(() => check(stop(6), { checkpoint: { dir, everyMs: 0 } })).toThrow(
      /belongs to model stop with other definitions/,
    )
  })

  it('rejects a checkpoint or spill directory that is not a path, and a negative interval', () => {
    for (const [opts, message] of [
      [{ checkpoint: { dir: '' } }, /checkpoint.dir must be a directory path/],
      [{ checkpoint: { everyMs: 5 } }, /checkpoint.dir must be a directory path/],
      [
        { checkpoint: { dir: tempDir(), everyMs: -1 } },
        /checkpoint.everyMs must be a number of milliseconds >= 0/,
      ],
      [{ memory: { maxBytes: 4096, dir: 5 } }, /memory.dir must be a directory path/],
    ] as const) {
      expect(() => check(dieHard(), opts as CheckOptions)).toThrow(message)
    }
  })

  it('writes no checkpoint before the interval is up, and says it did not resume', () => {
    const dir = join(tempDir(), 'sub')
    const r = check(dieHard({ solve: false }), { checkpoint: { dir, everyMs: 3_600_000 } })
    expect(r.resumed).toBe(false)
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(false)
  })
})

describe("mode: 'random-walk'", () => {
  it.each([-1, 1.5, 2 ** 53])(
    'refuses seed %d by the one seed rule, as simulate and explore do',
    (seed) => {
      expect(() => check(dieHard(), { mode: 'random-walk', seed })).toThrow(SeedConfigError)
      expect(() => check(dieHard(), { mode: 'random-walk', seed })).toThrow(
        expect.objectContaining({
          source: 'check()',
          message: `check(): seed ${seed} is not a seed; seeds are non-negative safe integers`,
        }),
      )
    },
  )

  it('takes the largest safe integer as a seed', () => {
    const seed = Number.MAX_SAFE_INTEGER
    const r = check(dieHard(), { mode: 'random-walk', depth: 20, walks: 5, seed })
    expect(r.walk?.seed).toBe(seed)
  })

  it('finds the Die Hard solution and shrinks it to the BFS-shortest length', () => {
    const bfs = check(dieHard())
    const r = check(dieHard(), { mode: 'random-walk', depth: 200, walks: 50, seed: 3 })
    expect(r.mode).toBe('random-walk')
    expect(r.complete).toBe(false)
    expect(r.ok).toBe(false)
    expect(r.violation?.name).toBe('bigNotFour')
    expect(r.violation?.trace).toHaveLength(bfs.violation!.trace.length)
    expect(r.walk?.seed).toBe(3)
    expect(r.walk?.found?.shrunkTo).toBe(bfs.violation!.trace.length - 1)
    expect(r.walk?.found?.steps).toBeGreaterThanOrEqual(r.walk!.found!.shrunkTo)
    // Same seed, same walk, byte for byte.
    expect(check(dieHard(), { mode: 'random-walk', depth: 200, walks: 50, seed: 3 })).toEqual({
      ...r,
      stats: expect.anything(),
    })
  })

  it('finds the TwoPhase violation and shrinks it to the BFS-shortest length', () => {
    const model = twoPhaseBuggy(5)
    const bfs = check(model)
    for (const seed of [0, 1, 2]) {
      const r = check(model, { mode: 'random-walk', depth: 60, walks: 500, seed })
      expect(r.violation?.name).toBe('consistent')
      expect(r.violation?.trace).toHaveLength(bfs.violation!.trace.length)
      expect(r.violation?.message).toBe(bfs.violation?.message)
    }
  })

  it('shrinks by searching around the path when the search from the start gives up', () => {
    type P = { x: number; y: number }
    const move = (name: string, dx: number, dy: number) =>
      action<P>(
        name,
        () => true,
        (s) => ({ x: s.x + dx, y: s.y + dy }),
      )
    const grid = defineModel<P>({
      name: 'grid',
      init: { x: 0, y: 0 },
      actions: [move('E', 1, 0), move('W', -1, 0), move('N', 0, 1), move('S', 0, -1)],
      invariants: { notThere: (s) => !(s.x === 3 && s.y === 0) },
      constraint: (s) => Math.abs(s.x) <= 5 && Math.abs(s.y) <= 5,
    })
    // A wandering path without loops: north, east twice, south, east.
    const at = (x: number, y: number, action: string): Step<P> => ({ action, state: { x, y } })
    const wander: SafetyViolation<P> = {
      kind: 'invariant',
      name: 'notThere',
      message: 'invariant notThere is violated after 7 steps',
      trace: [
        at(0, 0, 'init'),
        at(0, 1, 'N'),
        at(1, 1, 'E'),
        at(2, 1, 'E'),
        at(2, 2, 'N'),
        at(3, 2, 'E'),
        at(3, 1, 'S'),
        at(3, 0, 'S'),
      ],
    }
    // A budget of one state: the search from the start gives up at once.
    const around = shrink(grid, {}, wander, 1)
    expect(around.trace.map((s) => s.action)).toEqual(['init', 'E', 'E', 'E'])
    expect(around.trace.at(-1)!.state).toEqual({ x: 3, y: 0 })
    expect(around.message).toBe('invariant notThere is violated after 3 steps')
    expectReplays(grid, around.trace)
    // With its budget, the search from the start finds the same length.
    expect(shrink(grid, {}, wander).trace).toHaveLength(4)
  })

  it('never claims completeness, even on a model it covers entirely', () => {
    const r = check(dieHard({ solve: false }), { mode: 'random-walk', walks: 200 })
    expect(r.stats.distinct).toBe(16)
    expect(r).toMatchObject({ ok: false, complete: false, mode: 'random-walk' })
    expect(r.incomplete?.reason).toBe('random-walk')
    expect(r.incomplete?.message).toMatch(/200 walks of at most 100 steps from seed 0/)
  })

  it('reports a deadlock found by a walk with a shortest trace', () => {
    const model = counters({ n: 2, limit: 6, stuck: true })
    const bfs = check(model)
    const r = check(model, { mode: 'random-walk', walks: 20, seed: 5 })
    expect(r.violation?.kind).toBe('deadlock')
    expect(r.violation?.trace).toHaveLength(bfs.violation!.trace.length)
  })

  it('reports model code that throws as an error violation, shrunk like the others', () => {
    const model = counters({ n: 3, limit: 10, throwAt: 7 })
    const bfs = check(model)
    const r = check(model, { mode: 'random-walk', walks: 50, seed: 9 })
    expect(r.violation?.kind).toBe('error')
    expect(r.violation?.error).toEqual(bfs.violation?.error)
    expect(r.violation?.trace).toHaveLength(bfs.violation!.trace.length)
  })

  it('rejects walk options without the mode, and BFS options with it', () => {
    expect(() => check(dieHard(), { walks: 3 })).toThrow(
      /walks is an option of mode: 'random-walk'/,
    )
    expect(() => check(dieHard(), { mode: 'random-walk', maxStates: 3 })).toThrow(
      /maxStates bounds a breadth-first search/,
    )
    expect(() => check(dieHard(), { mode: 'dfs' as never })).toThrow(/mode must be/)
  })

  it('says a breadth-first search ran', () => {
    expect(check(dieHard()).mode).toBe('bfs')
  })
})
