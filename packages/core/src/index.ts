/**
 * `@musil/core`: model-check a distributed or concurrent design, and deterministically simulate
 * the real code that implements it.
 *
 * @packageDocumentation
 */

// Models: states, actions, symmetry, models built from code

export {
  type Action,
  type ActionBuilder,
  action,
  type EachAction,
  type EachActionOptions,
  type SingleAction,
} from './model/action.ts'
export {
  type BagValue,
  type Channel,
  type ChannelActionsOptions,
  type ChannelKind,
  type ChannelOptions,
  type ChannelValue,
  channel,
  type Envelope,
  type FifoValue,
  type MessageOf,
} from './model/channel.ts'
export {
  type AnyMessage,
  type ChannelKeys,
  type Component,
  type ComponentContext,
  type ComponentSpec,
  type ComponentView,
  type Composed,
  type ComposeSpec,
  type CrashOptions,
  component,
  compose,
  type LocalAction,
  type LocalActionBuilder,
  localAction,
} from './model/compose.ts'
export { fingerprintHex } from './model/fingerprint.ts'
export {
  declaredStates,
  type StateOf,
  type StatusField,
  type StatusFieldHooks,
  type StatusFieldOptions,
  type StatusLens,
  type StringFieldOf,
  statusFieldActions,
  type TransitionTable,
} from './model/from-code.ts'
export { defineModel, isModel, type Model, type ModelSpec } from './model/model.ts'
export { type Successor, successors } from './model/successors.ts'
export { symmetricIds } from './model/symmetry.ts'

// Model checking: safety, liveness, refinement, open systems

export { check } from './check/check.ts'
export {
  checkLiveness,
  type LivenessOptions,
  type LivenessResult,
  type LivenessStats,
  type LivenessViolation,
  type LivenessWarning,
} from './check/liveness.ts'
export {
  checkOpen,
  checkOpenWith,
  formatAssumptions,
  type OpenCheckResult,
  openModel,
  residualObligations,
} from './check/open.ts'
export {
  checkParallel,
  type ModelTarget,
  type ParallelCheckOptions,
} from './check/parallel.ts'
export {
  checkRefinement,
  type RefinementOptions,
  type RefinementResult,
  type RefinementStats,
  type RefinementViolation,
} from './check/refinement.ts'
export {
  mergeSwarmReports,
  parseShard,
  readSwarmReports,
  replaySwarmTrace,
  type SwarmOptions,
  type SwarmShard,
  type SwarmShardReport,
  type SwarmVerdict,
  type SwarmViolation,
  swarmShard,
  writeSwarmReport,
} from './check/swarm.ts'
export type {
  CheckMode,
  CheckOptions,
  CheckProgress,
  CheckpointOptions,
  CheckResult,
  CheckStats,
  Incompleteness,
  MemoryOptions,
  RandomWalkReport,
  SafetyViolation,
  Step,
} from './check/types.ts'

// Environments for open systems (prebuilt ones live under @musil/core/environments/*)

export {
  type Assumption,
  defineEnvironment,
  type EnvironmentAssumption,
  type EnvironmentOptions,
  type EnvironmentSpec,
} from './environments/spec.ts'

// Simulation of callback nodes: nodes, network, faults, adversarial nodes

export {
  AdversarialNode,
  type AdversarialOptions,
  type Behavior,
  type BehaviorAct,
  type BehaviorWhen,
} from './sim/adversarial.ts'
export {
  type CrashTiming,
  crash,
  FaultSchedule,
  type PartitionWindow,
  partition,
  type ScheduledCrash,
  type ScheduledFault,
  type ScheduledPartition,
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
export type {
  MessageRef,
  MinimizeOptions,
  SimChecks,
  SimChoices,
  SimEnd,
  SimFailure,
  SimReport,
  SimRun,
  SimStats,
  SimulateOptions,
} from './sim/types.ts'
export { traceDigest } from './trace/digest.ts'

// Deterministic async runtime: explore, replay, World, audit mode

/**
 * The async runtime's name for {@link traceDigest}: the same function (one digest for both
 * runtimes), kept so that code written against `timeline` reads naturally.
 */
export { traceDigest as timelineDigest } from './trace/digest.ts'
export { auditMode } from './world/audit-mode.ts'
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
  type LatencyBounds,
  type Message,
  type Network,
  type RecvOptions,
} from './world/network.ts'
export type { StrategyName } from './world/strategy.ts'
export type { RunForOptions, RunUntilOptions, TaskHandle, World } from './world/world.ts'

