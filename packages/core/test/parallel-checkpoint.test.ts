// checkParallel with a checkpoint: the same counts and counterexample as check(), resumed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { check, checkParallel } from '@musil/core'
import { afterEach, describe, expect, it } from 'vitest'
import { counters4Bad, dieHard } from './fixtures/parallel-models.ts'

const module = new URL('./fixtures/parallel-models.ts', import.meta.url)
const SLOW = 120_000
const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'musil-pcp-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const essence = (r: Awaited<ReturnType<typeof checkParallel>>) => ({
  ok: r.ok,
  distinct: r.stats.distinct,
  generated: r.stats.generated,
  depth: r.stats.depth,
  violation: r.violation,
})

describe('checkParallel with checkpoint', () => {
  it(
    'writes checkpoints with parents, resumes from them, and check() resumes them too',
    async () => {
      const dir = tempDir()
      const target = { module, export: 'counters4Bad' }
      const whole = check(counters4Bad())
      const first = await checkParallel(target, { workers: 2, checkpoint: { dir, everyMs: 0 } })
      expect(first.resumed).toBe(false)
      const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))
      expect(meta.parents).toBe(true)
      expect(meta.depth).toBeGreaterThan(1)
      const again = await checkParallel(target, { workers: 2, checkpoint: { dir, everyMs: 0 } })
      expect(again.resumed).toBe(true)
      const sequential = check(counters4Bad(), { checkpoint: { dir, everyMs: 0 } })
      expect(sequential.resumed).toBe(true)
      for (const r of [first, again, sequential]) expect(essence(r)).toEqual(essence(whole))
    },
    SLOW,
  )

  it(
    "refuses check()'s checkpoint and another model's",
    async () => {
      const dir = tempDir()
      check(counters4Bad(), { checkpoint: { dir, everyMs: 0 } })
      await expect(
        checkParallel({ module, export: 'counters4Bad' }, { workers: 1, checkpoint: { dir } }),
      ).rejects.toThrow(/written by check\(\), which keeps no parents/)
      const other = tempDir()
      check(dieHard, { checkpoint: { dir: other, everyMs: 0 } })
      await expect(
        checkParallel(
          { module, export: 'counters4Bad' },
          { workers: 1, checkpoint: { dir: other } },
        ),
      ).rejects.toMatchObject({ name: 'CheckpointError', dir: other })
    },
    SLOW,
  )

  it('leaves random walks and memory budgets to check()', async () => {
    await expect(
      checkParallel({ module, export: 'dieHard' }, { mode: 'random-walk' }),
    ).rejects.toThrow(/use check\(model, opts\)/)
    await expect(
      checkParallel({ module, export: 'dieHard' }, { memory: { maxBytes: 1000 } }),
    ).rejects.toThrow(/memory is check\(\)'s/)
  })
})
