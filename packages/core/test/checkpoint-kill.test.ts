import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { check } from '@musil/core'
import { afterAll, describe, expect, it } from 'vitest'
import { counters } from './fixtures/parallel-models.ts'

const child = fileURLToPath(new URL('./fixtures/checkpoint-child.ts', import.meta.url))
const args = (dir: string, limit: number) => [
  '--conditions=@musil/source',
  '--import',
  'tsx',
  child,
  dir,
  String(limit),
]
const dir = mkdtempSync(join(tmpdir(), 'musil-kill-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The depth recorded in the checkpoint, or 0 while there is none (or it is being replaced). */
function checkpointDepth(): number {
  const path = join(dir, 'checkpoint.json')
  if (!existsSync(path)) return 0
  try {
    return JSON.parse(readFileSync(path, 'utf8')).depth as number
  } catch {
    return 0
  }
}

/** Starts the child and SIGKILLs it once its checkpoint has reached `depth`. */
function killAtDepth(limit: number, depth: number): Promise<{ signal: string | null }> {
  return new Promise((resolve, reject) => {
    const p: ChildProcess = spawn(process.execPath, args(dir, limit), { stdio: 'ignore' })
    const watch = setInterval(() => {
      if (checkpointDepth() >= depth) {
        clearInterval(watch)
        p.kill('SIGKILL')
      }
    }, 5)
    p.on('error', reject)
    p.on('exit', (_code, signal) => {
      clearInterval(watch)
      resolve({ signal })
    })
  })
}

describe('checkpoint and resume across SIGKILL', () => {
  it('resumes three times and ends with the uninterrupted counts and verdict', async () => {
    const limit = 45
    const model = counters({ n: 3, limit, bad: true })
    const whole = check(model)
    expect(whole.ok).toBe(false)
    // Three moments, chosen by watching the checkpoint grow: early, middle, late.
    const moments = [10, 50, 100]
    expect(moments.at(-1)!).toBeLessThan(whole.stats.depth)
    let resumedFrom = 0
    for (const depth of moments) {
      const { signal } = await killAtDepth(limit, depth)
      expect(signal).toBe('SIGKILL')
      const at = checkpointDepth()
      expect(at).toBeGreaterThanOrEqual(depth)
      expect(at).toBeGreaterThan(resumedFrom)
      resumedFrom = at
    }
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, args(dir, limit), { timeout: 110_000 }, (e, stdout) =>
        e ? reject(e) : resolve(stdout),
      ),
    )
    const r = JSON.parse(out)
    expect(r).toEqual({
      resumed: true,
      distinct: whole.stats.distinct,
      generated: whole.stats.generated,
      depth: whole.stats.depth,
      ok: false,
      violation: { name: whole.violation!.name, steps: whole.violation!.trace.length - 1 },
      last: whole.violation!.trace.at(-1)!.state,
    })
  }, 240_000)
})
