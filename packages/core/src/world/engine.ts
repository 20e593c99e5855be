/**
 * The engine of the deterministic async runtime: virtual clock, ready set, timers, tasks, the
 * invariants and goals the loop checks, and how a run fails. Scenarios never see it: they get a
 * {@link World} (world/scenario-world.ts) that checks their arguments and calls in here; the
 * network, the faults and the guards see it as a {@link RunHost} or {@link FaultHost}.
 *
 * A step is one wake-up followed by a full drain of the microtask queue. Between steps the
 * engine checks the invariants and `runUntil` goals, then picks the next wake-up: among those
 * ready at the current instant the strategy decides; when none is ready the clock jumps to the
 * next timer.
 *
 * Nothing here validates what a scenario passed: every argument that reaches the engine has
 * already been checked by the world, so the loop's code paths stay the hot, simple ones.
 *
 * @module
 */
import {
  type BoundaryError,
  DeadlineError,
  DeadlockError,
  describeError,
  InvariantError,
  MusilError,
  WorldUsageError,
} from '../errors.ts'
import {
  HISTORY_EVENT_KINDS,
  OP_INVOKE,
  OperationLog,
  type RecordedOperation,
  type RecorderHost,
} from '../linearizability/recorder.ts'
import { checkRunHistory, type HistoryCheck } from '../linearizability/run-check.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import { RandomStream } from '../random/stream.ts'
import type { FailureKind, RunChecks, RunFailureCause, TraceEvent } from '../report.ts'
import { DrainPump, runContext } from './context.ts'
import type { HistoryHost } from './history.ts'
import { type FaultHost, TaskState } from './host.ts'
import { SimulatedNetwork } from './network.ts'
import type { Strategy } from './strategy.ts'
import { Wakeup, WakeupHeap } from './wakeup.ts'

/** Options of one run. */
export interface EngineOptions {
  readonly seed: number
  readonly audit: boolean
  readonly strategy: (seed: number) => Strategy
  readonly maxSteps: number
  /** The spec the run's history is checked against when the run ends. */
  readonly linearizable: HistoryCheck | undefined
}

interface PendingUntil {
  readonly pred: () => boolean
  readonly name: string
  /** `runUntil "<name>"`: what its task waits for, and what a throw in `pred` is blamed on. */
  readonly label: string
  readonly resolve: () => void
  readonly task: TaskState
  deadline: Wakeup | undefined
}

/** The failure kind a thrown error stands for. */
function kindOf(e: unknown): FailureKind {
  if (!MusilError.is(e)) return 'error'
  switch (e.name) {
    case 'InvariantError':
      return 'safety'
    case 'DeadlineError':
      return 'goal'
    case 'DeadlockError':
      return 'deadlock'
    default:
      return 'error'
  }
}

/** One run: drives the steps of a scenario's tasks and records what happened. */
export class Engine implements RecorderHost, FaultHost, HistoryHost {
  readonly seed: number
  readonly net: SimulatedNetwork
  /** The live record of the run: the engine appends to it; `world.timeline` hands out copies. */
  readonly events: TraceEvent[] = []
  readonly audit: boolean
  /** Seeds `crypto` randomness used inside the run (outside audit mode). */
  readonly csprng: RandomStream
  /** Draws of the network (one latency per send) and of the faults (loss, duplication, fault handles). */
  readonly networkStream: RandomStream
  readonly faultStream: RandomStream
  /** Set once the run is over: later calls from abandoned code are ignored. */
  ended = false
  /** The first reason the run failed; the loop stops at the end of the current step. */
  failure: RunFailureCause | undefined = undefined
  /** Scheduling steps taken. */
  steps = 0
  /** The operations recorded through `world.history`. */
  readonly operations: OperationLog = new OperationLog(this)
  /** The verdict on the run's history, once checked (with the `linearizable` option). */
  linearizability: LinearizabilityResult | undefined

