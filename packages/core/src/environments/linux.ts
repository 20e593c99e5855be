/**
 * Linux as an adversarial environment: the OOM killer kills a process, the wall clock steps,
 * the disk fills up. Import from `@musil/core/environments/linux`.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { coverage, environment, fault, targetedFault } from './build.ts'
import { ENVIRONMENT_OPTION_KEYS, type EnvironmentOptions, type EnvironmentSpec } from './spec.ts'

const OOM_SCORE =
  'Linux kernel documentation, "The /proc Filesystem" (Documentation/filesystems/proc.rst), section on /proc/<pid>/oom_adj and /proc/<pid>/oom_score_adj'
const SIGNAL = 'signal(7), Linux manual page'
const CLOCKS =
  'clock_getres(2) Linux manual page (clock_gettime, clock_settime: CLOCK_REALTIME, CLOCK_MONOTONIC)'
const ENOSPC = 'write(2) and fsync(2) Linux manual pages, ERRORS: ENOSPC'

/** Accessors for {@link oomKill}. */
export interface OomKillOptions<S, P> extends EnvironmentOptions<S> {
  /** The processes alive in `s` that the OOM killer could choose. */
  processes: (s: S) => Iterable<P>
  /** Whether `process` may be killed in `s` (default: any live process, any time). */
  canKill?: (s: S, process: P) => boolean
  /** The state after `process` is killed: no cleanup of its own runs. */
  kill: (s: S, process: P) => S
}

/** The keys {@link OomKillOptions} may have: anything else is a typo `oomKill` rejects. */
export const OOM_KILL_OPTION_KEYS: readonly OptionKey<OomKillOptions<unknown, unknown>>[] = keyList<
  OomKillOptions<unknown, unknown>
>()([...ENVIRONMENT_OPTION_KEYS, 'processes', 'canKill', 'kill'])

/**
 * OOM kill: under memory pressure the kernel kills a process with SIGKILL. Adds the action
 * `linux:oomKill(<process>)`.
 *
 * @example
 * const oom = oomKill<Workers, number>({
 *   processes: (s) => s.alive,
 *   kill: (s, p) => ({ ...s, alive: s.alive.filter((q) => q !== p), held: release(s.held, p) }),
 * })
 */
export function oomKill<S, P>(opts: OomKillOptions<S, P>): EnvironmentSpec<S> {
  checkOptions(opts, 'oomKill()', OOM_KILL_OPTION_KEYS)
  return environment<S>(
    'linux',
    [targetedFault('oomKill', opts.processes, opts.canKill, opts.kill)],
    [
      coverage('victim-choice', opts.canKill !== undefined, 'The OOM killer', 'canKill', OOM_SCORE),
      {
        name: 'kill-runs-no-cleanup',
        description:
          "The victim is killed with SIGKILL, which cannot be caught, blocked or ignored: no handler, finally block or exit hook of the victim runs. The kill action must not perform cleanup on the victim's behalf",
        source: SIGNAL,
        status: 'unverified',
      },
    ],
    opts,
  )
}

/** Accessors for {@link clockStep}. */
export interface ClockStepOptions<S, D> extends EnvironmentOptions<S> {
  /** The steps the wall clock can take in `s`, e.g. `[-1, +1]` (units of your model). */
  deltas: (s: S) => Iterable<D>
  /** Whether the clock may step by `delta` in `s` (default: always). */
  canStep?: (s: S, delta: D) => boolean
  /** The state after the wall clock (CLOCK_REALTIME) jumps by `delta`. */
  step: (s: S, delta: D) => S
}

/** The keys {@link ClockStepOptions} may have: anything else is a typo `clockStep` rejects. */
export const CLOCK_STEP_OPTION_KEYS: readonly OptionKey<ClockStepOptions<unknown, unknown>>[] =
  keyList<ClockStepOptions<unknown, unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'deltas',
    'canStep',
    'step',
  ])

/**
 * Clock step: the wall clock jumps forwards or backwards (an administrator, `clock_settime`, an
 * NTP step). Adds the action `linux:clockStep(<delta>)`.
 *
 * @example
 * const clock = clockStep<Lease, number>({
 *   deltas: () => [-1, 1],
 *   canStep: (s, d) => s.wall + d >= 0,
 *   step: (s, d) => ({ ...s, wall: s.wall + d }),
 * })
 */
export function clockStep<S, D>(opts: ClockStepOptions<S, D>): EnvironmentSpec<S> {
  checkOptions(opts, 'clockStep()', CLOCK_STEP_OPTION_KEYS)
  return environment<S>(
    'linux',
    [targetedFault('clockStep', opts.deltas, opts.canStep, opts.step)],
    [
      coverage('step-timing', opts.canStep !== undefined, 'A clock step', 'canStep', CLOCKS),
      {
        name: 'monotonic-clock-does-not-step',
        description:
          'CLOCK_MONOTONIC is not affected by discontinuous jumps of the system time: durations and timeouts measured with it are not stepped, so the model applies steps to the wall clock only',
        source: CLOCKS,
        status: 'unverified',
      },
    ],
    opts,
  )
}

/** Accessors for {@link diskFull}. */
export interface DiskFullOptions<S> extends EnvironmentOptions<S> {
  /** Whether the disk may fill up in `s` (default: always), e.g. only while a write is in flight. */
  canFill?: (s: S) => boolean
  /** The state after the in-flight write fails with ENOSPC. */
  fill: (s: S) => S
}

/** The keys {@link DiskFullOptions} may have: anything else is a typo `diskFull` rejects. */
export const DISK_FULL_OPTION_KEYS: readonly OptionKey<DiskFullOptions<unknown>>[] = keyList<
  DiskFullOptions<unknown>
>()([...ENVIRONMENT_OPTION_KEYS, 'canFill', 'fill'])

/**
 * Disk full: a write fails with ENOSPC. Adds the action `linux:diskFull`.
 *
 * @example
 * const disk = diskFull<Log>({
 *   canFill: (s) => s.writing,
 *   fill: (s) => ({ ...s, writing: false, error: 'ENOSPC' }),
 * })
 */
export function diskFull<S>(opts: DiskFullOptions<S>): EnvironmentSpec<S> {
  checkOptions(opts, 'diskFull()', DISK_FULL_OPTION_KEYS)
  return environment<S>(
    'linux',
    [fault('diskFull', opts.canFill, opts.fill)],
    [
      coverage('fill-timing', opts.canFill !== undefined, 'A full disk', 'canFill', ENOSPC),
      {
        name: 'enospc-is-reported',
        description:
          'A write that finds no space fails with ENOSPC or writes fewer bytes than asked; for buffered writes the error may surface only at fsync, so code must check both',
        source: ENOSPC,
        status: 'unverified',
      },
    ],
    opts,
  )
}
