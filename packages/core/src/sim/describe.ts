/**
 * One-line descriptions of queued events and faults, for failure details (thrown values:
 * `describeError` in errors.ts, shared with the async runtime). Only
 * called when a failure is reported, never on the hot path.
 *
 * @module
 */
import { describeError } from '../errors.ts'
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
import type { SimRunFailure } from './types.ts'

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

/** The failure of a run whose node threw `e` while handling `ev` at virtual time `time`. */
export function nodeThrew(
  ev: SimEvent,
  e: unknown,
  names: readonly string[],
  time: number,
): SimRunFailure {
  const node = names[ev.node] ?? '?'
  const where =
    ev.kind === EV_START
      ? 'onStart'
      : ev.kind === EV_DELIVER
        ? `onMessage (msg #${ev.id} from '${names[ev.src]}', payload ${formatValue(ev.ref)})`
        : ev.kind === EV_TIMER
          ? `onTimer('${String(ev.ref)}')`
          : ev.kind === EV_RESTART
            ? 'onStart after its restart (or the factory, rebuilding it)'
            : 'a fault'
  return {
    kind: 'error',
    name: node,
    detail: `node '${node}' threw in ${where} at t=${time}: ${describeError(e)}`,
  }
}
