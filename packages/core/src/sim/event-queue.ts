/**
 * The simulator's single event queue: the shared (time, seq) heap (sched/heap.ts) of event
 * records. Records are plain objects with numeric fields (no closures); the heap's backing array
 * and the records themselves are reused from seed to seed (a handled event goes back to a free
 * list), so a sweep of many short seeds allocates almost nothing per event.
 *
 * @module
 */
import { TimeSeqHeap } from '../sched/heap.ts'

/** Kinds of queued events. Numbers, not strings, so dispatch is a switch on a small integer. */
export const EV_START = 0
export const EV_DELIVER = 1
export const EV_TIMER = 2
export const EV_CRASH = 3
export const EV_RESTART = 4
export const EV_PARTITION = 5
export const EV_HEAL = 6

/** One scheduled event; records are recycled (see {@link EventQueue.make}, which fills them). */
export class SimEvent {
  /** Virtual time it fires at. */
  time = 0
  /** Tie-breaker: the order events were scheduled in. */
  seq = 0
  kind = 0
  /** Target node index (the receiver of a delivery). */
  node = 0
  /** Sender index of a delivery; -1 otherwise. */
  src = -1
  /** Message id of a delivery, fault index of a fault event, the node's timer slot of a timer. */
  id = 0
  /** Payload of a delivery, name of a timer. */
  ref: unknown = undefined
  /** The next free record while this one is on the queue's free list. */
  nextFree: SimEvent | undefined = undefined
}

/**
 * The simulator's queue: the shared (time, seq) heap, holding {@link SimEvent}s, and the free
 * list its records are recycled through.
 */
export class EventQueue extends TimeSeqHeap<SimEvent> {
  /** The free list, linked through the records (no array to grow or shrink). */
  #free: SimEvent | undefined
  /** The next event's `seq`: events are numbered in the order they are scheduled, per run. */
  #seq = 0

  /** Empties the queue for the next run; numbering starts again at 0. */
  override clear(): void {
    super.clear()
    this.#seq = 0
  }

  /** Schedules a new event (a recycled record when one is free) and returns it. */
  make(time: number, kind: number, node: number, src: number, id: number, ref: unknown): SimEvent {
    let ev = this.#free
    if (ev === undefined) ev = new SimEvent()
    else {
      this.#free = ev.nextFree
      ev.nextFree = undefined
    }
    ev.time = time
    ev.seq = this.#seq++
    ev.kind = kind
    ev.node = node
    ev.src = src
    ev.id = id
    ev.ref = ref
    this.push(ev)
    return ev
  }

  /** Hands back a popped event that nothing reads any more. */
  free(ev: SimEvent): void {
    ev.ref = undefined
    ev.nextFree = this.#free
    this.#free = ev
  }
}
