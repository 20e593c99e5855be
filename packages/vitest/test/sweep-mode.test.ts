// Where a sweep runs its seeds: the auto rule's choice for given seeds and threads, and the same
// report, byte for byte, whether the seeds ran in this process or in worker threads.

import { describe, expect, it } from 'vitest'
import {
  autoInProcess,
  chooseMode,
  conditionsActive,
  type SweepReport,
  sweep,
  THREAD_START_MS,
  usableThreads,
} from '../src/sweep/sweep.ts'

const module = new URL('./targets/route-push.ts', import.meta.url)
// Worker threads resolve @musil/* to the TypeScript sources, as this test process does.
const conditions = ['@musil/source']

/** The report without what depends on where and how fast it ran. */
function outcome(r: SweepReport): string {
  const { durationMs, mode, ...rest } = r
  return JSON.stringify(rest)
}

describe('sweep mode', () => {
  it('stays in process on one thread, or while the seeds left cost less than starting threads', () => {
    // One thread never beats this process: the same work on one core, after its start-up.
    expect(chooseMode(1, 1_000_000, 1)).toBe('in-process')
    // 10,000 seeds at 5 µs (route delivery): 50 ms in process, far under a thread's start-up.
    expect(chooseMode(2, 10_000, 0.005)).toBe('in-process')
    // 10,000 seeds at 0.3 ms (Raft election): 3 s in process, about 1.9 s on 2 threads.
    expect(chooseMode(2, 10_000, 0.3)).toBe('threads')
    // The boundary: 2 threads pay off once half the in-process time exceeds the start-up.
    expect(chooseMode(2, 2 * THREAD_START_MS, 1)).toBe('in-process')
    expect(chooseMode(2, 2 * THREAD_START_MS + 2, 1)).toBe('threads')
  })

  it('counts only the threads that the load of the machine leaves a core for', () => {
    // An idle 2-core machine (this process is the load of 1): both threads run in parallel.
    expect(usableThreads(2, 2, 1)).toBe(2)
    expect(usableThreads(8, 2, 0)).toBe(2)
    // Loaded past its cores: threads would share one CPU's worth, so the rule sees one.
    expect(usableThreads(2, 2, 13)).toBe(1)
    expect(chooseMode(usableThreads(2, 2, 13), 10_000, 0.3)).toBe('in-process')
  })

  it('runs in process only where modules resolve as they would in a worker, never under Vitest', () => {
    expect(conditionsActive([])).toBe(true)
    expect(conditionsActive(['no-such-condition'])).toBe(false)
    // Under Vitest, auto keeps to threads whatever the conditions.
    expect(autoInProcess([])).toBe(false)
  })

  it('reports which mode it used', async () => {
    const small = await sweep({ module, export: 'repush', seeds: 40, threads: 2, conditions })
    expect(small).toMatchObject({ ok: true, runs: 40, mode: 'threads' })
    const here = await sweep({
      module,
      export: 'repush',
      seeds: 40,
      threads: 2,
      mode: 'in-process',
    })
    expect(here).toMatchObject({ ok: true, runs: 40, mode: 'in-process' })
    const forced = await sweep({
      module,
      export: 'repush',
      seeds: 40,
      threads: 2,
      conditions,
      mode: 'threads',
    })
    expect(forced).toMatchObject({ ok: true, runs: 40, mode: 'threads' })
  }, 120_000)

  it('gives the same report, byte for byte, in process and on threads (failures included)', async () => {
    const opts = { module, export: 'fireAndForget', seeds: 150, threads: 2, conditions }
    const here = await sweep({ ...opts, mode: 'in-process' })
    const there = await sweep({ ...opts, mode: 'threads' })
    expect([here.mode, there.mode]).toEqual(['in-process', 'threads'])
    expect(here.ok).toBe(false)
    expect(here.failingSeeds.length).toBeGreaterThan(10)
    expect(outcome(here)).toBe(outcome(there))
  }, 120_000)

  it('sends a chunk whose seed calls process.exit to a thread, and reports the death as threads do', async () => {
    const opts = {
      module,
      export: 'diesSometimes',
      seeds: 40,
      threads: 1,
      chunkSize: 8,
      conditions,
    }
    const here = await sweep({ ...opts, mode: 'in-process' })
    const there = await sweep({ ...opts, mode: 'threads' })
    expect(here.mode).toBe('threads')
    expect(here.failingSeeds.length).toBeGreaterThan(0)
    expect(outcome(here)).toBe(outcome(there))
  }, 120_000)
})
