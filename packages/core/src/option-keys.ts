/**
 * The registry of every options object and definition `@musil/core` accepts, with its valid
 * keys. Each list is declared once, next to its type (where the compiler holds it to the type);
 * this module only gathers them, for the API reference's options table (a test keeps the two
 * equal) and for `@musil/vitest`, whose matchers and targets take the same options.
 *
 * @module
 */
import { LIVENESS_OPTION_KEYS, type LivenessOptions } from './check/liveness.ts'
import { PARALLEL_CHECK_OPTION_KEYS, type ParallelCheckOptions } from './check/parallel.ts'
import { REFINEMENT_OPTION_KEYS, type RefinementOptions } from './check/refinement.ts'
import { CHECK_OPTION_KEYS, type CheckOptions } from './check/types.ts'
import {
  API_THROTTLING_OPTION_KEYS,
  type ApiThrottlingOptions,
  EVENTUAL_CONSISTENCY_OPTION_KEYS,
  type EventualConsistencyOptions,
} from './environments/aws.ts'
import {
  LEADER_CHANGE_OPTION_KEYS,
  type LeaderChangeOptions,
  STALE_READ_OPTION_KEYS,
  type StaleReadOptions,
} from './environments/etcd.ts'
import {
  NODE_DRAIN_OPTION_KEYS,
  type NodeDrainOptions,
  POD_EVICTION_OPTION_KEYS,
  type PodEvictionOptions,
} from './environments/k8s.ts'
import {
  CLOCK_STEP_OPTION_KEYS,
  type ClockStepOptions,
  DISK_FULL_OPTION_KEYS,
  type DiskFullOptions,
  OOM_KILL_OPTION_KEYS,
  type OomKillOptions,
} from './environments/linux.ts'
import {
  CAPABILITY_REVOCATION_OPTION_KEYS,
  type CapabilityRevocationOptions,
  IPC_FAULT_OPTION_KEYS,
  type IpcFaultOptions,
} from './environments/sel4.ts'
import {
  ASSUMPTION_KEYS,
  type Assumption,
  ENVIRONMENT_OPTION_KEYS,
  ENVIRONMENT_SPEC_KEYS,
  type EnvironmentOptions,
  type EnvironmentSpec,
} from './environments/spec.ts'
import { LINEARIZABILITY_OPTION_KEYS, SEQUENTIAL_SPEC_KEYS } from './linearizability/check.ts'
import { JEPSEN_HISTORY_OPTION_KEYS, type JepsenHistoryOptions } from './linearizability/jepsen.ts'
import {
  INVOKE_OPTION_KEYS,
  type InvokeOptions,
  RECORD_OPTION_KEYS,
  type RecordOptions,
} from './linearizability/recorder.ts'
import {
  LINEARIZABLE_CHECK_OPTION_KEYS,
  type LinearizableCheckOptions,
} from './linearizability/run-check.ts'
import {
  KEY_VALUE_SPEC_OPTION_KEYS,
  type KeyValueSpecOptions,
} from './linearizability/specs/key-value.ts'
import {
  REGISTER_SPEC_OPTION_KEYS,
  type RegisterSpecOptions,
} from './linearizability/specs/register.ts'
import type { LinearizabilityOptions, SequentialSpec } from './linearizability/types.ts'
import { EACH_ACTION_OPTION_KEYS, type EachActionOptions } from './model/action.ts'
import {
  CHANNEL_ACTIONS_OPTION_KEYS,
  CHANNEL_OPTION_KEYS,
  type ChannelActionsOptions,
  type ChannelOptions,
} from './model/channel.ts'
import {
  COMPONENT_SPEC_KEYS,
  COMPOSE_SPEC_KEYS,
  type ComponentSpec,
  type ComposeSpec,
  CRASH_OPTION_KEYS,
  type CrashOptions,
} from './model/compose.ts'
import { STATUS_FIELD_OPTION_KEYS, type StatusFieldOptions } from './model/from-code.ts'
import { MODEL_SPEC_KEYS, type ModelSpec } from './model/model.ts'
import type { OptionKey } from './options.ts'
import { DIAGRAM_OPTION_KEYS, type DiagramOptions } from './render/diagrams.ts'
import { FORMAT_HISTORY_OPTION_KEYS, type FormatHistoryOptions } from './render/history.ts'
import {
  HISTORY_DIAGRAM_OPTION_KEYS,
  type HistoryDiagramOptions,
} from './render/history-diagram.ts'
import {
  FORMAT_SIM_TRACE_OPTION_KEYS,
  type FormatSimTraceOptions,
  MERMAID_SEQUENCE_OPTION_KEYS,
  type MermaidSequenceOptions,
} from './render/sim-trace.ts'
import { FORMAT_TRACE_OPTION_KEYS, type FormatTraceOptions } from './render/trace.ts'
import { ADVERSARIAL_OPTION_KEYS, type AdversarialOptions } from './sim/adversarial.ts'
import {
  CRASH_TIMING_KEYS,
  type CrashTiming,
  PARTITION_WINDOW_KEYS,
  type PartitionWindow,
  SCHEDULED_CRASH_KEYS,
  SCHEDULED_PARTITION_KEYS,
  type ScheduledCrash,
  type ScheduledPartition,
} from './sim/faults.ts'
import {
  LINK_OPTION_KEYS,
  LINK_OVERRIDE_KEYS,
  type LinkOptions,
  type LinkOverride,
  NETWORK_OPTION_KEYS,
  type NetworkOptions,
} from './sim/network.ts'
import type { Nodes } from './sim/node.ts'
import {
  MINIMIZE_OPTION_KEYS,
  type MinimizeOptions,
  SIMULATE_OPTION_KEYS,
  type SimulateOptions,
} from './sim/types.ts'
import {
  EXPLORE_OPTION_KEYS,
  type ExploreOptions,
  REPLAY_OPTION_KEYS,
  type ReplayOptions,
  RUN_OPTION_KEYS,
  type RunOptions,
} from './world/explore.ts'
import {
  CRASH_FAULT_KEYS,
  type CrashFault,
  PARTITION_FAULT_KEYS,
  type PartitionFault,
  SLOW_LINK_FAULT_KEYS,
  type SlowLinkFault,
} from './world/faults.ts'
import {
  BIND_OPTION_KEYS,
  type BindOptions,
  LATENCY_KEYS,
  type LatencyBounds,
  RECV_OPTION_KEYS,
  type RecvOptions,
} from './world/network.ts'
import {
  RUN_FOR_OPTION_KEYS,
  RUN_UNTIL_OPTION_KEYS,
  type RunForOptions,
  type RunUntilOptions,
} from './world/world.ts'