  readonly #strategy: Strategy
  readonly #maxSteps: number
  readonly #linearizable: HistoryCheck | undefined
  /** A failure the loop set because the run ended (deadlock, step limit), not one it detected. */
  #endFailure: RunFailureCause | undefined
  readonly #main: TaskState
  readonly #tasks: TaskState[] = []
  readonly #ready: Wakeup[] = []
  readonly #timers = new WakeupHeap()
  /** `label` is what a throw or a leak inside the predicate is blamed on, built once. */
  readonly #invariants: {
    readonly name: string
    readonly label: string
    readonly pred: () => boolean
  }[] = []
  readonly #untils: PendingUntil[] = []
  /** Every `runUntil` goal this run waited on: what its report says it checked. */
  readonly #goals = new Set<string>()
  /** The invariant or goal being evaluated, if any: what an audit leak is blamed on. */
  #evaluating: string | undefined
  #now = 0
  #seq = 0
  #scenarioDone = false
  /** Scheduling decisions with a real choice so far. */
  #choices = 0
  readonly #pump = new DrainPump(() => this.#drained())
  /** Ends the promise `run` returned: with an error the loop itself threw, or normally. */
  #settleRun: (error: { readonly cause: unknown } | undefined) => void = () => {}

  constructor(options: EngineOptions) {
    this.seed = options.seed
    this.audit = options.audit
    this.csprng = new RandomStream(options.seed, 'csprng')
    this.networkStream = new RandomStream(options.seed, 'network')
    this.faultStream = new RandomStream(options.seed, 'faults')
    this.#strategy = options.strategy(options.seed)
    this.#maxSteps = options.maxSteps
    this.#linearizable = options.linearizable
    this.#main = new TaskState('main', this)
    this.#tasks.push(this.#main)
    this.net = new SimulatedNetwork(this)
  }

  // ---- what the world's methods do, once their arguments are checked -----------------------

  /** Virtual time in milliseconds since the run started. */
  now(): number {
    return this.#now
  }

  /** Resolves the calling task after `ms` virtual milliseconds. */
  sleep(ms: number): Promise<void> {
    const task = this.currentTask()
    if (this.ended) return new Promise(() => {})
    return new Promise((resolve) => {
      this.schedule(this.#now + ms, task.name, task, () => {
        this.trace({ t: this.#now, kind: 'timer', node: task.name, name: 'sleep' })
        resolve()
      })
    })
  }

  /** Whether a task of this name is running (spawned, not finished, not crashed). */
  isRunning(name: string): boolean {
    return this.#tasks.some((t) => t.name === name && !t.done && !t.crashed)
  }

  /** Queues the start of a new task; it runs `fn` when the scheduler picks that start. */
  spawn(name: string, fn: () => Promise<void> | void): TaskState {
    const parent = this.currentTask()
    const task = new TaskState(name, this)
    if (this.ended) return task
    this.#tasks.push(task)
    this.trace({ t: this.#now, kind: 'spawn', node: parent.name, name })
    this.schedule(this.#now, name, task, () => {
      this.trace({ t: this.#now, kind: 'run', node: name, name: 'start' })
      this.#start(task, fn, () => task.resolveFinished())
    })
    return task
  }

  /** Appends a user event, stamped with the time and the calling task. */
  record(event: unknown): void {
    if (this.ended) return
    this.trace({ t: this.#now, kind: 'user', node: this.currentTask().name, payload: event })
  }

  /** Registers an invariant, checked after every step in registration order. */
  always(pred: () => boolean, name: string): void {
    this.#invariants.push({ name, label: `invariant "${name}"`, pred })
  }

  /** What this run checked: its `always` invariants and `runUntil` goals, by name. */
  checks(): RunChecks {
    return {
      invariants: [...new Set(this.#invariants.map((i) => i.name))],
      goals: [...this.#goals],
      refinement: false,
      linearizable: this.#linearizable !== undefined,
    }
  }

  /**
   * Resolves the calling task after the first step at whose end `pred` holds (at once if it
   * holds now); with a `deadline`, rejects with a {@link DeadlineError} when it passes first.
   */
  runUntil(pred: () => boolean, name: string, deadline: number | undefined): Promise<void> {
    this.#goals.add(name)
    try {
      if (pred()) return Promise.resolve()
    } catch (e) {
      // Rejected in the caller's task, so a caller that does not catch it fails the run; the
      // message names the goal, as it does when the predicate throws on a later step.
      return Promise.reject(
        new Error(`runUntil "${name}" predicate threw ${describeError(e)}`, { cause: e }),
      )
    }
    const task = this.currentTask()
    if (this.ended) return new Promise(() => {})
    return new Promise((resolve, reject) => {
      const label = `runUntil "${name}"`
      const until: PendingUntil = { pred, name, label, resolve, task, deadline: undefined }
      task.waiting = label
      this.#untils.push(until)
      if (deadline !== undefined) {
        until.deadline = this.schedule(this.#now + deadline, task.name, task, () => {
          this.#untils.splice(this.#untils.indexOf(until), 1)
          task.waiting = undefined
          this.trace({
            t: this.#now,
            kind: 'timer',
            node: task.name,
            name: 'deadline',
            detail: name,
          })
          // The predicate wins a tie with its own deadline.
          if (this.#holds(pred, label)) resolve()
          else reject(new DeadlineError(name, deadline, this.#now))
        })
      }
    })
  }

  /**
   * One call of a `world.scheduled` function: it queues a wake-up of the calling task, and
   * `fn` runs (in that task's context) only when the scheduler picks it.
   */
  release<A extends unknown[], R>(
    label: string,
    fn: (...args: A) => R | Promise<R>,
    args: A,
  ): Promise<Awaited<R>> {
    const task = this.currentTask()
    if (this.ended) return new Promise(() => {})
    return new Promise<Awaited<R>>((resolve, reject) => {
      this.schedule(this.#now, task.name, task, () => {
        this.trace({ t: this.#now, kind: 'run', node: task.name, name: label })
        let result: R | Promise<R>
        try {
          result = runContext.run(task.context, fn, ...args)
        } catch (e) {
          reject(e)
          return
        }
        Promise.resolve(result).then(resolve as (v: unknown) => void, reject)
      })
    })
  }

  // ---- used by the network, the faults and world.history -----------------------------------

  /** The name of the task whose code is running now. */
  currentTaskName(): string {
    return this.currentTask().name
  }

  /** The run's history so far, in virtual time (failed operations left out). */
  recordedHistory(): Operation<unknown, unknown>[] {
    return this.operations.history()
  }

  // ---- RecorderHost: world.history ---------------------------------------------------------

  recorded(kind: number, op: RecordedOperation): void {
    this.trace({
      t: this.#now,
      kind: HISTORY_EVENT_KINDS[kind]!,
      node: this.currentTask().name,
      name: String(op.client),
      payload: kind === OP_INVOKE ? op.input : op.output,
      detail: `op #${op.id}`,
    })
  }

  refuse(_actor: number, message: string): void {
    if (this.ended) return
    const task = this.currentTask()
    const who = task === this.#main ? 'the scenario' : `task "${task.name}"`
    const error = new WorldUsageError(message)
    // Fails the run even if the caller catches the throw, as a misused Context does.
    this.fail('error', `${who}: ${describeError(error)}`)
    throw error
  }

  /** The task whose code is running now (the scenario's `main` outside any spawned task). */
  currentTask(): TaskState {
    const store = runContext.getStore()
    return store !== undefined && store.runtime === this ? store.task : this.#main
  }

  /** Queues `fire` at virtual time `time` (now or later) as a wake-up of `owner`. */
  schedule(time: number, owner: string, task: TaskState | undefined, fire: () => void): Wakeup {
    const w = new Wakeup(time, this.#seq++, owner, task, fire)
    if (time <= this.#now) this.#ready.push(w)
    else this.#timers.push(w)
    return w
  }

  /** Appends one of the runtime's own events. */
  trace(event: TraceEvent): void {
    if (!this.ended) this.events.push(event)
  }

  /** Crash-stop of the task named `name`, if any: its pending and future wake-ups never fire. */
  freezeTask(name: string): void {
    for (const task of this.#tasks) if (task.name === name && !task.done) task.crashed = true
  }

  /** Whether a task with this name was spawned (or is `main`). */
  hasTask(name: string): boolean {
    return this.#tasks.some((t) => t.name === name)
  }

  /** Fails the run (first failure wins); the loop stops after the current step. */
  fail(kind: FailureKind, detail: string): void {
    if (this.failure === undefined && !this.ended) this.failure = { kind, detail }
  }

  /** Audit mode caught a boundary crossing: it fails the run even if the code catches the error. */
  noteLeak(e: BoundaryError): void {
    const task = this.currentTask()
    const who = this.#evaluating ?? (task === this.#main ? 'the scenario' : `task "${task.name}"`)
    this.fail('error', `${who}: ${describeError(e)}`)
  }

  // ---- the loop ----------------------------------------------------------------------------

  /**
   * Runs `scenario` as the task `main` to its end, a failure, a deadlock or the step limit.
   * The caller binds the scenario to its world, so the engine never needs to know the world.
   */
  run(scenario: () => Promise<void>): Promise<void> {
    const main = this.#main
    this.schedule(0, 'main', main, () => {
      this.trace({ t: this.#now, kind: 'run', node: 'main', name: 'start' })
      this.#start(main, scenario, () => {
        main.resolveFinished()
        this.#scenarioDone = true
      })
    })
    return new Promise((resolve, reject) => {
      this.#settleRun = (error) => {
        this.ended = true
        this.#pump.stop()
        if (error !== undefined) reject(error.cause)
        else {
          this.#checkHistory()
          resolve()
        }
      }
      // The first wake-up fires now, in the caller's turn, as every later one fires in a turn of
      // the pump: one step, then a drained microtask queue, then the checks.
      this.#advance()
    })
  }

  /**
   * The loop, one call per drained microtask queue. After a wake-up: the invariants and the end
   * conditions; a goal that became true resolves its `runUntil`, and its waiter runs (one more
   * drain) before the next pick. Then the next wake-up fires.
   */
  #drained(): void {
    try {
      if (this.#afterStep()) this.#settleRun(undefined)
      else if (this.#settleUntils()) this.#pump.request()
      else if (this.failure !== undefined || this.#scenarioDone) this.#settleRun(undefined)
      else this.#advance()
    } catch (e) {
      this.#settleRun({ cause: e })
    }
  }

  /** Picks and fires the next wake-up, then waits for the drain; or ends the run. */
  #advance(): void {
    try {
      const w = this.#next()
      if (w === undefined) {
        this.fail('deadlock', new DeadlockError(this.#now, this.#waiting()).message)
        this.#endFailure = this.failure
        this.#settleRun(undefined)
        return
      }
      if (this.steps >= this.#maxSteps) {
        this.fail(
          'error',
          `the run did not finish within ${this.#maxSteps} scheduling steps (t=${this.#now} ms): ` +
            'a task may loop on sleep(0) or on a message ping-pong. Raise maxSteps if the run is just long.',
        )
        this.#endFailure = this.failure
        this.#settleRun(undefined)
        return
      }
      this.steps++
      w.fire()
      this.#pump.request()
    } catch (e) {
      this.#settleRun({ cause: e })
    }
  }

  /**
   * The history is complete once the run is over, however it ended (a deadlock or the step limit
   * included); a violation is a safety failure and outranks how the run ended.
   */
  #checkHistory(): void {
    const check = this.#linearizable
    if (check !== undefined && (this.failure === undefined || this.failure === this.#endFailure)) {
      const verdict = checkRunHistory(this.operations, check)
      this.linearizability = verdict.result
      if (verdict.failure !== undefined) {
        this.failure = {
          ...verdict.failure,
          linearizability: verdict.result,
          history: verdict.history,
        }
      }
    }
  }

  /** Invariants, then the end conditions. True when the run is over. */
  #afterStep(): boolean {
    if (this.failure !== undefined) return true
    const invariants = this.#invariants
    for (let i = 0; i < invariants.length; i++) {
      const inv = invariants[i]
      if (!this.#holds(inv.pred, inv.label)) {
        if (this.failure === undefined)
          this.fail('safety', new InvariantError(inv.name, this.#now).message)
        return true
      }
    }
    return this.failure !== undefined || this.#scenarioDone
  }

  /** Resolves every pending `runUntil` whose predicate holds. True when one did. */
  #settleUntils(): boolean {
    let settled = false
    const untils = this.#untils
    for (let i = 0; i < untils.length; ) {
      const u = untils[i]
      if (this.#holds(u.pred, u.label)) {
        untils.splice(i, 1)
        if (u.deadline !== undefined) u.deadline.cancelled = true
        u.task.waiting = undefined
        u.resolve()
        settled = true
      } else i++
    }
    return settled && this.failure === undefined
  }

  /** Evaluates a user predicate inside the run's context; a throw fails the run. */
  #holds(pred: () => boolean, what: string): boolean {
    // Predicates run in the scenario's context; a leak inside one names the predicate.
    this.#evaluating = what
    try {
      return runContext.run(this.#main.context, pred) === true
    } catch (e) {
      this.fail('error', `${what} threw ${describeError(e)}`)
      return true
    } finally {
      this.#evaluating = undefined
    }
  }

  /** Runs a task's function in its own context; a throw fails the run, naming the task. */
  #start(task: TaskState, fn: () => unknown, onDone: () => void): void {
    const failed = (e: unknown): void => {
      const who = task === this.#main ? 'the scenario' : `task "${task.name}"`
      this.fail(
        kindOf(e),
        kindOf(e) === 'error' ? `${who} threw ${describeError(e)}` : (e as Error).message,
      )
    }
    let result: unknown
    try {
      result = runContext.run(task.context, fn)
    } catch (e) {
      failed(e)
      return
    }
    Promise.resolve(result).then(() => {
      task.done = true
      onDone()
    }, failed)
  }

  /** The next wake-up: a strategy pick among those ready now, else the clock jumps. */
  #next(): Wakeup | undefined {
    const ready = this.#ready
    for (;;) {
      // Drop wake-ups that were cancelled or belong to crashed tasks.
      let n = 0
      for (let i = 0; i < ready.length; i++) {
        const w = ready[i]
        if (!w.cancelled && !w.task?.crashed) ready[n++] = w
      }
      ready.length = n
      if (n > 0) {
        // Only a real choice (two or more ready) is a scheduling decision: PCT counts those.
        const i = n === 1 ? 0 : this.#strategy.pick(ready, ++this.#choices)
        const w = ready[i]
        ready.splice(i, 1)
        return w
      }
      const timers = this.#timers
      let head = timers.peek()
      while (head !== undefined && (head.cancelled || head.task?.crashed)) {
        timers.pop()
        head = timers.peek()
      }
      if (head === undefined) return undefined
      // Autojump: nothing can happen before the next timer, so time moves straight to it.
      this.#now = head.time
      while (head !== undefined && head.time === this.#now) {
        timers.pop()
        ready.push(head)
        head = timers.peek()
      }
    }
  }

  #waiting(): string[] {
    return this.#tasks
      .filter((t) => !t.done && !t.crashed)
      .map((t) => (t.waiting === undefined ? t.name : `${t.name} (${t.waiting})`))
  }
}
