/**
 * Wake-ups: the unit the scheduler orders. A wake-up is one thing that makes user code runnable
 * again (a task start, a timer, a message delivery, the release of a scheduled call, a fault).
 *
 * @module
 */
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

function before(a: Wakeup, b: Wakeup): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}

/** Binary min-heap of future wake-ups ordered by (time, seq). */
export class WakeupHeap {
  readonly #items: Wakeup[] = []

  get size(): number {
    return this.#items.length
  }

  push(w: Wakeup): void {
    const items = this.#items
    let i = items.length
    items.push(w)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(w, items[parent])) break
      items[i] = items[parent]
      i = parent
    }
    items[i] = w
  }

  peek(): Wakeup | undefined {
    return this.#items[0]
  }

  pop(): Wakeup | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (items.length === 0 || last === undefined) return top
    let i = 0
    const n = items.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const child = r < n && before(items[r], items[l]) ? r : l
      if (!before(items[child], last)) break
      items[i] = items[child]
      i = child
    }
    items[i] = last
    return top
  }
}
