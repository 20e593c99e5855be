/**
 * seL4 as an adversarial environment for user-level components: a capability is revoked under
 * a component, an IPC partner faults. Import from `@musil/core/environments/sel4`.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { coverage, environment, targetedFault } from './build.ts'
import { ENVIRONMENT_OPTION_KEYS, type EnvironmentOptions, type EnvironmentSpec } from './spec.ts'

const MANUAL = 'seL4 Reference Manual (sel4.systems/Info/Docs/seL4-manual-latest.pdf)'
const PROOF = 'Klein et al., "seL4: Formal Verification of an OS Kernel", SOSP 2009'

/** Accessors for {@link capabilityRevocation}. */
export interface CapabilityRevocationOptions<S, C> extends EnvironmentOptions<S> {
  /** The capabilities held in `s` that their owner could revoke. */
  caps: (s: S) => Iterable<C>
  /** Whether `cap` may be revoked in `s` (default: any held capability, any time). */
  canRevoke?: (s: S, cap: C) => boolean
  /** The state after `cap` and every capability derived from it are deleted. */
  revoke: (s: S, cap: C) => S
}

/** The keys {@link CapabilityRevocationOptions} may have: anything else is a typo `capabilityRevocation` rejects. */
export const CAPABILITY_REVOCATION_OPTION_KEYS: readonly OptionKey<
  CapabilityRevocationOptions<unknown, unknown>
>[] = keyList<CapabilityRevocationOptions<unknown, unknown>>()([
  ...ENVIRONMENT_OPTION_KEYS,
  'caps',
  'canRevoke',
  'revoke',
])

/**
 * Capability revocation: the holder of a parent capability revokes it, deleting every
 * capability derived from it, whatever the component using them was doing. Adds the action
 * `sel4:revokeCap(<cap>)`.
 *
 * @example
 * const revocation = capabilityRevocation<Driver, string>({
 *   caps: (s) => s.caps,
 *   revoke: (s, c) => ({ ...s, caps: s.caps.filter((x) => x !== c) }),
 * })
 */
export function capabilityRevocation<S, C>(
  opts: CapabilityRevocationOptions<S, C>,
): EnvironmentSpec<S> {
  checkOptions(opts, 'capabilityRevocation()', CAPABILITY_REVOCATION_OPTION_KEYS)
  return environment<S>(
    'sel4',
    [targetedFault('revokeCap', opts.caps, opts.canRevoke, opts.revoke)],
    [
      coverage(
        'revocation-timing',
        opts.canRevoke !== undefined,
        'Revocation',
        'canRevoke',
        `${MANUAL}, chapter "Capability Spaces"`,
      ),
      {
        name: 'kernel-functional-correctness',
        description:
          "The kernel's C implementation refines its abstract specification (for the verified configurations, under the proof's own assumptions about hardware, boot code and compiler)",
        source: PROOF,
        status: 'verified',
      },
      {
        name: 'revoke-removes-derived-caps',
        description:
          'Revoking a capability deletes every capability derived from it, so no thread keeps authority derived from it afterwards: the revoke action must remove all of them',
        source: `${MANUAL}, chapter "Capability Spaces" (seL4_CNode_Revoke)`,
        status: 'unverified',
      },
    ],
    opts,
  )
}

/** Accessors for {@link ipcFault}. */
export interface IpcFaultOptions<S, T> extends EnvironmentOptions<S> {
  /** The threads in `s` that could fault (e.g. the partner of an in-flight IPC). */
  threads: (s: S) => Iterable<T>
  /** Whether `thread` may fault in `s` (default: any listed thread, any time). */
  canFault?: (s: S, thread: T) => boolean
  /** The state after `thread` faults: the kernel suspends it and notifies its fault handler. */
  fault: (s: S, thread: T) => S
}

/** The keys {@link IpcFaultOptions} may have: anything else is a typo `ipcFault` rejects. */
export const IPC_FAULT_OPTION_KEYS: readonly OptionKey<IpcFaultOptions<unknown, unknown>>[] =
  keyList<IpcFaultOptions<unknown, unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'threads',
    'canFault',
    'fault',
  ])

/**
 * IPC fault: a thread faults (a bad memory access, a missing capability) in the middle of an
 * exchange; the kernel blocks it and sends a fault message to its handler. Adds the action
 * `sel4:ipcFault(<thread>)`.
 *
 * @example
 * const faults = ipcFault<Rpc, string>({
 *   threads: (s) => (s.call === 'waiting' ? ['server'] : []),
 *   fault: (s) => ({ ...s, server: 'faulted', handlerInbox: [...s.handlerInbox, 'server'] }),
 * })
 */
export function ipcFault<S, T>(opts: IpcFaultOptions<S, T>): EnvironmentSpec<S> {
  checkOptions(opts, 'ipcFault()', IPC_FAULT_OPTION_KEYS)
  return environment<S>(
    'sel4',
    [targetedFault('ipcFault', opts.threads, opts.canFault, opts.fault)],
    [
      coverage(
        'fault-timing',
        opts.canFault !== undefined,
        'A thread fault',
        'canFault',
        `${MANUAL}, section "Faults"`,
      ),
      {
        name: 'faults-delivered-as-ipc',
        description:
          "A faulting thread is blocked and the kernel sends a fault message to the thread's fault-handler endpoint; the thread runs again only when the handler replies or restarts it",
        source: `${MANUAL}, section "Faults"`,
        status: 'unverified',
      },
      {
        name: 'fault-handler-is-live',
        description:
          'Every thread that can fault has a fault handler that runs and answers; a fault that is never handled leaves the thread blocked for good',
        source: `${MANUAL}, section "Faults"`,
        status: 'unverified',
      },
    ],
    opts,
  )
}
