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
export {
  ModelDefinitionError,
  MusilError,
  StateEncodingError,
  StateMutationError,
  UserCodeError,
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
