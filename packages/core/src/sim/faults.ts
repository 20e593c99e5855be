/**
 * Scheduled faults: network partitions and node crashes (with an optional restart), at fixed
 * virtual times, so that a fault schedule is part of the test and not of the seed.
 *
 * @module
 */
import { SimulationConfigError } from '../errors.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'

/**
 * The network splits into `groups` from `from` until `until` (forever when omitted). Messages
 * between nodes of different groups are dropped; reachability is evaluated at delivery time, so
 * a message in flight when the partition starts is lost too. Nodes named in no group form one
 * more group together. A new partition replaces the previous one.
 */
export interface ScheduledPartition {
  readonly kind: 'partition'
  readonly groups: readonly (readonly string[])[]
  /** Virtual time (ms) the partition starts. */
  readonly from: number
  /** Virtual time (ms) the partition heals; omitted: it never heals. */
  readonly until?: number
}

/**
 * Node `node` crashes at `at`: its pending timers are discarded, messages to it are dropped, and
 * everything in its fields is gone. With `restartAt`, the node is rebuilt by the factory at that
 * time and `onStart` runs again; only what it wrote to `ctx.storage` survives.
 */
export interface ScheduledCrash {
  readonly kind: 'crash'
  readonly node: string
  /** Virtual time (ms) of the crash. */
  readonly at: number
  /** Virtual time (ms) of the restart; omitted: crash-stop. */
  readonly restartAt?: number
}

/** One scheduled fault. */
export type ScheduledFault = ScheduledPartition | ScheduledCrash

/** When a partition holds: the window argument of {@link partition}. */
export interface PartitionWindow {
  /** Virtual time (ms) the partition starts; default 0. */
  readonly from?: number
  /** Virtual time (ms) the partition heals; omitted: it never heals. */
  readonly until?: number
}

/** When a node crashes: the second argument of {@link crash}. */
export interface CrashTiming {
  /** Virtual time (ms) of the crash. */
  readonly at: number
  /** Virtual time (ms) of the restart; omitted: crash-stop. */
  readonly restartAt?: number
}

/** The keys a {@link ScheduledPartition} may have. */
export const SCHEDULED_PARTITION_KEYS: readonly OptionKey<ScheduledPartition>[] =
  keyList<ScheduledPartition>()(['kind', 'groups', 'from', 'until'])

/** The keys a {@link ScheduledCrash} may have. */
export const SCHEDULED_CRASH_KEYS: readonly OptionKey<ScheduledCrash>[] = keyList<ScheduledCrash>()(
  ['kind', 'node', 'at', 'restartAt'],
)

/** The keys a {@link PartitionWindow} may have. */
export const PARTITION_WINDOW_KEYS: readonly OptionKey<PartitionWindow>[] =
  keyList<PartitionWindow>()(['from', 'until'])

/** The keys a {@link CrashTiming} may have. */
export const CRASH_TIMING_KEYS: readonly OptionKey<CrashTiming>[] = keyList<CrashTiming>()([
  'at',
  'restartAt',
])

/**
 * A partition fault.
 *
 * @example
 * partition([['cp'], ['agent']], { from: 0, until: 100 })
 *
 * @throws {OptionsError} when `window` has a key other than `from` and `until`.
 */
export function partition(
  groups: readonly (readonly string[])[],
  window: PartitionWindow = {},
): ScheduledPartition {
  checkOptions(window, 'partition()', PARTITION_WINDOW_KEYS)
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g))) {
    throw new SimulationConfigError(
      `partition(groups) takes an array of groups, each an array of node names, e.g. partition([['a'], ['b', 'c']]); got ${JSON.stringify(groups)}`,
    )
  }
  const from = window.from ?? 0
  const fault: ScheduledPartition = {
    kind: 'partition',
    groups: groups.map((g) => [...g]),
    from,
    ...(window.until !== undefined && { until: window.until }),
  }
  return fault
}

/**
 * A crash fault, optionally with a restart.
 *
 * @example
 * crash('store', { at: 12, restartAt: 20 })
 *
 * @throws {OptionsError} when `when` has a key other than `at` and `restartAt`.
 */
export function crash(node: string, when: CrashTiming): ScheduledCrash {
  checkOptions(when, `crash('${node}')`, CRASH_TIMING_KEYS)
  return {
    kind: 'crash',
    node,
    at: when.at,
    ...(when.restartAt !== undefined && { restartAt: when.restartAt }),
  }
}

/**
 * An immutable list of scheduled faults, built fluently or from a list.
 *
 * @example
 * const faults = new FaultSchedule()
 *   .partition([['cp'], ['agent']], { from: 0, until: 100 })
 *   .crash('agent', { at: 150, restartAt: 160 })
 */
export class FaultSchedule {
  readonly faults: readonly ScheduledFault[]

  constructor(faults: readonly ScheduledFault[] = []) {
    this.faults = [...faults]
  }

  /** A copy of this schedule with a partition added. */
  partition(groups: readonly (readonly string[])[], window: PartitionWindow = {}): FaultSchedule {
    return new FaultSchedule([...this.faults, partition(groups, window)])
  }

  /** A copy of this schedule with a crash added. */
  crash(node: string, when: CrashTiming): FaultSchedule {
    return new FaultSchedule([...this.faults, crash(node, when)])
  }
}

/** Checks every fault against the simulation's node names; throws naming the fault at fault. */
export function validateFaults(faults: readonly ScheduledFault[], names: readonly string[]): void {
  const known = new Set(names)
  const unknown = (n: string, i: number, what: string): never => {
    throw new SimulationConfigError(
      `faults[${i}] (${what}) names node '${n}', which the factory does not build (nodes: ${names.join(', ')})`,
    )
  }
  const time = (v: unknown, i: number, field: string): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new SimulationConfigError(
        `faults[${i}]: '${field}' must be a finite time >= 0 (ms), got ${String(v)}`,
      )
    }
  }
  faults.forEach((f, i) => {
    if (f?.kind === 'partition') {
      checkOptions(f, `simulate() faults[${i}] (partition)`, SCHEDULED_PARTITION_KEYS)
      time(f.from, i, 'from')
      if (f.until !== undefined) {
        time(f.until, i, 'until')
        if (f.until < f.from) {
          throw new SimulationConfigError(
            `faults[${i}] (partition): 'until' (${f.until}) is before 'from' (${f.from})`,
          )
        }
      }
      if (!Array.isArray(f.groups) || f.groups.length === 0) {
        throw new SimulationConfigError(
          `faults[${i}] (partition): 'groups' must be a non-empty list of node lists`,
        )
      }
      const seen = new Set<string>()
      for (const g of f.groups) {
        for (const n of g) {
          if (!known.has(n)) unknown(n, i, 'partition')
          if (seen.has(n)) {
            throw new SimulationConfigError(
              `faults[${i}] (partition): node '${n}' is in two groups`,
            )
          }
          seen.add(n)
        }
      }
    } else if (f?.kind === 'crash') {
      checkOptions(f, `simulate() faults[${i}] (crash)`, SCHEDULED_CRASH_KEYS)
      if (!known.has(f.node)) unknown(f.node, i, 'crash')
      time(f.at, i, 'at')
      if (f.restartAt !== undefined) {
        time(f.restartAt, i, 'restartAt')
        if (f.restartAt <= f.at) {
          throw new SimulationConfigError(
            `faults[${i}] (crash of '${f.node}'): 'restartAt' (${f.restartAt}) must be after 'at' (${f.at})`,
          )
        }
      }
    } else {
      throw new SimulationConfigError(
        `faults[${i}] is not a fault; build faults with partition(...) or crash(...)`,
      )
    }
  })
}
