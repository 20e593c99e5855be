/**
 * One-line descriptions of queued events and faults, for failure details (thrown values:
 * `describeError` in errors.ts, shared with the async runtime). Only
 * called when a failure is reported, never on the hot path.
 *
 * @module
 */
import { formatValue } from '../format/value.ts'
import {
  EV_CRASH,
  EV_DELIVER,
  EV_PARTITION,
  EV_RESTART,
  EV_START,
  EV_TIMER,
  type SimEvent,
} from './event-queue.ts'
import type { ScheduledFault } from './faults.ts'

/** The step an event is, e.g. `msg #3 cp -> agent 1` or `timer 'push' of 'cp'`. */
export function describeEvent(ev: SimEvent, names: readonly string[]): string {
  switch (ev.kind) {
    case EV_START:
      return `the start of '${names[ev.node]}'`
    case EV_DELIVER:
      return `msg #${ev.id} ${names[ev.src]} -> ${names[ev.node]} ${formatValue(ev.ref)}`
    case EV_TIMER:
      return `timer '${String(ev.ref)}' of '${names[ev.node]}'`
    case EV_CRASH:
      return `the crash of '${names[ev.node]}'`
    case EV_RESTART:
      return `the restart of '${names[ev.node]}'`
    case EV_PARTITION:
      return `partition fault #${ev.id}`
    default:
      return `the heal of partition fault #${ev.id}`
  }
}

/** One line naming a fault, for partition/heal trace events. */
export function describeFault(f: ScheduledFault): string {
  if (f.kind === 'partition') return f.groups.map((g) => `[${g.join(', ')}]`).join(' | ')
  return `crash of ${f.node}`
}
