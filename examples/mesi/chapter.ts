import { check } from '@musil/core'
import { type Chapter, count, stepList } from '../chapter.ts'
import { linesOf, mesi } from './mesi.ts'

/** MESI: an owner that survives a read-for-ownership leaves two caches in M; a share without write-back serves a stale read; MESI keeps both invariants. */
export const mesiChapter: Chapter = {
  id: 'mesi',
  title: 'Cache coherence (MESI)',
  part: 'State machines and coherence',
  bug() {
    const twoOwners = check(mesi({ protocol: 'rdx-keeps-owner' })).violation
    const stale = check(mesi({ protocol: 'no-writeback-on-share' })).violation
    const last = twoOwners?.trace.at(-1)?.state
    const modified = last && linesOf(last).filter((c) => c.state === 'M').length
    return {
      ok: twoOwners?.name === 'swmr' && modified === 2 && stale?.name === 'dataValue',
      summary:
        twoOwners && stale
          ? `two caches in M after ${stepList(twoOwners.trace)}; a stale read after ${stepList(stale.trace)}`
          : 'no incoherence found',
    }
  },
  fix() {
    const results = [2, 3, 4].map((caches) => check(mesi({ caches })))
    return {
      ok: results.every((r) => r.ok),
      summary: `MESI keeps SWMR and the data-value invariant: ${results
        .map((r, i) => `${i + 2} caches ${count(r.stats.distinct)} states`)
        .join(', ')}`,
    }
  },
}