/**
 * Every options object and definition `@musil/core` accepts, by name (its TypeScript type, or
 * the option it sits in), mapped to its type.
 */
export interface CoreOptionTypes {
  ModelSpec: ModelSpec<unknown>
  CheckOptions: CheckOptions
  ParallelCheckOptions: ParallelCheckOptions
  LivenessOptions: LivenessOptions<unknown>
  RefinementOptions: RefinementOptions
  EnvironmentSpec: EnvironmentSpec<unknown>
  Assumption: Assumption
  EnvironmentOptions: EnvironmentOptions<unknown>
  PodEvictionOptions: PodEvictionOptions<unknown, unknown>
  NodeDrainOptions: NodeDrainOptions<unknown, unknown>
  ApiThrottlingOptions: ApiThrottlingOptions<unknown, unknown>
  EventualConsistencyOptions: EventualConsistencyOptions<unknown, unknown>
  LeaderChangeOptions: LeaderChangeOptions<unknown>
  StaleReadOptions: StaleReadOptions<unknown, unknown>
  OomKillOptions: OomKillOptions<unknown, unknown>
  ClockStepOptions: ClockStepOptions<unknown, unknown>
  DiskFullOptions: DiskFullOptions<unknown>
  CapabilityRevocationOptions: CapabilityRevocationOptions<unknown, unknown>
  IpcFaultOptions: IpcFaultOptions<unknown, unknown>
  StatusFieldOptions: StatusFieldOptions<unknown, string>
  DiagramOptions: DiagramOptions<unknown>
  FormatTraceOptions: FormatTraceOptions
  FormatSimTraceOptions: FormatSimTraceOptions
  MermaidSequenceOptions: MermaidSequenceOptions
  SimulateOptions: SimulateOptions<Nodes, unknown>
  'SimulateOptions.minimize': MinimizeOptions
  LinearizableCheckOptions: LinearizableCheckOptions
  InvokeOptions: InvokeOptions
  RecordOptions: RecordOptions
  NetworkOptions: NetworkOptions
  LinkOverride: LinkOverride
  LinkOptions: LinkOptions
  PartitionWindow: PartitionWindow
  CrashTiming: CrashTiming
  ScheduledPartition: ScheduledPartition
  ScheduledCrash: ScheduledCrash
  AdversarialOptions: AdversarialOptions
  RunOptions: RunOptions
  ExploreOptions: ExploreOptions
  ReplayOptions: ReplayOptions
  BindOptions: BindOptions
  'BindOptions.latency': LatencyBounds
  RecvOptions: RecvOptions
  RunForOptions: RunForOptions
  RunUntilOptions: RunUntilOptions
  PartitionFault: PartitionFault
  SlowLinkFault: SlowLinkFault
  CrashFault: CrashFault
  SequentialSpec: SequentialSpec<unknown, unknown, unknown>
  LinearizabilityOptions: LinearizabilityOptions
  RegisterSpecOptions: RegisterSpecOptions<unknown>
  KeyValueSpecOptions: KeyValueSpecOptions
  FormatHistoryOptions: FormatHistoryOptions<unknown, unknown, unknown>
  JepsenHistoryOptions: JepsenHistoryOptions<unknown, unknown>
  HistoryDiagramOptions: HistoryDiagramOptions<unknown, unknown, unknown>
  EachActionOptions: EachActionOptions<unknown>
  ChannelOptions: ChannelOptions<unknown>
  ChannelActionsOptions: ChannelActionsOptions<unknown, unknown>
  ComponentSpec: ComponentSpec<unknown, unknown>
  CrashOptions: CrashOptions<unknown, unknown>
  ComposeSpec: ComposeSpec<unknown>
}

