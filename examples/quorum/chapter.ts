import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { quorum, verdicts } from './quorum.ts'

/** Quorums: W + R <= N lets a read miss an acknowledged write; W + R > N never does, and only it. */
export const quorumChapter: Chapter = {
  id: 'quorum',
  title: 'Quorum replication (Dynamo)',
  part: 'Replication and consistency',
  bug() {
    const v = check(quorum({ n: 3, w: 2, r: 1 })).violation
    return {
      ok: v?.name === 'readsLatestWrite',
      summary: v
        ? `N=3, W=2, R=1: a read misses the acknowledged write, trace of ${v.trace.length} states`
        : 'N=3, W=2, R=1: no stale read found',
    }
  },
  fix() {
    const dynamo = check(quorum({ n: 3, w: 2, r: 2 }))
    const rows = verdicts(3)
    const iff = rows.every((v) => v.ok === v.overlap)
    return {
      ok: dynamo.ok && iff,
      summary: `N=3, W=2, R=2: ${count(dynamo.stats.distinct)} states, every read returns the write; read-after-write holds iff W + R > N in all ${rows.length} (N, W, R) with N <= 3`,
    }
  },
}
