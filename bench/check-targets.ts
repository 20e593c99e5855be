// The models check.bench.ts hands to checkParallel's worker threads (a model cannot be sent to
// a thread): TwoPhase with MUSIL_BENCH_RM resource managers (the workers inherit the variable).
import { defineModel, type Model } from '@musil/core'
import {
  type TwoPhaseState,
  twoPhaseCommit,
} from '../examples/two-phase-commit/two-phase-commit.ts'

const rm = (): number => Number(process.env.MUSIL_BENCH_RM ?? 7)

export const twoPhase = (): Model<TwoPhaseState> => twoPhaseCommit(rm())

/**
 * A violating variant: the invariant "not every resource manager has committed" fails deep in
 * the search, so the counterexample's length says whether the search found a shortest one.
 */
export const twoPhaseAllCommit = (): Model<TwoPhaseState> => {
  const model = twoPhaseCommit(rm())
  return defineModel<TwoPhaseState>({
    ...model,
    name: `${model.name}AllCommit`,
    invariants: {
      ...model.invariants,
      notAllCommitted: (s) => !Object.values(s.rmState).every((v) => v === 'committed'),
    },
  })
}
