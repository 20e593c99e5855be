import { explore, replay } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { election } from './raft-election.ts'

const SEEDS = 200

/** Raft leader election as a textbook chapter: split-brain found and replayed; the rule restored. */
export const raftElectionChapter: Chapter = {
  id: 'raft-election',
  title: 'Raft leader election',
  part: 'Distributed protocols',
  async bug() {
    const report = await explore(election({ buggy: true }), { seeds: SEEDS })
    const failure = report.failure
    if (failure === undefined)
      return { ok: false, summary: `no split-brain in ${count(SEEDS)} seeds` }
    const again = await replay(election({ buggy: true }), { seed: failure.seed })
    const reproduced =
      again.failure?.detail === failure.detail && again.timeline.length === failure.timeline.length
    return {
      ok: failure.kind === 'safety' && reproduced,
      summary: `split-brain at seed ${failure.seed}: ${failure.detail}; replay ${reproduced ? 'reproduces it' : 'DIVERGED'}`,
    }
  },
  async fix() {
    const report = await explore(election(), { seeds: SEEDS })
    return {
      ok: report.ok && report.runs === SEEDS,
      summary: report.ok
        ? `one vote per term: no two leaders in one term over the same ${count(SEEDS)} seeds`
        : `still fails: ${report.failure?.detail} (seed ${report.failure?.seed})`,
    }
  },
}
