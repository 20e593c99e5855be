import { check, checkLiveness } from '@musil/core'
import { type Chapter, count, replays, stepsOf } from '../chapter.ts'
import { simulateElection } from './leader-election.nodes.ts'
import { hasLeader, leaderElection } from './leader-election.ts'

/** Progress, with every action weakly fair (timeouts included: they keep firing). */
export const eventuallyALeader = { goal: hasLeader, goalName: 'a leader', fair: 'all' } as const

/** Seeds the simulation sweeps. */
export const SEEDS = 100

/** Leader election: two leaders in a term, no leader under split votes; the fix keeps both. */
export const leaderElectionChapter: Chapter = {
  id: 'leader-election',
  title: 'Leader election',
  part: 'Agreement and coordination',
  bug() {
    const twoLeaders = check(leaderElection({ policy: 'vote-twice' })).violation
    const split = checkLiveness(leaderElection({ policy: 'once' }), eventuallyALeader).violation
    const sim = simulateElection({ policy: 'vote-twice' }, SEEDS).failure
    return {
      ok:
        twoLeaders?.name === 'oneLeaderPerTerm' &&
        split !== undefined &&
        sim?.kind === 'safety' &&
        replays(sim, (seeds) => simulateElection({ policy: 'vote-twice' }, seeds)),
      summary:
        `two leaders in one term: trace of ${twoLeaders?.trace.length} states, and seed ${sim?.seed} of the code (${sim?.minimized.length} events, replays byte for byte); ` +
        `split votes: no leader ever, lasso after ${stepsOf(split?.prefix)} steps`,
    }
  },
  fix() {
    const model = leaderElection({ policy: 'yield' })
    const safe = check(model)
    const live = checkLiveness(model, eventuallyALeader)
    const sim = simulateElection({ policy: 'yield' }, SEEDS)
    return {
      ok: safe.ok && live.ok && sim.ok && sim.runs === SEEDS,
      summary: `one vote per term and the bully tie-break: ${count(safe.stats.distinct)} states, one leader per term, a leader under fairness; the code refines the model on ${count(sim.runs)} seeds`,
    }
  },
}
