/**
 * Wake-ups: the unit the scheduler orders. A wake-up is one thing that makes user code runnable
 * again (a task start, a timer, a message delivery, the release of a scheduled call, a fault).
 *
 * @module
 */
import { TimeSeqHeap } from '../sched/heap.ts'
/** What a wake-up needs of the task it resumes: whether a crash fault stopped it. */
export interface WakeupTask {
  readonly crashed: boolean
}

/** One pending wake-up. `fire` runs it; the scheduler then drains the microtask queue. */
export class Wakeup {
  /** Set when the thing it would wake was satisfied another way (a recv timeout after delivery). */
  cancelled = false

  /** Virtual time (ms) at which it becomes ready. */
  readonly time: number
  /** Creation order: breaks ties between equal times deterministically. */
  readonly seq: number
  /** Who it resumes, for PCT's priorities: a task name, `net:<address>` or `faults`. */
  readonly owner: string
  /** The task it resumes, if any: a crashed task's wake-ups are discarded. */
  readonly task: WakeupTask | undefined
  readonly fire: () => void

  constructor(
    time: number,
    seq: number,
    owner: string,
    task: WakeupTask | undefined,
    fire: () => void,
  ) {
    this.time = time
    this.seq = seq
    this.owner = owner
    this.task = task
    this.fire = fire
  }
}

/** The future wake-ups of a run: the shared (time, seq) heap, holding {@link Wakeup}s. */
export class WakeupHeap extends TimeSeqHeap<Wakeup> {}
