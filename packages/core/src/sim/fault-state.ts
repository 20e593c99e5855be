/**
 * The injected faults of one run: which nodes are crashed, which partition holds, and the schedule that puts crash, restart, partition and heal events
 * in the queue when the run starts. Nodes and their handlers are the run loop's business; this
 * module only keeps the state a delivery and a context consult.
 *
 * @module
 */
import type { CompiledSim } from './compile.ts'
import { EV_CRASH, EV_HEAL, EV_PARTITION, EV_RESTART, type EventQueue } from './event-queue.ts'
import type { ScheduledFault } from './faults.ts'
import type { Nodes } from './node.ts'
import { DROP_CRASHED, DROP_PARTITION } from './trace-log.ts'

/** A partition of the schedule. */
export type PartitionFault = ScheduledFault & { kind: 'partition' }

/** Crashes and partitions in force, per node; reset for every seed. */
export class FaultState {
  /** Per node: 1 while crashed. */
  readonly crashed: Uint8Array
  /** Per node: its side of the partition in force. */
  readonly group: Int32Array
  partitioned = false
  /** The fault index of the partition in force, or -1. */
  current = -1
  /** Set when a crash or partition ran, so the next reset clears the per-node state. */
  #dirty = false

  constructor(n: number) {
    this.crashed = new Uint8Array(n)
    this.group = new Int32Array(n)
  }

  reset(): void {
    if (this.#dirty) {
      // Only a run with crashes or partitions dirties these.
      this.crashed.fill(0)
      this.group.fill(0)
      this.#dirty = false
    }
    this.partitioned = false
    this.current = -1
  }

  /** Crashes `node`; false when it was crashed already (nothing happens). */
  crash(node: number): boolean {
    if (this.crashed[node] === 1) return false
    this.#dirty = true
    this.crashed[node] = 1
    return true
  }

  /** Brings `node` back; false when it was not crashed (nothing happens). */
  restart(node: number): boolean {
    if (this.crashed[node] === 0) return false
    this.crashed[node] = 0
    return true
  }

  /** Puts partition `f` (fault `index` of the schedule) in force. */
  partition(f: PartitionFault, index: number, nodeIndex: ReadonlyMap<string, number>): void {
    // Nodes named in no group share one more group (index = groups.length).
    this.#dirty = true
    this.group.fill(f.groups.length)
    f.groups.forEach((g, gi) => {
      for (const name of g) this.group[nodeIndex.get(name)!] = gi
    })
    this.partitioned = true
    this.current = index
  }

  /** Heals partition `index`; false when a later partition replaced it (nothing happens). */
  heal(index: number): boolean {
    if (this.current !== index) return false
    this.partitioned = false
    this.current = -1
    return true
  }

  /** Why a message from `src` cannot reach `dst` now (`DROP_*` of trace-log.ts), or -1. */
  blocked(src: number, dst: number): number {
    if (this.crashed[dst] === 1) return DROP_CRASHED
    if (this.partitioned && this.group[src] !== this.group[dst]) return DROP_PARTITION
    return -1
  }
}

/** Queues the scheduled faults of a run (only those a script keeps, when it follows one). */
export function scheduleFaults<N extends Nodes, W, A>(
  queue: EventQueue,
  sim: CompiledSim<N, W, A>,
  choices: { schedules(index: number): boolean },
): void {
  const faults = sim.faults
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i]!
    if (!choices.schedules(i)) continue
    if (f.kind === 'partition') {
      queue.make(f.from, EV_PARTITION, -1, -1, i, f)
      if (f.until !== undefined) queue.make(f.until, EV_HEAL, -1, -1, i, f)
    } else {
      const node = sim.index.get(f.node)!
      queue.make(f.at, EV_CRASH, node, -1, i, f)
      if (f.restartAt !== undefined) queue.make(f.restartAt, EV_RESTART, node, -1, i, f)
    }
  }
}
