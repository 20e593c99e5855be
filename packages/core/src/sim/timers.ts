/**
 * Node timers: for each node, its timer names and the event that fires each one next. Re-arming
 * or cancelling a timer marks its queued event dead (the run loop skips it); a crash kills them
 * all.
 *
 * A node has a handful of timer names, so a name is found by a short scan of an array (the
 * names are usually the same interned literals, so each comparison is a pointer check) and a
 * per-node Map is built only for a node that uses many names. Clearing per seed is then resetting
 * a count, not emptying Maps.
 *
 * @module
 */
import type { SimEvent } from './event-queue.ts'

/** Beyond this many names a node's timers are found through a Map. */
const SCAN = 8

/**
 * One node's timers: parallel arrays, one slot per name, slots kept until the seed ends. The
 * arrays are never shrunk (`size` says how much is in use): setting an array's length is a
 * runtime call, and most seeds re-use the same few names.
 */
class NodeTimers {
  size = 0
  readonly names: string[] = []
  /** The event a slot's name fires next, valid while its `seq` still equals `seqs[slot]`. */
  readonly events: (SimEvent | undefined)[] = []
  /** -1 once the slot's event fired, was cancelled or was re-armed. */
  readonly seqs: number[] = []
  index: Map<string, number> | undefined

  clear(): void {
    this.size = 0
    this.index = undefined
  }

  /** The slot of `name`, or -1. */
  find(name: string): number {
    if (this.index !== undefined) return this.index.get(name) ?? -1
    const names = this.names
    for (let i = 0; i < this.size; i++) if (names[i] === name) return i
    return -1
  }

  add(name: string): number {
    const slot = this.size++
    this.names[slot] = name
    this.events[slot] = undefined
    this.seqs[slot] = -1
    if (this.index !== undefined) this.index.set(name, slot)
    else if (this.size > SCAN) {
      const index = new Map<string, number>()
      for (let i = 0; i < this.size; i++) index.set(this.names[i]!, i)
      this.index = index
    }
    return slot
  }

  /** Marks the slot's queued event dead, if it is still the one the slot armed. */
  kill(slot: number): void {
    const ev = this.events[slot]
    // Events are recycled once handled: a different `seq` means the record is someone else's.
    if (ev !== undefined && ev.seq === this.seqs[slot]) ev.dead = true
    this.events[slot] = undefined
    this.seqs[slot] = -1
  }
}

/** The timers of every node of one run. */
export class TimerTable {
  readonly #nodes: NodeTimers[]
  /** Whether any timer was set since the last reset (most worlds of a sweep set a few). */
  #used = false

  constructor(n: number) {
    this.#nodes = Array.from({ length: n }, () => new NodeTimers())
  }

  reset(): void {
    if (!this.#used) return
    for (const t of this.#nodes) t.clear()
    this.#used = false
  }

  /** Arms `name` of `node` to fire as `ev`, killing its earlier arming. */
  set(node: number, name: string, ev: SimEvent): void {
    this.#used = true
    const t = this.#nodes[node]!
    let slot = t.find(name)
    if (slot === -1) slot = t.add(name)
    else t.kill(slot)
    t.events[slot] = ev
    t.seqs[slot] = ev.seq
  }

  cancel(node: number, name: string): void {
    const t = this.#nodes[node]!
    const slot = t.find(name)
    if (slot !== -1) t.kill(slot)
  }

  /** A crash: every timer of `node` dies. */
  killAll(node: number): void {
    const t = this.#nodes[node]!
    for (let i = 0; i < t.size; i++) t.kill(i)
    t.clear()
  }
}
