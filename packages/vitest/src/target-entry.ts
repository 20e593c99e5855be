/**
 * `@musil/vitest/target`: define simulation targets without importing Vitest, so the module that
 * exports them loads in a sweep's worker threads too.
 *
 * @module
 */
export {
  defineScenario,
  defineSimulation,
  type ScenarioTarget,
  type SimTarget,
  type SimulationTarget,
} from './target.ts'
