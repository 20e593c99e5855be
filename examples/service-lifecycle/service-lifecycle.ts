/**
 * Service lifecycle: a service class guards its status changes with a transition table, and
 * the model is built from that very table with `statusFieldActions`, so the model cannot drift
 * from the code. The first version of the table has two classic defects: `failed` is a dead
 * end (a crashed service can never be restarted), and `degraded` is declared but nothing moves
 * into it (dead code in the status enum). The fixed table lets the supervisor restart a failed
 * service and lets a running service degrade.
 */
import {
  type CheckResult,
  check,
  declaredStates,
  defineModel,
  type Model,
  type StateOf,
  statusFieldActions,
} from '@musil/core'

/** The first version of the code's transition table. */
export const buggyTransitions = {
  created: ['starting'],
  starting: ['running', 'failed'],
  running: ['draining', 'failed'],
  degraded: ['running', 'draining', 'failed'],
  draining: ['stopped'],
  failed: [],
  stopped: [],
} as const

/** The fixed table: a running service can degrade, a failed one is restarted. */
export const fixedTransitions = {
  created: ['starting'],
  starting: ['running', 'failed'],
  running: ['degraded', 'draining', 'failed'],
  degraded: ['running', 'draining', 'failed'],
  draining: ['stopped'],
  failed: ['starting'],
  stopped: [],
} as const

/** The statuses a service can be in (both tables declare the same ones). */
export type ServiceStatus = StateOf<typeof fixedTransitions>

/** A transition table over the service's statuses. */
export type ServiceTable = { readonly [K in ServiceStatus]: readonly ServiceStatus[] }

/** Thrown by the code when asked for a transition its table does not allow. */
export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError'
}

/** The code: a service whose every status change goes through its transition table. */
export class Service {
  status: ServiceStatus = 'created'
  readonly history: ServiceStatus[] = ['created']
  readonly #table: ServiceTable

  constructor(table: ServiceTable) {
    this.#table = table
  }

  /** Moves to `to`, or throws when the table does not allow it from the current status. */
  transition(to: ServiceStatus): void {
    if (!this.#table[this.status].includes(to)) {
      throw new IllegalTransitionError(`service cannot go from ${this.status} to ${to}`)
    }
    this.status = to
    this.history.push(to)
  }
}

/** The model's state: just the status field the code keeps. */
export interface Lifecycle {
  readonly status: ServiceStatus
}

/**
 * The model of a service driven by `table`, built from the table itself. `stopped` is the one
 * status allowed to have no way out; any other dead end is reported as a deadlock.
 */
export function lifecycleModel(table: ServiceTable): Model<Lifecycle> {
  const states = declaredStates(table)
  return defineModel<Lifecycle>({
    name: 'service-lifecycle',
    init: { status: 'created' },
    actions: statusFieldActions<Lifecycle>(table, { field: 'status' }),
    invariants: { declaredStatus: (s) => states.includes(s.status) },
    terminal: (s) => s.status === 'stopped',
  })
}

/**
 * The declared statuses no run can reach, found by asking the checker, for each one, whether
 * "the status is never X" holds. A declared but unreachable status is dead code in the enum
 * (and usually a missing transition).
 */
export function unreachableStatuses(table: ServiceTable): ServiceStatus[] {
  const base = lifecycleModel(table)
  return declaredStates(table).filter((status) => {
    const probe = defineModel<Lifecycle>({
      name: `${base.name}: reach ${status}`,
      init: [...base.init],
      actions: base.actions,
      invariants: { [`never ${status}`]: (s) => s.status !== status },
    })
    return check(probe, { deadlock: false }).ok
  })
}

/** Checks the lifecycle driven by `table`. */
export function checkLifecycle(table: ServiceTable): CheckResult<Lifecycle> {
  return check(lifecycleModel(table))
}