// Linearizability: histories of operations checked against sequential specs

export { checkLinearizability } from './linearizability/check.ts'
export type {
  AsyncHistoryRecorder,
  HistoryRecorder,
  InvokeOptions,
  PendingOperation,
  RecordOptions,
} from './linearizability/recorder.ts'
export {
  isLinearizabilityFailure,
  type LinearizableCheckOptions,
  type LinearizableOption,
} from './linearizability/run-check.ts'
export {
  type KeyValueInput,
  type KeyValueOutput,
  type KeyValueSpecOptions,
  keyValueSpec,
} from './linearizability/specs/key-value.ts'
export { type MutexInput, type MutexOutput, mutexSpec } from './linearizability/specs/mutex.ts'
export { type QueueInput, type QueueOutput, queueSpec } from './linearizability/specs/queue.ts'
export {
  type RegisterInput,
  type RegisterOutput,
  type RegisterSpecOptions,
  registerSpec,
} from './linearizability/specs/register.ts'
export { type SetInput, type SetOutput, setSpec } from './linearizability/specs/set.ts'
export type {
  LinearizabilityOptions,
  LinearizabilityResult,
  LinearizabilityVerdict,
  LinearizabilityViolation,
  Operation,
  SequentialSpec,
  UnplaceableOperation,
} from './linearizability/types.ts'

// Linearizability: histories recorded by real systems (Jepsen's history.edn and jepsen.log)

export type { EdnValue } from './linearizability/edn.ts'
export {
  type JepsenEvent,
  type JepsenEventType,
  type JepsenHistoryOptions,
  type JepsenInput,
  type JepsenOperationMapping,
  readJepsenHistory,
  readJepsenLog,
} from './linearizability/jepsen.ts'
export {
  independentKeys,
  type JepsenRegisterInput,
  jepsenKeyValue,
  jepsenRegister,
} from './linearizability/jepsen-mappings.ts'

// Reports shared by both simulation runtimes

export type {
  FailureKind,
  RunChecks,
  RunFailure,
  RunReport,
  TraceEvent,
} from './report.ts'

// Rendering: traces, diagrams, values

export { formatValue } from './format/value.ts'
export { type DiagramOptions, toDot, toMermaid } from './render/diagrams.ts'
export {
  type FormatHistoryOptions,
  failureWindow,
  formatHistory,
} from './render/history.ts'
export {
  type HistoryDiagram,
  type HistoryDiagramOperation,
  type HistoryDiagramOptions,
  type HistoryOperationStatus,
  historyDiagram,
} from './render/history-diagram.ts'
export {
  type HistorySvgOptions,
  historyDiagramToSvg,
  historyToSvg,
} from './render/history-svg.ts'
export { type MermaidSequenceOptions, toMermaidSequence } from './render/sim-trace.ts'
export { diffStates, formatChange, type StateChange } from './render/state-diff.ts'
export {
  type GraphEdge,
  type GraphNode,
  type StateGraph,
  stateGraph,
} from './render/state-graph.ts'
export { describeStep, type FormatTraceOptions, formatTrace, traceLines } from './render/trace.ts'
export {
  type FormatSimTraceOptions,
  formatEvent,
  formatSimTrace,
  formatTimeline,
} from './trace/format.ts'

// The package version

export { version } from './version.ts'

// Randomness

export { RandomStream } from './random/stream.ts'

// Errors

export {
  BoundaryError,
  ChannelError,
  CheckpointError,
  DeadlineError,
  DeadlockError,
  EntropyLeakError,
  EnvironmentSpecError,
  HistoryError,
  HistoryFormatError,
  InvariantError,
  ModelDefinitionError,
  MusilError,
  NodeContextError,
  OptionsError,
  ParallelCheckError,
  SeedConfigError,
  SequentialSpecError,
  SimulationConfigError,
  StateEncodingError,
  StateMutationError,
  SwarmReportError,
  TransitionTableError,
  UserCodeError,
  WorldUsageError,
} from './errors.ts'

// Vitest integration (simTest, sweeps, replay): errors core and @musil/vitest both throw

export { NothingCheckedError, PluginMissingError } from './errors.ts'
