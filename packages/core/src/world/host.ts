/**
 * The narrow interface between the async runtime's engine and what plugs into it: the network,
 * the faults, the audit guards and the async context see a {@link RunHost}, never the engine
 * class itself, so none of them imports the engine and no import cycle runs through it.
 *
 * @module
 */
import type { BoundaryError } from '../errors.ts'
import type { RandomStream } from '../random/stream.ts'
import type { FailureKind, TraceEvent } from '../report.ts'
import type { Wakeup } from './wakeup.ts'

/** What the code currently running belongs to: which run, and which of its tasks. */
export interface RunContext {
  readonly runtime: RunHost
  readonly task: TaskState
}

/**
 * A task's {@link RunContext}. A class, not an object literal: V8 moves the objects of a literal's
 * allocation site straight to the old generation once they tend to outlive a scavenge, as a
 * task's context does, and an old context keeps its whole run reachable from the young
 * generation until the next full collection (a bundled Raft explore ran 4,162-4,373 seeds/s with
 * the class, 3,819-4,015 with the literal, alternating).
 */
class TaskContext implements RunContext {
  readonly runtime: RunHost
  readonly task: TaskState
  constructor(runtime: RunHost, task: TaskState) {
    this.runtime = runtime
    this.task = task
  }
}

/** A task of a run (the scenario itself is the task `main`). */
export class TaskState {
  /** Set when the task's function returned. */
  done = false
  /** Set by a crash fault: the task's wake-ups are discarded from then on. */
  crashed = false
  /** What the task waits for, when the runtime knows (`recv on n1`), for deadlock reports. */
  waiting: string | undefined = undefined
  readonly context: RunContext
  readonly finished: Promise<void>
  resolveFinished!: () => void

  readonly name: string

  constructor(name: string, runtime: RunHost) {
    this.name = name
    this.context = new TaskContext(runtime, this)
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve
    })
  }
}

/** The network operations the faults drive (implemented by the simulated network). */
export interface FaultableNetwork {
  addresses(): string[]
  addFaultCut(groups: readonly (readonly string[])[]): unknown
  removeFaultCut(cut: unknown): void
  slow(a: string, b: string, factor: number): void
  unslow(a: string, b: string, factor: number): void
  crash(address: string): void
}

/** What the network, the faults and the guards need of the run they belong to. */
export interface RunHost {
  /** Set once the run is over: later calls from abandoned code are ignored. */
  readonly ended: boolean
  /** Whether the run is audited (entropy reads trip). */
  readonly audit: boolean
  /** Seeds `crypto` randomness used inside the run (outside audit mode). */
  readonly csprng: RandomStream
  /** One latency draw per send. */
  readonly networkStream: RandomStream
  /** Loss, duplication and fault-handle draws. */
  readonly faultStream: RandomStream
  now(): number
  /** The task whose code is running now (the scenario's `main` outside any spawned task). */
  currentTask(): TaskState
  /** Queues `fire` at virtual time `time` (now or later) as a wake-up of `owner`. */
  schedule(time: number, owner: string, task: TaskState | undefined, fire: () => void): Wakeup
  /** Appends one of the runtime's own events. */
  trace(event: TraceEvent): void
  /** Fails the run (first failure wins). */
  fail(kind: FailureKind, detail: string): void
  /** Audit mode caught a boundary crossing: it fails the run even if the code catches the error. */
  noteLeak(e: BoundaryError): void
}

/** What the faults need beyond {@link RunHost}: the network to cut, and the tasks to crash. */
export interface FaultHost extends RunHost {
  readonly net: FaultableNetwork
  /** Crash-stop of the task named `name`, if any. */
  freezeTask(name: string): void
  /** Whether a task with this name was spawned (or is `main`). */
  hasTask(name: string): boolean
}