/** The name of an options object of `@musil/core`. */
export type CoreOptionsName = keyof CoreOptionTypes

/**
 * Every options object and definition `@musil/core` accepts, by name, with its valid keys: any
 * other key is rejected with an `OptionsError` naming it and the nearest valid key. The table in
 * `docs/api/options.md` lists the same, with where each object is given.
 *
 * @example
 * OPTION_KEYS.CheckOptions // ['maxStates', 'maxDepth', 'deadlock', 'onProgress', 'progressIntervalMs']
 */
export const OPTION_KEYS: {
  readonly [K in CoreOptionsName]: readonly OptionKey<CoreOptionTypes[K]>[]
} = {
  ModelSpec: MODEL_SPEC_KEYS,
  CheckOptions: CHECK_OPTION_KEYS,
  ParallelCheckOptions: PARALLEL_CHECK_OPTION_KEYS,
  LivenessOptions: LIVENESS_OPTION_KEYS,
  RefinementOptions: REFINEMENT_OPTION_KEYS,
  EnvironmentSpec: ENVIRONMENT_SPEC_KEYS,
  Assumption: ASSUMPTION_KEYS,
  EnvironmentOptions: ENVIRONMENT_OPTION_KEYS,
  PodEvictionOptions: POD_EVICTION_OPTION_KEYS,
  NodeDrainOptions: NODE_DRAIN_OPTION_KEYS,
  ApiThrottlingOptions: API_THROTTLING_OPTION_KEYS,
  EventualConsistencyOptions: EVENTUAL_CONSISTENCY_OPTION_KEYS,
  LeaderChangeOptions: LEADER_CHANGE_OPTION_KEYS,
  StaleReadOptions: STALE_READ_OPTION_KEYS,
  OomKillOptions: OOM_KILL_OPTION_KEYS,
  ClockStepOptions: CLOCK_STEP_OPTION_KEYS,
  DiskFullOptions: DISK_FULL_OPTION_KEYS,
  CapabilityRevocationOptions: CAPABILITY_REVOCATION_OPTION_KEYS,
  IpcFaultOptions: IPC_FAULT_OPTION_KEYS,
  StatusFieldOptions: STATUS_FIELD_OPTION_KEYS,
  DiagramOptions: DIAGRAM_OPTION_KEYS,
  FormatTraceOptions: FORMAT_TRACE_OPTION_KEYS,
  FormatSimTraceOptions: FORMAT_SIM_TRACE_OPTION_KEYS,
  MermaidSequenceOptions: MERMAID_SEQUENCE_OPTION_KEYS,
  SimulateOptions: SIMULATE_OPTION_KEYS,
  'SimulateOptions.minimize': MINIMIZE_OPTION_KEYS,
  LinearizableCheckOptions: LINEARIZABLE_CHECK_OPTION_KEYS,
  InvokeOptions: INVOKE_OPTION_KEYS,
  RecordOptions: RECORD_OPTION_KEYS,
  NetworkOptions: NETWORK_OPTION_KEYS,
  LinkOverride: LINK_OVERRIDE_KEYS,
  LinkOptions: LINK_OPTION_KEYS,
  PartitionWindow: PARTITION_WINDOW_KEYS,
  CrashTiming: CRASH_TIMING_KEYS,
  ScheduledPartition: SCHEDULED_PARTITION_KEYS,
  ScheduledCrash: SCHEDULED_CRASH_KEYS,
  AdversarialOptions: ADVERSARIAL_OPTION_KEYS,
  RunOptions: RUN_OPTION_KEYS,
  ExploreOptions: EXPLORE_OPTION_KEYS,
  ReplayOptions: REPLAY_OPTION_KEYS,
  BindOptions: BIND_OPTION_KEYS,
  'BindOptions.latency': LATENCY_KEYS,
  RecvOptions: RECV_OPTION_KEYS,
  RunForOptions: RUN_FOR_OPTION_KEYS,
  RunUntilOptions: RUN_UNTIL_OPTION_KEYS,
  PartitionFault: PARTITION_FAULT_KEYS,
  SlowLinkFault: SLOW_LINK_FAULT_KEYS,
  CrashFault: CRASH_FAULT_KEYS,
  SequentialSpec: SEQUENTIAL_SPEC_KEYS,
  LinearizabilityOptions: LINEARIZABILITY_OPTION_KEYS,
  RegisterSpecOptions: REGISTER_SPEC_OPTION_KEYS,
  KeyValueSpecOptions: KEY_VALUE_SPEC_OPTION_KEYS,
  FormatHistoryOptions: FORMAT_HISTORY_OPTION_KEYS,
  JepsenHistoryOptions: JEPSEN_HISTORY_OPTION_KEYS,
  HistoryDiagramOptions: HISTORY_DIAGRAM_OPTION_KEYS,
  EachActionOptions: EACH_ACTION_OPTION_KEYS,
  ChannelOptions: CHANNEL_OPTION_KEYS,
  ChannelActionsOptions: CHANNEL_ACTIONS_OPTION_KEYS,
  ComponentSpec: COMPONENT_SPEC_KEYS,
  CrashOptions: CRASH_OPTION_KEYS,
  ComposeSpec: COMPOSE_SPEC_KEYS,
}
