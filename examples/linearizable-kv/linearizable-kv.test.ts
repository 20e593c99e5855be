import { readFileSync } from 'node:fs'
import {
  FaultSchedule,
  failureWindow,
  formatHistory,
  type KeyValueInput,
  type KeyValueOutput,
  type Operation,
  simulateSeed,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { linearizableKvChapter } from './chapter.ts'
import {
  bothCutOffs,
  followerCutOff,
  kvOptions,
  kvSpec,
  kvStore,
  leaderCutOff,
  simulateKv,
} from './linearizable-kv.ts'

/** A recorded history, as the key-value operations the clients recorded. */
const kvHistory = (history: readonly Operation<unknown, unknown>[] | undefined) =>
  history as Operation<KeyValueInput, KeyValueOutput>[]

/** The sole leader of a world, if there is exactly one. */
const soleLeader = (w: Record<string, string>): string | undefined => {
  const leaders = Object.keys(w).filter((r) => w[r]!.startsWith('leader '))
  return leaders.length === 1 ? leaders[0] : undefined
}

describe('linearizable key-value store', () => {
  it('design: n1 leads when each partition starts, on every seed, whatever the reads', () => {
    for (const reads of ['follower', 'leader', 'read-index'] as const) {
      for (let seed = 0; seed < 100; seed++) {
        for (const t of [119, 299]) {
          const { world } = simulateSeed(
            kvStore(reads),
            { ...kvOptions, faults: bothCutOffs, maxTime: t },
            seed,
          )
          expect(soleLeader(world), `${reads}, seed ${seed}, t=${t}`).toBe('n1')
        }
      }
    }
  })

  it('design: without a partition, even follower reads are linearizable (latency alone is not enough)', () => {
    expect(simulateKv('follower', 300, new FaultSchedule())).toMatchObject({ ok: true, runs: 300 })
  })

  it('model the error: a follower cut off serves a stale read at seed 2, which replays', () => {
    const report = simulateKv('follower', 100, followerCutOff)
    const f = report.failure!
    expect(f).toMatchObject({ seed: 2, kind: 'safety', name: 'linearizability' })
    expect(f.detail).toMatch(/^history not linearizable: /)
    const again = simulateKv('follower', [2], followerCutOff).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
    expect(again.minimizedDetail).toBe(f.minimizedDetail)
  })

  it('model the error: minimised, the run is cut at its first violation: 104 events and 7 operations', () => {
    const f = simulateKv('follower', [2], followerCutOff).failure!
    expect(f).toMatchObject({ originalLength: 1197, choices: { faults: [0], until: 133 } })
    expect(f.minimized).toHaveLength(104)
    expect(f.history).toHaveLength(7)
    // The stale read: c3 reads y from n3, cut off, after c2's put of "201" returned to it.
    const [stale] = f.linearizability!.violation!.unplaceable
    expect(stale).toMatchObject({
      operation: { client: 'c3', input: { op: 'get', key: 'y' }, output: '101', call: 129 },
      state: '201',
    })
    const put = kvHistory(f.history).find(
      (op) => op.input.op === 'put' && op.input.value === '201',
    )!
    expect(put.return).toBeLessThan(stale!.operation.call)
    // It is the run up to that instant: one ms earlier, the history is still linearizable.
    expect(
      simulateSeed(kvStore('follower'), { ...kvOptions, faults: followerCutOff, maxTime: 132 }, 2)
        .ok,
    ).toBe(true)
    expect(simulateKv('follower', [2], followerCutOff).failure!.minimized).toEqual(f.minimized)
  })

  it('model the error: reading at the leader mends the follower case, not a deposed leader', () => {
    expect(simulateKv('leader', 500, followerCutOff)).toMatchObject({ ok: true, runs: 500 })
    const f = simulateKv('leader', 100, leaderCutOff).failure!
    expect(f).toMatchObject({ seed: 3, name: 'linearizability' })
    // The stale answer comes from n1, cut off with its client c1, which still believes it leads.
    expect(f.linearizability!.violation!.unplaceable.map((u) => u.operation.client)).toContain('c1')
  })

  it('prevent: read-index is linearizable on 500 seeds, a follower then the leader cut off', () => {
    const report = simulateKv('read-index', 500, bothCutOffs)
    expect(report).toMatchObject({ ok: true, runs: 500, checked: { linearizable: true } })
  })

  it('prevent: the deposed leader answers nothing: its client gets no response while cut off', () => {
    for (let seed = 0; seed < 20; seed++) {
      const run = simulateSeed(kvStore('read-index'), { ...kvOptions, faults: bothCutOffs }, seed)
      expect(run.ok).toBe(true)
      // The partition is from 300 to 650: c1 keeps asking n1 and never hears back.
      const c1 = run.trace.filter((e) => e.node === 'c1' && e.t > 300 && e.t < 650)
      expect(c1.filter((e) => e.kind === 'invoke').length).toBeGreaterThan(2)
      expect(c1.filter((e) => e.kind === 'ok')).toEqual([])
      // Its puts have an unknown outcome; its gets were left out (a failed get changes nothing).
      const ops = kvHistory(run.history).filter(
        (op) => op.client === 'c1' && op.call > 300 && op.call < 630,
      )
      expect(ops.every((op) => op.input.op === 'put' && op.return === Infinity)).toBe(true)
    }
  })
})

describe('the page', () => {
  const page = readFileSync(
    new URL('../../docs/examples/linearizable-kv.md', import.meta.url),
    'utf8',
  )

  it('quotes what the textbook prints', async () => {
    const [bug, fix] = await Promise.all([linearizableKvChapter.bug(), linearizableKvChapter.fix()])
    expect(page.split('\n')[0]).toBe(`# ${linearizableKvChapter.title}`)
    expect(page).toContain(`bug  found    ${bug.summary}`)
    expect(page).toContain(`fix  verified ${fix.summary}`)
  })

  it('draws the stale read as the checker found it', () => {
    const f = simulateKv('follower', [2], followerCutOff).failure!
    const v = f.linearizability!.violation!
    const drawn = formatHistory(f.history!, {
      spec: kvSpec,
      violation: v,
      operations: failureWindow(f.history!, v),
    })
    expect(page).toContain(`\`\`\`text\n${drawn}\n\`\`\``)
  })
})
