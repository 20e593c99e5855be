/**
 * The simulator's single event queue: the shared (time, seq) heap (sched/heap.ts) of event
 * records. Records are plain objects with numeric fields (no closures),
 * and the heap's backing array is reused from seed to seed.
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

/** One scheduled event: the only allocation the simulator makes per event. */
export class SimEvent {
  /** Virtual time it fires at. */
  time: number
  /** Tie-breaker: the order events were scheduled in. */
  seq: number
  kind: number
  /** Target node index (the receiver of a delivery). */
  node: number
  /** Sender index of a delivery; -1 otherwise. */
  src: number
  /** Message id of a delivery, fault index of a fault event. */
  id: number
  /** Payload of a delivery, name of a timer. */
  ref: unknown
  /** A timer that was re-armed or cancelled stays in the heap, marked dead, and is skipped. */
  dead: boolean

  constructor(
    time: number,
    seq: number,
    kind: number,
    node: number,
    src: number,
    id: number,
    ref: unknown,
  ) {
    this.time = time
    this.seq = seq
    this.kind = kind
    this.node = node
    this.src = src
    this.id = id
    this.ref = ref
    this.dead = false
  }
}

/** The simulator's queue: the shared (time, seq) heap, holding {@link SimEvent}s. */
export class EventQueue extends TimeSeqHeap<SimEvent> {}
