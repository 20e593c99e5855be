/**
 * The targets `bench/sweep.bench.ts` sweeps: route delivery (callback nodes, `simulate`) and the
 * correct Raft election (async code, `explore`). A module of its own, because sweep workers
 * import targets by module URL and export name.
 */
import { defineScenario, defineSimulation } from '@musil/vitest/target'
import { election } from '../examples/raft-election/raft-election.ts'
import {
  caughtUp,
  lossyLink,
  routeNodes,
  routeSnapshot,
  routesModel,
} from '../examples/reconciliation-under-loss/reconciliation-under-loss.ts'

/** Re-push over a lossy, reordering link, held to the model and the goal. */
export const routeDelivery = defineSimulation(routeNodes(true), {
  snapshot: routeSnapshot,
  network: lossyLink,
  invariants: { noStaleOrInvented: (w) => w.applied <= w.desired },
  model: routesModel(),
  abstraction: (w) => w,
  goal: caughtUp,
})

/** Three nodes electing a leader for 3 s of virtual time, one vote per term. */
export const raftElection = defineScenario(election())
