// The model check.bench.ts hands to checkParallel's worker threads (a model cannot be sent to
// a thread): TwoPhase with MUSIL_BENCH_RM resource managers (the workers inherit the variable).
import { twoPhaseCommit } from '../examples/two-phase-commit/two-phase-commit.ts'

export const twoPhase = () => twoPhaseCommit(Number(process.env.MUSIL_BENCH_RM ?? 7))
