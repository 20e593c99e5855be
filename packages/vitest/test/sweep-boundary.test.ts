// The I/O boundary in a sweep's worker threads: a real timer or file write inside a run fails
// every seed with a BoundaryError naming the call, as it does in process, and the worker's own
// timers still work afterwards (the guards are removed when its runs end).
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sweep } from '../src/sweep/sweep.ts'
import { NEVER_WRITTEN } from './targets/real-io.ts'

const module = new URL('./targets/real-io.ts', import.meta.url)
// Tests run from TypeScript sources: worker threads must resolve @musil/* to src as well.
const conditions = ['@musil/source']

describe('the I/O boundary in sweep workers', () => {
  it('fails every seed that calls a real timer or writes a file, naming the call', async () => {
    for (const [name, source] of [
      ['realTimer', 'setTimeout()'],
      ['realWrite', 'fs.writeFileSync()'],
    ] as const) {
      const report = await sweep({ module, export: name, seeds: 4, threads: 2, conditions })
      expect(report.ok, name).toBe(false)
      expect(report.failingSeeds.map((f) => f.seed)).toEqual([0, 1, 2, 3])
      expect(report.failure?.kind).toBe('error')
      expect(report.failure?.detail).toMatch(
        new RegExp(
          `^the scenario: BoundaryError: ${source.replace(/[.()]/g, '\\$&')} called inside a simulation`,
        ),
      )
    }
    expect(existsSync(NEVER_WRITTEN)).toBe(false)
  }, 120_000)
})
