import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { MC_PAXOS, paxos, THREE_ACCEPTORS } from './paxos.ts'

/** Single-decree Paxos: skipping phase 1 chooses two values; Paxos.tla's count matches TLC's. */
export const paxosChapter: Chapter = {
  id: 'paxos',
  title: 'Single-decree Paxos',
  part: 'Agreement and coordination',
  bug() {
    const v = check(paxos({ ...THREE_ACCEPTORS, skipPhase1: true })).violation
    return {
      ok: v?.name === 'oneValueChosen',
      summary: v
        ? `phase 1 skipped: two values chosen, trace of ${v.trace.length} states`
        : 'no second value chosen',
    }
  },
  fix() {
    const tlc = check(paxos(MC_PAXOS))
    const full = check(paxos(THREE_ACCEPTORS))
    // TLC's counts: published for MCPaxos (tlaplus/Examples' manifest.json); for 3 acceptors,
    // from a run of TLC on Paxos.tla with the quorum quantifier as a guard (see the page).
    const matches = tlc.stats.distinct === 25 && tlc.stats.generated === 82
    const fullMatches = full.stats.distinct === 3921 && full.stats.generated === 22995
    return {
      ok: tlc.ok && matches && full.ok && fullMatches,
      summary: `one value chosen in all ${count(full.stats.distinct)} states (3 acceptors, 2 values, 2 ballots), as TLC; MCPaxos: ${tlc.stats.distinct} distinct, ${tlc.stats.generated} generated, as TLC`,
    }
  },
}
