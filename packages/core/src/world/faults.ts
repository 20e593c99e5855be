/**
 * Seed-scheduled fault handles for `world.runFor(ms, { faults })`. A handle states what may go
 * wrong; whatever it leaves unset (targets, start, length, factor) is drawn from the run's
 * `faults` substream when `runFor` commits it, so the seed decides the details.
 *
 * @module
 */
import { WorldUsageError } from '../errors.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { FaultHost } from './host.ts'
import { describeGroups } from './network.ts'

/** A partition of the network for a window of the `runFor` period. */
export interface PartitionFault {
  readonly kind: 'partition'
  /** The groups; default: the bound addresses split at random into two non-empty groups. */
  readonly groups?: readonly (readonly string[])[]
  /** Start, in ms from the `runFor` call. Default: drawn in the period. */
  readonly at?: number
  /** Length in ms. Default: drawn so that it ends within the period. */
  readonly duration?: number
}

/** A link whose latency is multiplied, in both directions, for a window of the period. */
export interface SlowLinkFault {
  readonly kind: 'slowLink'
  /** The two ends; default: two distinct bound addresses drawn at random. */
  readonly between?: readonly [string, string]
  /** Latency multiplier, an integer >= 2. Default: drawn in [2, 50]. */
  readonly factor?: number
  readonly at?: number
  readonly duration?: number
}

/**
 * Crash-stop of a node: from `at` on, messages from and to the address are dropped, and the
 * task of the same name (if any) never resumes again. There is no restart.
 */
export interface CrashFault {
  readonly kind: 'crash'
  /** The address (and task) to crash; default: a bound address drawn at random. */
  readonly node?: string
  readonly at?: number
}

/** Any fault handle accepted by `runFor`. */
export type FaultHandle = PartitionFault | SlowLinkFault | CrashFault

/** The keys a {@link PartitionFault} may have. */
export const PARTITION_FAULT_KEYS: readonly OptionKey<PartitionFault>[] = keyList<PartitionFault>()(
  ['kind', 'groups', 'at', 'duration'],
)

/** The keys a {@link SlowLinkFault} may have. */
export const SLOW_LINK_FAULT_KEYS: readonly OptionKey<SlowLinkFault>[] = keyList<SlowLinkFault>()([
  'kind',
  'between',
  'factor',
  'at',
  'duration',
])

/** The keys a {@link CrashFault} may have. */
export const CRASH_FAULT_KEYS: readonly OptionKey<CrashFault>[] = keyList<CrashFault>()([
  'kind',
  'node',
  'at',
])

/** The keys of each kind of fault handle. */
const HANDLE_KEYS: Readonly<Record<FaultHandle['kind'], readonly string[]>> = {
  partition: PARTITION_FAULT_KEYS,
  slowLink: SLOW_LINK_FAULT_KEYS,
  crash: CRASH_FAULT_KEYS,
}

/** Builds fault handles for `runFor`: `world.faults`. */
export interface FaultFactory {
  /** A partition window; unset fields are drawn from the seed. */
  partition(options?: Omit<PartitionFault, 'kind'>): PartitionFault
  /** A slow-link window; unset fields are drawn from the seed. */
  slowLink(options?: Omit<SlowLinkFault, 'kind'>): SlowLinkFault
  /** A crash-stop; unset fields are drawn from the seed. */
  crash(options?: Omit<CrashFault, 'kind'>): CrashFault
}

/** The fault factory of every world (handles are plain data, so one instance serves all runs). */
export const faultFactory: FaultFactory = {
  partition: (options = {}) => handle('partition', options),
  slowLink: (options = {}) => handle('slowLink', options),
  crash: (options = {}) => handle('crash', options),
}

/** A fault handle of `kind` from the factory's options, which may not set `kind` themselves. */
function handle<K extends FaultHandle['kind']>(
  kind: K,
  options: object,
): Extract<FaultHandle, { kind: K }> {
  const keys = HANDLE_KEYS[kind].filter((k) => k !== 'kind')
  checkOptions(options, `world.faults.${kind}()`, keys)
  return { kind, ...options } as Extract<FaultHandle, { kind: K }>
}

/**
 * Validates every handle first (nothing is committed if one is wrong), then commits them in list
 * order, drawing unset fields from the `faults` substream.
 */
export function commitFaults(
  runtime: FaultHost,
  faults: readonly FaultHandle[],
  period: number,
): void {
  {
    if (!Array.isArray(faults)) {
      throw new WorldUsageError(
        `runFor: faults must be an array of handles from world.faults, got ${String(faults)}`,
      )
    }
    const known = (name: string): boolean =>
      runtime.net.addresses().includes(name) || runtime.hasTask(name)
    for (const [i, f] of faults.entries()) validate(f, i, period, known)
    for (const f of faults) {
      if (f.kind === 'partition') commitPartition(runtime, f, period)
      else if (f.kind === 'slowLink') commitSlowLink(runtime, f, period)
      else commitCrash(runtime, f, period)
    }
  }
}

