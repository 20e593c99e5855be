import { type Chapter, count } from '../chapter.ts'
import {
  buggyTransitions,
  checkLifecycle,
  fixedTransitions,
  unreachableStatuses,
} from './service-lifecycle.ts'

/** Service lifecycle: the model comes from the code's own transition table. */
export const serviceLifecycleChapter: Chapter = {
  id: 'service-lifecycle',
  title: 'Service lifecycle',
  part: 'Finite-state machines',
  bug() {
    const r = checkLifecycle(buggyTransitions)
    const v = r.violation
    const unreachable = unreachableStatuses(buggyTransitions)
    const path = v?.trace.map((s) => s.state.status).join(' -> ')
    return {
      ok: v?.kind === 'deadlock' && unreachable.length > 0,
      summary: v
        ? `dead end ${path} (${v.trace.length - 1} steps); never reached: ${unreachable.join(', ')}`
        : 'no dead end found',
    }
  },
  fix() {
    const r = checkLifecycle(fixedTransitions)
    const unreachable = unreachableStatuses(fixedTransitions)
    return {
      ok: r.ok && unreachable.length === 0,
      summary: `${count(r.stats.distinct)} statuses, all reachable, none a dead end but stopped`,
    }
  },
}
