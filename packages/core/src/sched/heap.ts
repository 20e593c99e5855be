/**
 * The one (time, seq) min-heap of both runtimes: the callback-node simulator queues its events
 * in it, the async runtime its future wake-ups. Ties in virtual time go to the lower sequence
 * number (the order things were scheduled in), which is what makes a run a function of its seed.
 *
 * @module
 */

/** What the heap orders: a virtual time, and a creation number that breaks ties. */
export interface Timed {
  readonly time: number
  readonly seq: number
}

/**
 * Binary min-heap on (time, seq). The backing array is kept across {@link TimeSeqHeap.clear}, so
 * a simulator that runs seed after seed allocates it once.
 */
export class TimeSeqHeap<T extends Timed> {
  #heap: T[] = []
  #size = 0

  get size(): number {
    return this.#size
  }

  /** Empties the heap; drops its references (so payloads can be collected) but keeps its capacity. */
  clear(): void {
    // Usually empty already (a run that settled popped everything): skip the builtin call.
    if (this.#size > 0) this.#heap.fill(undefined as unknown as T, 0, this.#size)
    this.#size = 0
  }

  push(item: T): void {
    const h = this.#heap
    let i = this.#size++
    while (i > 0) {
      const p = (i - 1) >> 1
      const parent = h[p]!
      if (parent.time < item.time || (parent.time === item.time && parent.seq < item.seq)) break
      h[i] = parent
      i = p
    }
    h[i] = item
  }

  peek(): T | undefined {
    return this.#size > 0 ? this.#heap[0] : undefined
  }

  pop(): T | undefined {
    const n = this.#size
    if (n === 0) return undefined
    const h = this.#heap
    const top = h[0]!
    const last = h[n - 1]!
    h[n - 1] = undefined as unknown as T
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
