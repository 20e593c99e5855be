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
  BoundaryError,
  DeadlineError,
  DeadlockError,
  EntropyLeakError,
  InvariantError,
  ModelDefinitionError,
  MusilError,
  NodeContextError,
  SeedConfigError,
  SimulationConfigError,
  StateEncodingError,
  StateMutationError,
  SweepError,
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
export { symmetricIds } from './model/symmetry.ts'
// ---- randomness
export { RandomStream } from './random/stream.ts'
// ---- rendering
export { type DiagramOptions, toDot, toMermaid } from './render/diagrams.ts'
// ---- simulation of callback nodes (simulate, network, faults, adversarial nodes, trace rendering)
export {
  type FormatSimTraceOptions,
  formatSimTrace,
  toMermaidSequence,
} from './render/sim-trace.ts'
export { diffStates, formatChange, type StateChange } from './render/state-diff.ts'
export {
  type GraphEdge,
  type GraphNode,
  type StateGraph,
  stateGraph,
} from './render/state-graph.ts'
export { describeStep, type FormatTraceOptions, formatTrace, traceLines } from './render/trace.ts'
// ---- rendering
export { formatValue } from './render/value.ts'
// ---- simulation reports (shared by simulate and explore)
export type { FailureKind, RunFailure, RunReport, TraceEvent } from './report.ts'
export {
  AdversarialNode,
  type AdversarialOptions,
  type Behavior,
  type BehaviorAct,
  type BehaviorWhen,
} from './sim/adversarial.ts'
export { traceDigest } from './sim/digest.ts'
export {
  type CrashFault,
  crash,
  type Fault,
  FaultSchedule,
  type PartitionFault,
  partition,
} from './sim/faults.ts'
export {
  type LinkOptions,
  type LinkOverride,
  type LinkSettings,
  type MutateFn,
  NetworkModel,
  type NetworkOptions,
} from './sim/network.ts'
export {
  BaseNode,
  type Context,
  type DurableStorage,
  type Node,
  type NodeFactory,
  type Nodes,
} from './sim/node.ts'
export { simulate, simulateSeed } from './sim/simulate.ts'
export { causalSlice } from './sim/slice.ts'
export {
  DEFAULT_MAX_STEPS,
  DEFAULT_MAX_TIME,
  type MessageRef,
  type SimChoices,
  type SimEnd,
  type SimFailure,
  type SimReport,
  type SimRun,
  type SimStats,
  type SimulateOptions,
} from './sim/types.ts'
// ---- deterministic async runtime (explore / replay), audit mode
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
  CrashFault as WorldCrashFault,
  FaultFactory,
  FaultHandle,
  PartitionFault as WorldPartitionFault,
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
