/**
 * Node timers: for each node, its timer names and which scheduling of each is the live one.
 * A timer event carries its slot (in `id`) and its `seq`; re-arming or cancelling a timer, or a
 * crash of its node, only changes what the slot holds, and the run loop skips a popped timer
 * event that is no longer its slot's live one. Nothing refers to an event record, so records
 * can be recycled as soon as they are handled.
 *
 * A node has a handful of timer names, so a name is found by a short scan of an array (the
 * names are usually the same interned literals, so each comparison is a pointer check) and a
 * per-node Map is built only for a node that uses many names. Between seeds a node keeps its
 * few names (the queue is emptied, so no timer of theirs is pending), and the next seed finds
 * them in place.
 *
 * @module
 */

/** Beyond this many names a node's timers are found through a Map. */
const SCAN = 8

/**
 * One node's timers: parallel arrays, one slot per name; a slot outlives its timer, and its
 * seed while the node has few names (see {@link NodeTimers.reset}); a crash forgets them all.
 * The arrays are never shrunk (`size` says how much is in use): setting an array's length is a
 * runtime call.
 */
class NodeTimers {
  size = 0
  readonly names: string[] = []
  /** The `seq` of the slot's live event (-1 once cancelled); meaningful within its run only. */
  readonly seqs: number[] = []
  index: Map<string, number> | undefined

  clear(): void {
    this.size = 0
    this.index = undefined
  }

  /**
   * Before the next seed. A node's names usually repeat from seed to seed, so a short list keeps
   * them (the next seed finds its names in place); a long one is forgotten, so that names made
   * up at run time cannot pile up. The seqs need no reset: every event that carries a slot was
   * armed in its own run, which wrote the slot's seq then.
   */
  reset(): void {
    if (this.size > SCAN) this.clear()
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
    this.seqs[slot] = -1
    if (this.index !== undefined) this.index.set(name, slot)
    else if (this.size > SCAN) {
      const index = new Map<string, number>()
      for (let i = 0; i < this.size; i++) index.set(this.names[i]!, i)
      this.index = index
    }
    return slot
  }
}

/** The timers of every node of one run. */
export class TimerTable {
  readonly #nodes: NodeTimers[]

  constructor(n: number) {
    this.#nodes = Array.from({ length: n }, () => new NodeTimers())
  }

  reset(): void {
    for (const t of this.#nodes) t.reset()
  }

  /**
   * Arms `name` of `node` to fire as the event numbered `seq` (its earlier arming, if queued,
   * is dead from now on). Returns the slot the event must carry.
   */
  set(node: number, name: string, seq: number): number {
    const t = this.#nodes[node]!
    let slot = t.find(name)
    if (slot === -1) slot = t.add(name)
    t.seqs[slot] = seq
    return slot
  }

  cancel(node: number, name: string): void {
    const t = this.#nodes[node]!
    const slot = t.find(name)
    if (slot !== -1) t.seqs[slot] = -1
  }

  /** Whether the timer event `seq` in `slot` of `node` is still the live one. */
  live(node: number, slot: number, seq: number): boolean {
    return this.#nodes[node]!.seqs[slot] === seq
  }

  /**
   * A crash: every timer of `node` dies. Its slots are forgotten: a later name taking a slot
   * arms it with a new `seq`, which no queued event of the old incarnation carries.
   */
  killAll(node: number): void {
    const t = this.#nodes[node]!
    // The arrays outlive `clear`: a queued event must not find its old seq still there.
    for (let i = 0; i < t.size; i++) t.seqs[i] = -1
    t.clear()
  }
}
