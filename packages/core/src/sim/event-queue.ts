/**
 * The simulator's single event queue: a binary min-heap of event records ordered by
 * (virtual time, sequence number). Records are plain objects with numeric fields (no closures),
 * and the heap's backing array is reused from seed to seed.
 *
 * @module
 */

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

/** Binary min-heap on (time, seq). */
export class EventQueue {
  #heap: SimEvent[] = []
  #size = 0

  get size(): number {
    return this.#size
  }

  clear(): void {
    // Drop references so a finished seed's payloads can be collected; keep the capacity.
    this.#heap.fill(undefined as unknown as SimEvent, 0, this.#size)
    this.#size = 0
  }

  push(ev: SimEvent): void {
    const h = this.#heap
    let i = this.#size++
    while (i > 0) {
      const p = (i - 1) >> 1
      const parent = h[p]!
      if (parent.time < ev.time || (parent.time === ev.time && parent.seq < ev.seq)) break
      h[i] = parent
      i = p
    }
    h[i] = ev
  }

  peek(): SimEvent | undefined {
    return this.#size > 0 ? this.#heap[0] : undefined
  }

  pop(): SimEvent | undefined {
    const n = this.#size
    if (n === 0) return undefined
    const h = this.#heap
    const top = h[0]!
    const last = h[n - 1]!
    h[n - 1] = undefined as unknown as SimEvent
    const size = (this.#size = n - 1)
    if (size > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= size) break
        const r = l + 1
        let c = l
        let child = h[l]!
        if (r < size) {
          const right = h[r]!
          if (right.time < child.time || (right.time === child.time && right.seq < child.seq)) {
            c = r
            child = right
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break
        h[i] = child
        i = c
      }
      h[i] = last
    }
    return top
  }
}
