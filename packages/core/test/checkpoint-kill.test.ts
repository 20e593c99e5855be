import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { check } from '@musil/core'
import { afterAll, describe, expect, it } from 'vitest'
import { killModel } from './fixtures/large-models.ts'

const child = fileURLToPath(new URL('./fixtures/checkpoint-child.ts', import.meta.url))
const args = (dir: string, how: string) => [
  '--conditions=@musil/source',
  '--import',
  'tsx',
  child,
  dir,
  how,
]
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** The depth recorded in the checkpoint, or 0 while there is none (or it is being replaced). */
function checkpointDepth(dir: string): number {
  const path = join(dir, 'checkpoint.json')
  if (!existsSync(path)) return 0
  try {
    return JSON.parse(readFileSync(path, 'utf8')).depth as number
  } catch {
    return 0
  }
}

/** Starts the child and SIGKILLs it once its checkpoint has reached `depth`. */
function killAtDepth(dir: string, how: string, depth: number): Promise<{ signal: string | null }> {
  return new Promise((resolve, reject) => {
    const p: ChildProcess = spawn(process.execPath, args(dir, how), { stdio: 'ignore' })
    const watch = setInterval(() => {
      if (checkpointDepth(dir) >= depth) {
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
  it.each([
    ['check', [10, 50, 100]],
    ['parallel', [20, 80]],
  ] as const)(
    '%s: killed at each moment, resumed, ends with the uninterrupted counts and verdict',
    async (how, moments) => {
      const dir = mkdtempSync(join(tmpdir(), 'musil-kill-'))
      dirs.push(dir)
      const whole = check(killModel())
      expect(whole.ok).toBe(false)
      // The moments are chosen by watching the checkpoint grow, level by level.
      expect(moments.at(-1)!).toBeLessThan(whole.stats.depth)
      let resumedFrom = 0
      for (const depth of moments) {
        const { signal } = await killAtDepth(dir, how, depth)
        expect(signal).toBe('SIGKILL')
        const at = checkpointDepth(dir)
        expect(at).toBeGreaterThanOrEqual(depth)
        expect(at).toBeGreaterThan(resumedFrom)
        resumedFrom = at
      }
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, args(dir, how), { timeout: 200_000 }, (e, stdout) =>
          e ? reject(e) : resolve(stdout),
        ),
      )
      expect(JSON.parse(out)).toEqual({
        resumed: true,
        distinct: whole.stats.distinct,
        generated: whole.stats.generated,
        depth: whole.stats.depth,
        ok: false,
        violation: { name: whole.violation!.name, steps: whole.violation!.trace.length - 1 },
        last: whole.violation!.trace.at(-1)!.state,
      })
    },
    400_000,
  )
})
