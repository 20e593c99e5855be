/**
 * The registry of every options object and definition `@musil/core` accepts, with its valid
 * keys. Each list is declared once, next to its type (where the compiler holds it to the type);
 * this module only gathers them, for the API reference's options table (a test keeps the two
 * equal) and for `@musil/vitest`, whose matchers and targets take the same options.
 *
 * @module
 */

import { LIVENESS_OPTION_KEYS } from './check/liveness.ts'
import { REFINEMENT_OPTION_KEYS } from './check/refinement.ts'
import { CHECK_OPTION_KEYS } from './check/types.ts'
import { API_THROTTLING_OPTION_KEYS, EVENTUAL_CONSISTENCY_OPTION_KEYS } from './environments/aws.ts'
import { LEADER_CHANGE_OPTION_KEYS, STALE_READ_OPTION_KEYS } from './environments/etcd.ts'
import { NODE_DRAIN_OPTION_KEYS, POD_EVICTION_OPTION_KEYS } from './environments/k8s.ts'
import {
  CLOCK_STEP_OPTION_KEYS,
  DISK_FULL_OPTION_KEYS,
  OOM_KILL_OPTION_KEYS,
} from './environments/linux.ts'
import { CAPABILITY_REVOCATION_OPTION_KEYS, IPC_FAULT_OPTION_KEYS } from './environments/sel4.ts'
import {
  ASSUMPTION_KEYS,
  ENVIRONMENT_OPTION_KEYS,
  ENVIRONMENT_SPEC_KEYS,
} from './environments/spec.ts'
import { STATUS_FIELD_OPTION_KEYS } from './model/from-code.ts'
import { MODEL_SPEC_KEYS } from './model/model.ts'
import { DIAGRAM_OPTION_KEYS } from './render/diagrams.ts'
import { FORMAT_SIM_TRACE_OPTION_KEYS, MERMAID_SEQUENCE_OPTION_KEYS } from './render/sim-trace.ts'
import { FORMAT_TRACE_OPTION_KEYS } from './render/trace.ts'
import { ADVERSARIAL_OPTION_KEYS } from './sim/adversarial.ts'
import {
  CRASH_TIMING_KEYS,
  PARTITION_WINDOW_KEYS,
  SCHEDULED_CRASH_KEYS,
  SCHEDULED_PARTITION_KEYS,
} from './sim/faults.ts'
import { LINK_OPTION_KEYS, LINK_OVERRIDE_KEYS, NETWORK_OPTION_KEYS } from './sim/network.ts'
import { MINIMIZE_OPTION_KEYS, SIMULATE_OPTION_KEYS } from './sim/types.ts'
import { EXPLORE_OPTION_KEYS, REPLAY_OPTION_KEYS, RUN_OPTION_KEYS } from './world/explore.ts'
import { CRASH_FAULT_KEYS, PARTITION_FAULT_KEYS, SLOW_LINK_FAULT_KEYS } from './world/faults.ts'
import { BIND_OPTION_KEYS, LATENCY_KEYS, RECV_OPTION_KEYS } from './world/network.ts'
import { RUN_FOR_OPTION_KEYS, RUN_UNTIL_OPTION_KEYS } from './world/world.ts'

/** The name of an options object of `@musil/core`: its TypeScript type, or the option it sits in. */
export type CoreOptionsName =
  | 'ModelSpec'
  | 'CheckOptions'
  | 'LivenessOptions'
  | 'RefinementOptions'
  | 'EnvironmentSpec'
  | 'Assumption'
  | 'EnvironmentOptions'
  | 'PodEvictionOptions'
  | 'NodeDrainOptions'
  | 'ApiThrottlingOptions'
  | 'EventualConsistencyOptions'
  | 'LeaderChangeOptions'
  | 'StaleReadOptions'
  | 'OomKillOptions'
  | 'ClockStepOptions'
  | 'DiskFullOptions'
  | 'CapabilityRevocationOptions'
  | 'IpcFaultOptions'
  | 'StatusFieldOptions'
  | 'DiagramOptions'
  | 'FormatTraceOptions'
  | 'FormatSimTraceOptions'
  | 'MermaidSequenceOptions'
  | 'SimulateOptions'
  | 'SimulateOptions.minimize'
  | 'NetworkOptions'
  | 'LinkOverride'
  | 'LinkOptions'
  | 'PartitionWindow'
  | 'CrashTiming'
  | 'ScheduledPartition'
  | 'ScheduledCrash'
  | 'AdversarialOptions'
  | 'RunOptions'
  | 'ExploreOptions'
  | 'ReplayOptions'
  | 'BindOptions'
  | 'BindOptions.latency'
  | 'RecvOptions'
  | 'RunForOptions'
  | 'RunUntilOptions'
  | 'PartitionFault'
  | 'SlowLinkFault'
  | 'CrashFault'

/**
 * Every options object and definition `@musil/core` accepts, by name, with its valid keys: any
 * other key is rejected with an `OptionsError` naming it and the nearest valid key. The table in
 * `docs/api/options.md` lists the same, with where each object is given.
 *
 * @example
 * OPTION_KEYS.CheckOptions // ['maxStates', 'maxDepth', 'deadlock', 'onProgress', 'progressIntervalMs']
 */
export const OPTION_KEYS: Readonly<Record<CoreOptionsName, readonly string[]>> = {
  ModelSpec: MODEL_SPEC_KEYS,
  CheckOptions: CHECK_OPTION_KEYS,
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
}