function validate(
  f: FaultHandle,
  i: number,
  period: number,
  known: (name: string) => boolean,
): void {
  const where = `runFor: fault #${i}`
  if (typeof f !== 'object' || f === null || !['partition', 'slowLink', 'crash'].includes(f.kind)) {
    throw new WorldUsageError(
      `${where} is not a fault handle: build it with world.faults.partition(), .slowLink() or .crash()`,
    )
  }
  checkOptions(f, `${where} (${f.kind})`, HANDLE_KEYS[f.kind])
  const window = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= period)) {
      throw new WorldUsageError(
        `${where} (${f.kind}): ${name} must be within the runFor period [0, ${period}] ms, got ${String(v)}`,
      )
    }
  }
  window('at', f.at)
  const target = (name: string): void => {
    if (!known(name)) {
      throw new WorldUsageError(
        `${where} (${f.kind}): unknown target "${name}": bind the address or spawn the task before runFor`,
      )
    }
  }
  if (f.kind === 'partition') {
    window('duration', f.duration)
    if (f.groups !== undefined) for (const g of f.groups) for (const a of g) target(a)
  } else if (f.kind === 'slowLink') {
    window('duration', f.duration)
    if (f.between !== undefined) {
      if (f.between[0] === f.between[1])
        throw new WorldUsageError(`${where} (slowLink): a link needs two different ends`)
      target(f.between[0])
      target(f.between[1])
    }
    if (f.factor !== undefined && !(Number.isInteger(f.factor) && f.factor >= 2)) {
      throw new WorldUsageError(
        `${where} (slowLink): factor must be an integer >= 2, got ${String(f.factor)}`,
      )
    }
  } else if (f.node !== undefined) target(f.node)
}

/** Start and length of a fault window inside the period, unset parts drawn from the seed. */
function windowOf(
  runtime: FaultHost,
  period: number,
  at?: number,
  duration?: number,
): [number, number] {
  const s = runtime.faultStream
  const start = at ?? Math.floor(s.random() * period)
  const length = duration ?? Math.floor(s.random() * (period - start))
  return [runtime.now() + start, length]
}

function boundAddresses(runtime: FaultHost, kind: string, needed: number): string[] {
  const addresses = runtime.net.addresses()
  if (addresses.length < needed) {
    throw new WorldUsageError(
      `runFor: a ${kind} fault with no explicit target needs at least ${needed} bound addresses, found ${addresses.length}`,
    )
  }
  return addresses
}

function commitPartition(runtime: FaultHost, f: PartitionFault, period: number): void {
  let groups = f.groups
  if (groups === undefined) {
    const addresses = boundAddresses(runtime, 'partition', 2)
    // A random non-trivial split: each address lands on one side, and both sides are non-empty.
    const s = runtime.faultStream
    const mask = s.int(1, 2 ** Math.min(addresses.length, 30) - 2)
    const left = addresses.filter((_, i) => i < 30 && (mask >> i) & 1)
    const right = addresses.filter((a) => !left.includes(a))
    groups = [left, right]
  }
  const cutGroups = groups
  const [start, length] = windowOf(runtime, period, f.at, f.duration)
  const detail = describeGroups(cutGroups)
  runtime.schedule(start, 'faults', undefined, () => {
    const cut = runtime.net.addFaultCut(cutGroups)
    runtime.trace({ t: runtime.now(), kind: 'partition', name: 'fault', detail })
    runtime.schedule(runtime.now() + length, 'faults', undefined, () => {
      runtime.net.removeFaultCut(cut)
      runtime.trace({ t: runtime.now(), kind: 'heal', name: 'fault', detail })
    })
  })
}

function commitSlowLink(runtime: FaultHost, f: SlowLinkFault, period: number): void {
  let between = f.between
  if (between === undefined) {
    const addresses = boundAddresses(runtime, 'slowLink', 2)
    const a = runtime.faultStream.pick(addresses)
    const b = runtime.faultStream.pick(addresses.filter((x) => x !== a))
    between = [a, b]
  }
  const [a, b] = between
  const factor = f.factor ?? runtime.faultStream.int(2, 50)
  const [start, length] = windowOf(runtime, period, f.at, f.duration)
  runtime.schedule(start, 'faults', undefined, () => {
    runtime.net.slow(a, b, factor)
    runtime.trace({ t: runtime.now(), kind: 'slow', src: a, dst: b, detail: `latency x${factor}` })
    runtime.schedule(runtime.now() + length, 'faults', undefined, () => {
      runtime.net.unslow(a, b, factor)
      runtime.trace({
        t: runtime.now(),
        kind: 'heal',
        src: a,
        dst: b,
        detail: 'link back to normal latency',
      })
    })
  })
}

function commitCrash(runtime: FaultHost, f: CrashFault, period: number): void {
  const node = f.node ?? runtime.faultStream.pick(boundAddresses(runtime, 'crash', 1))
  const [start] = windowOf(runtime, period, f.at, 0)
  runtime.schedule(start, 'faults', undefined, () => {
    runtime.net.crash(node)
    runtime.freezeTask(node)
    runtime.trace({ t: runtime.now(), kind: 'crash', node })
  })
}
