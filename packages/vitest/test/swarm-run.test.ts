// A 4-shard swarm run by four Vitest processes (MUSIL_SHARD=1/4 .. 4/4), merged into one
// verdict that names the shard that found the deep bug and replays its trace.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { check, mergeSwarmReports, readSwarmReports, replaySwarmTrace } from '@musil/core'
import { afterAll, describe, expect, it } from 'vitest'
import { deepBug } from '../../core/test/fixtures/large-models.ts'
import { swarmMerge } from '../src/bin.ts'

const root = fileURLToPath(new URL('./fixtures/swarm/', import.meta.url))
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)
const reports = mkdtempSync(join(tmpdir(), 'musil-swarm-'))
afterAll(() => rmSync(reports, { recursive: true, force: true }))

function shard(index: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      CI: 'true',
      MUSIL_SHARD: `${index}/4`,
      MUSIL_SWARM_DIR: reports,
    }
    for (const k of ['VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID', 'TEST', 'MUSIL_SEED']) {
      delete env[k]
    }
    const p = spawn(process.execPath, [vitestBin, 'run', '--root', root], { env })
    let output = ''
    p.stdout.on('data', (d) => (output += d))
    p.stderr.on('data', (d) => (output += d))
    p.on('error', reject)
    p.on('exit', (status) => resolve({ status, output }))
  })
}

describe('a swarm of four processes', () => {
  it('finds the deep bug that the exhaustive budget misses, and the merge names the shard', async () => {
    const model = deepBug()
    const budget = 100_000
    const exhaustive = check(model, { maxStates: budget })
    expect(exhaustive.complete).toBe(false)
    expect(exhaustive.violation).toBeUndefined()

    const runs = await Promise.all([1, 2, 3, 4].map(shard))
    expect(readdirSync(reports).sort()).toEqual(
      [1, 2, 3, 4].map((i) => `swarm-${i}-of-4.json`).sort(),
    )
    const verdict = mergeSwarmReports(readSwarmReports([reports]))
    expect(verdict.ok).toBe(false)
    expect(verdict.exhaustive).toBe(false)
    const found = verdict.violation!
    expect(found.name).toBe('belowTop')
    expect(verdict.summary).toContain(`in shard ${found.shard.index}/4 (seed ${found.seed}`)
    expect(verdict.summary).toMatch(/; exhaustive: no$/)
    // The shard that found it failed its test with the trace; a shard that found nothing
    // passed on sampled coverage, listed by the reporter.
    const finder = runs[found.shard.index - 1]!
    expect(finder.status).toBe(1)
    expect(finder.output).toContain(
      `swarm shard ${found.shard.index}/4 (seed ${found.seed}) found: invariant belowTop is violated after ${found.steps} steps`,
    )
    for (const [i, r] of runs.entries()) {
      if (r.status === 0) {
        expect(r.output).toContain(
          '[musil] 1 model test(s) passed on a search that was not exhaustive:',
        )
        expect(r.output).toMatch(
          new RegExp(
            `swarm shard ${i + 1}/4 \\(seed -?\\d+\\): no violation in \\d+ states covered`,
          ),
        )
      }
    }
    // The trace replays from the report alone.
    const trace = replaySwarmTrace(model, found)
    expect(trace).toHaveLength(found.steps + 1)
    expect(trace.at(-1)!.state.depth).toBe(400)
    // The documented command prints the same verdict and fails the merge job.
    const lines: string[] = []
    expect(swarmMerge([reports], (l) => lines.push(l))).toBe(1)
    expect(lines).toEqual([`${model.name}: ${verdict.summary}`])
  }, 240_000)
})
