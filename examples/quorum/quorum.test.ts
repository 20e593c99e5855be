import { readFileSync } from 'node:fs'
import { check, checkLiveness, formatTrace } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { expectPageQuotes } from '../page-quotes.ts'
import { quorumChapter } from './chapter.ts'
import { type Client, quorum, verdicts, verdictTable } from './quorum.ts'

const page = readFileSync(new URL('../../docs/examples/quorum.md', import.meta.url), 'utf8')
const clientOf = (s: Record<string, unknown>) => (s.client as Record<string, Client>).c!

describe('quorum replication', () => {
  it('model the error: with N=3, W=2, R=1 a read asks the one replica the write has not reached', () => {
    const v = check(quorum({ n: 3, w: 2, r: 1 })).violation!
    expect(v.name).toBe('readsLatestWrite')
    expect(v.trace).toHaveLength(9)
    const last = v.trace.at(-1)!.state
    expect(clientOf(last)).toMatchObject({ phase: 'read', acks: 2, result: 0 })
    // The replica that answered is the one that never stored the write.
    const replied = v.trace.at(-1)!.action.split(' ')[0]!
    expect((last.replica as Record<string, { version: number }>)[replied]!.version).toBe(0)
  })

  it('a shortest stale read has 3 + 2(W + R) states: write, W stores and acks, read, R requests and replies', () => {
    for (let n = 2; n <= 4; n++) {
      for (let w = 1; w < n; w++) {
        for (let r = 1; w + r <= n; r++) {
          expect(check(quorum({ n, w, r })).violation!.trace).toHaveLength(3 + 2 * (w + r))
        }
      }
    }
  })

  it('read-after-write holds iff W + R > N, for every (N, W, R) with N <= 4', {
    timeout: 120_000,
  }, () => {
    const rows = verdicts(4)
    expect(rows).toHaveLength(1 + 4 + 9 + 16)
    expect(rows.filter((v) => v.ok !== v.w + v.r > v.n)).toEqual([])
    expect(rows.every((v) => v.overlap === v.w + v.r > v.n)).toBe(true)
    expect(rows.filter((v) => v.ok)).toHaveLength(20)
  })

  it('prevent: N=3, W=2, R=2 (the configuration the paper reports as common) is safe and deadlock-free', () => {
    const r = check(quorum({ n: 3, w: 2, r: 2 }))
    expect(r).toMatchObject({ ok: true, complete: true, stats: { distinct: 320 } })
  })

  it('the read completes when every message is eventually delivered (composition works with checkLiveness)', () => {
    const done = (s: Record<string, unknown>) => clientOf(s).phase === 'read'
    const fair = checkLiveness(quorum({ n: 3, w: 2, r: 2 }), { goal: done, fair: 'all' })
    expect(fair.ok).toBe(true)
    const unfair = checkLiveness(quorum({ n: 3, w: 2, r: 2 }), { goal: done })
    expect(unfair.ok).toBe(false)
  })

  it('rejects sizes that are not quorums', () => {
    expect(() => quorum({ n: 3, w: 4, r: 1 })).toThrow(/need 1 <= W, R <= N, got N=3, W=4, R=1/)
    expect(() => quorum({ n: 3, w: 2, r: 0 })).toThrow(RangeError)
  })
})

describe('the page', () => {
  it('shows the counterexample check returns, and the table of verdicts for N <= 3', () => {
    const v = check(quorum({ n: 3, w: 2, r: 1 })).violation!
    expect(page).toContain(`\`\`\`text\n${v.message}\n${formatTrace(v.trace)}\n\`\`\``)
    expect(page).toContain(verdictTable(verdicts(3)))
  })

  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(quorumChapter))
})
