// Sweep targets whose runs check their histories: the replicated register of the core tests,
// which serves stale reads while its backup is cut off, as callback nodes and as async code.
// The spec holds functions: it lives here, in the module each worker thread imports.
import { defineScenario, defineSimulation } from '@musil/vitest/target'
import {
  backupCutOff,
  registerNodes,
  registerOptions,
  zeroRegister,
} from '../../../core/test/linearizability/stale-register.ts'
import { registerScenario } from '../../../core/test/linearizability/stale-register-async.ts'

/** Callback nodes, the backup cut off from t=12 to t=60: some seeds read stale values. */
export const staleNodes = defineSimulation(registerNodes, {
  ...registerOptions,
  faults: backupCutOff,
  linearizable: zeroRegister,
})

/** The same with no partition: every history is linearizable. */
export const healthyNodes = defineSimulation(registerNodes, {
  ...registerOptions,
  linearizable: { spec: zeroRegister, timeoutMs: 10_000 },
})

/** Async code, a partition window drawn by the seed. */
export const staleScenario = defineScenario(registerScenario({ partition: true }), {
  linearizable: zeroRegister,
})
