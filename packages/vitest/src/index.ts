/**
 * `@musil/vitest`: musil's model checking and simulation as first-class Vitest tests.
 *
 * @packageDocumentation
 */
import './matchers/register.ts'

/** Re-exported from `@musil/core`, which throws it too. */
export { NothingCheckedError } from '@musil/core'
// ---- simulations in Vitest: simTest, sweeps, replay
export type {
  FailingSeedMemory,
  MusilTaskMeta,
  ProvidedSeed,
  ReportedFailure,
  SeedSource,
  Shard,
} from './context.ts'
export { SeedConfigError, SweepError } from './errors.ts'
export type {
  DeadlockMatcherOptions,
  SafetyMatcherOptions,
} from './matchers/model-matchers.ts'
export type { MusilMatchers } from './matchers/register.ts'
export { isRunReport } from './matchers/simulation-matchers.ts'
export type { ConvergeMatcherOptions } from './matchers/to-converge.ts'
export type { RefineMatcherOptions } from './matchers/to-refine.ts'
export {
  type ModelTestAPI,
  type ModelTestOptions,
  modelTest,
  type SwarmTestOptions,
} from './model-test.ts'
export { type ReplayTarget, replayCommand } from './replay.ts'
export { type ChosenSeed, chooseSeed, type SeedInputs } from './seed-choice.ts'
export {
  expandSeeds,
  inShard,
  parseSeed,
  parseShard,
  type SeedRange,
  type SeedSet,
} from './seeds.ts'
export {
  type EachSeed,
  type SimFixtures,
  type SimSweepOptions,
  type SimTestAPI,
  type SimTestFunction,
  simTest,
} from './sim-test.ts'
export {
  digestInWorker,
  type SweepMode,
  type SweepOptions,
  type SweepReport,
  sweep,
} from './sweep/sweep.ts'
export {
  defineScenario,
  defineSimulation,
  type ScenarioTarget,
  type SeedFailure,
  type SimTarget,
  type SimulationTarget,
} from './target.ts'
