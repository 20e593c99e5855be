/**
 * `@musil/core`: model-check a distributed or concurrent design, and deterministically simulate
 * the real code that implements it.
 *
 * @packageDocumentation
 */

// ---- model checking
export { check } from './check/check.ts'
export type {
  CheckOptions,
  CheckProgress,
  CheckResult,
  CheckStats,
  Incompleteness,
  SafetyViolation,
  Step,
} from './check/types.ts'
// ---- errors
// ---- deterministic async runtime (explore / replay), audit mode
export {
  BoundaryError,
  DeadlineError,
  DeadlockError,
  EntropyLeakError,
  InvariantError,
  ModelDefinitionError,
  MusilError,
  StateEncodingError,
  StateMutationError,
  UserCodeError,
  WorldUsageError,
} from './errors.ts'
// ---- models
export {
  type Action,
  type ActionBuilder,
  action,
  type EachAction,
  type SingleAction,
} from './model/action.ts'
export { fingerprintHex } from './model/fingerprint.ts'
export { defineModel, isModel, type Model, type ModelSpec } from './model/model.ts'
export { type Successor, successors } from './model/successors.ts'
// ---- randomness
export { RandomStream } from './random/stream.ts'
// ---- rendering
export { formatValue } from './render/value.ts'
// ---- simulation reports (shared by simulate and explore)
export type { FailureKind, RunFailure, RunReport, TraceEvent } from './report.ts'
export {
  type ExploreOptions,
  type ExploreReport,
  explore,
  type ReplayOptions,
  type ReplayReport,
  type RunOptions,
  replay,
  type Scenario,
  type WorldFailure,
} from './world/explore.ts'
export type {
  CrashFault,
  FaultFactory,
  FaultHandle,
  PartitionFault,
  SlowLinkFault,
} from './world/faults.ts'
export {
  type BindOptions,
  DEFAULT_LATENCY,
  type Endpoint,
  type Message,
  type Network,
  type RecvOptions,
} from './world/network.ts'
export type { StrategyName } from './world/strategy.ts'
export { formatEvent, formatTimeline, timelineDigest } from './world/timeline.ts'
export type { RunForOptions, RunUntilOptions, TaskHandle, World } from './world/world.ts'
