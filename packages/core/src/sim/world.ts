/**
 * The run loop: one seed of one simulation. A `SimWorld` is built once per `simulate` call and
 * reset for every seed, so its queue, event records, trace columns and per-link counters are
 * reused. It pops events in (time, seq) order, hands each to its node, and calls the checks;
 * the jobs around it live in their own modules: link draws (links.ts), timers (timers.ts),
 * crashes and partitions (fault-state.ts), the checks (checks.ts), choice recording
 * (choices.ts), the trace (trace-log.ts).
 *
 * Hot path rules: events are recycled `SimEvent` records in one heap; nothing is allocated per
 * event that the nodes do not allocate themselves; a sweep only counts trace events (a failing
 * seed is run again with its trace); nothing is formatted until a failure is reported.
 *
 * @module
 */
import { NodeContextError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import {
  OperationLog,
  type RecordedOperation,
  type RecorderHost,
} from '../linearizability/recorder.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import { RandomStream } from '../random/stream.ts'
import type { TraceEvent } from '../report.ts'
import { type CheckedRun, focusOf, RunChecks } from './checks.ts'
import { RunChoices } from './choices.ts'
import { type CompiledChoices, type CompiledSim, callFactory } from './compile.ts'
import { type ContextHost, NodeContext } from './context.ts'
import { describeFault, nodeThrew } from './describe.ts'
import {
  EV_CRASH,
  EV_DELIVER,
  EV_HEAL,
  EV_PARTITION,
  EV_RESTART,
  EV_START,
  EV_TIMER,
  EventQueue,
  type SimEvent,
} from './event-queue.ts'
import { FaultState, type PartitionFault, scheduleFaults } from './fault-state.ts'
import { type LinkRun, Links } from './links.ts'
import { MapStorage, type Node, type Nodes } from './node.ts'
import { TimerTable } from './timers.ts'
import {
  TR_CRASH,
  TR_DELIVER,
  TR_DROP,
  TR_HEAL,
  TR_INVOKE,
  TR_PARTITION,
  TR_RESTART,
  TR_START,
  TR_TIMER,
  TraceLog,
} from './trace-log.ts'
import type { SimChoices, SimEnd, SimRunFailure } from './types.ts'

/** The result of {@link SimWorld.run}; the trace and choices stay in the world until the next run. */
export interface RunOutcome<W> {
  readonly end: SimEnd
  readonly steps: number
  readonly time: number
  readonly world: W
  readonly failure: SimRunFailure | undefined
  /** The verdict on the run's history, when the simulation checks one and the run got there. */
  readonly linearizability: LinearizabilityResult | undefined
}

/** One simulation's mutable world, reset for every seed. */
export class SimWorld<N extends Nodes, W, A>
  implements ContextHost, RecorderHost, CheckedRun, LinkRun
{
  readonly sim: CompiledSim<N, W, A>
  readonly n: number
  /** Node addresses, by index. */
  readonly names: readonly string[]
  time = 0
  running = false
  steps = 0
  readonly queue: EventQueue = new EventQueue()
  /** This run's events: kept when the run records or follows a script, else only counted. */
  readonly log: TraceLog = new TraceLog()
  readonly nodes: Node[]
  record: Record<string, Node> = {}
  readonly ctxs: NodeContext[]
  readonly faults: FaultState
  readonly timers: TimerTable
  readonly links: Links<N, W, A>
  readonly runChoices: RunChoices = new RunChoices()
  readonly checks: RunChecks<N, W, A>
  /** Durable storage per node, created on first use; it outlives crashes within a run. */
  readonly storage: (MapStorage | undefined)[]
  #storageUsed = false
  /** Contexts of each node's first incarnation, reused from seed to seed. */
  readonly #firstContexts: NodeContext[]
  /** Whether a restart may replace a node in the record (then each seed copies the record). */
  readonly #restarts: boolean
  seed = 0
  readonly nodeRngs: (RandomStream | undefined)[]
  #nodeRngsUsed = false
  /** A context misuse or mutate error: it fails the run even if node code catches the throw. */
  pendingFailure: SimRunFailure | undefined
  failure: SimRunFailure | undefined
  /** The operations the nodes record through `ctx.history`; reset per seed. */
  readonly operations: OperationLog = new OperationLog(this)

  constructor(sim: CompiledSim<N, W, A>) {
    this.sim = sim
    const n = (this.n = sim.names.length)
    this.names = sim.names
    this.faults = new FaultState(n)
    this.timers = new TimerTable(n)
    this.links = new Links(sim)
    this.checks = new RunChecks(sim)
    this.storage = new Array(n).fill(undefined)
    this.nodes = new Array(n)
    this.ctxs = new Array(n)
    this.nodeRngs = new Array(n).fill(undefined)
    this.#firstContexts = sim.names.map((_, i) => new NodeContext(this, i))
    this.#restarts = sim.faults.some((f) => f.kind === 'crash' && f.restartAt !== undefined)
  }

  /** Runs one seed to its end. With `script`, only the listed faults happen. */
  run(seed: number, script?: CompiledChoices, record = false): RunOutcome<W> {
    return this.outcome(this.play(seed, script, record))
  }

  /**
   * {@link SimWorld.run} without building its outcome: how the run ended; `failure`, `steps`
   * and the rest stay in the world. What a sweep calls for every seed.
   */
  play(seed: number, script?: CompiledChoices, record = false): SimEnd {
    this.#reset(seed, script, record)
    const { sim, queue, checks } = this
    let end: SimEnd = 'settled'
    // A replay cut at the instant a history failure became visible (see SimChoices.until).
    const horizon = Math.min(sim.maxTime, script?.until ?? Number.POSITIVE_INFINITY)
    this.running = true
    try {
      if (checks.everyStep) this.failure = this.#check(undefined)
      if (this.failure !== undefined) end = 'failed'
      else {
        for (;;) {
          const ev = queue.pop()
          if (ev === undefined) break
          // A timer re-armed, cancelled or crashed since this event was queued: skip it.
          if (ev.kind === EV_TIMER && !this.timers.live(ev.node, ev.id, ev.seq)) {
            queue.free(ev)
            continue
          }
          if (ev.time > horizon || this.steps >= sim.maxSteps) {
            // Put it back: the report names the next event of a run that did not settle.
            queue.push(ev)
            end = ev.time > horizon ? 'maxTime' : 'maxSteps'
            break
          }
          this.time = ev.time
          this.steps++
          this.#dispatch(ev)
          if (checks.everyStep && this.failure === undefined) {
            // Two call sites, not one: see RunChecks.step.
            this.failure = checks.refines
              ? checks.stepRefined(this.record as N, this, ev)
              : checks.step(this.record as N, this, ev)
          }
          // Every failure detail is a string by now: nothing reads the record again.
          queue.free(ev)
          if (this.failure !== undefined) {
            end = 'failed'
            break
          }
        }
      }
      if (this.failure === undefined)
        this.failure = checks.end(this.record as N, this, end, this.operations)
    } finally {
      this.running = false
      // Contexts outlive nothing: a handler's stored ctx is refused from now on.
      for (let i = 0; i < this.n; i++) this.ctxs[i]!.alive = false
    }
    return end
  }

  /** The checks after a step (`ev`) or on the first snapshot: see {@link RunChecks.step}. */
  #check(ev: SimEvent | undefined): SimRunFailure | undefined {
    const record = this.record as N
    return this.checks.refines
      ? this.checks.stepRefined(record, this, ev)
      : this.checks.step(record, this, ev)
  }

  /** The outcome of the last run, which ended as `end`. */
  outcome(end: SimEnd): RunOutcome<W> {
    return {
      end,
      steps: this.steps,
      time: this.time,
      world: this.checks.world as W,
      failure: this.failure,
      linearizability: this.checks.linearizability,
    }
  }

  #reset(seed: number, script: CompiledChoices | undefined, record: boolean): void {
    const { sim, n } = this
    this.seed = seed
    this.time = 0
    this.steps = 0
    this.queue.clear()
    this.log.reset(record || script !== undefined)
    this.operations.reset()
    this.faults.reset()
    this.timers.reset()
    this.links.reset(seed)
    this.checks.reset(record || script !== undefined)
    this.runChoices.reset(script, record)
    if (this.#nodeRngsUsed) {
      this.nodeRngs.fill(undefined)
      this.#nodeRngsUsed = false
    }
    if (this.#storageUsed) {
      this.storage.fill(undefined)
      this.#storageUsed = false
    }
    this.pendingFailure = undefined
    this.failure = undefined
    const built = callFactory(sim.factory, sim.names, this.nodes)
    this.record = this.#restarts ? { ...built } : built
    for (let i = 0; i < n; i++) {
      const ctx = (this.ctxs[i] = this.#firstContexts[i]!)
      ctx.alive = true
      this.queue.make(0, EV_START, i, -1, 0, undefined)
    }
    if (sim.faults.length > 0) scheduleFaults(this.queue, sim, this.runChoices)
  }

  /** Hands `ev` to its node (deliveries, timers, starts) or to {@link SimWorld.#fault}. */
  #dispatch(ev: SimEvent): void {
    const node = ev.node
    const kind = ev.kind
    try {
      if (kind === EV_DELIVER) {
        const src = ev.src
        const blocked = this.faults.blocked(src, node)
        if (blocked !== -1) {
          this.log.add(TR_DROP, this.time, src, node, ev.id, blocked, ev.ref)
        } else {
          this.log.add(TR_DELIVER, this.time, src, node, ev.id, 0, ev.ref)
          this.nodes[node]!.onMessage?.(this.ctxs[node]!, this.names[src]!, ev.ref)
        }
      } else if (kind === EV_TIMER) {
        const name = ev.ref as string
        this.log.add(TR_TIMER, this.time, node, -1, 0, 0, name)
        this.nodes[node]!.onTimer?.(this.ctxs[node]!, name)
      } else if (kind === EV_START) {
        this.log.add(TR_START, this.time, node, -1, 0, 0, undefined)
        this.nodes[node]!.onStart?.(this.ctxs[node]!)
      } else this.#fault(ev)
    } catch (e) {
      if (this.pendingFailure === undefined) this.failure = nodeThrew(ev, e, this.names, this.time)
    }
    if (this.pendingFailure !== undefined && this.failure === undefined)
      this.failure = this.pendingFailure
  }

  /** A scheduled fault: crash, restart, partition or heal. Kept apart: most runs have none. */
  #fault(ev: SimEvent): void {
    const node = ev.node
    switch (ev.kind) {
      case EV_CRASH:
        this.runChoices.fault(ev.id)
        if (this.faults.crash(node)) {
          this.ctxs[node]!.alive = false
          this.timers.killAll(node)
          this.log.add(TR_CRASH, this.time, node, -1, ev.id, 0, undefined)
        }
        break
      case EV_RESTART:
        if (this.faults.restart(node)) this.#restart(node, ev.id)
        break
      case EV_PARTITION:
        this.runChoices.fault(ev.id)
        this.faults.partition(ev.ref as PartitionFault, ev.id, this.sim.index)
        this.log.add(TR_PARTITION, this.time, -1, -1, ev.id, 0, undefined)
        break
      case EV_HEAL:
        if (this.faults.heal(ev.id)) this.log.add(TR_HEAL, this.time, -1, -1, ev.id, 0, undefined)
        break
    }
  }

  /** A crashed node comes back: a fresh node from the factory, a context of its new incarnation. */
  #restart(node: number, faultIndex: number): void {
    const name = this.names[node]!
    const fresh = callFactory(this.sim.factory, this.sim.names)[name]!
    this.nodes[node] = fresh
    this.record[name] = fresh
    this.ctxs[node] = new NodeContext(this, node)
    this.log.add(TR_RESTART, this.time, node, -1, faultIndex, 0, undefined)
    fresh.onStart?.(this.ctxs[node]!)
  }

  // ---- ContextHost: what a node's ctx does --------------------------------------------------

  send(from: number, dst: string, payload: unknown): void {
    this.links.send(this, from, dst, payload)
  }

  setTimer(node: number, name: string, delay: number): void {
    if (typeof name !== 'string') {
      this.misuse(
        node,
        `node '${this.names[node]}' called setTimer with a non-string name ${formatValue(name)}`,
      )
    }
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      this.misuse(
        node,
        `node '${this.names[node]}' set timer '${name}' with delay ${formatValue(delay)}; a delay is a finite number of virtual ms >= 0`,
      )
    }
    const ev = this.queue.make(this.time + delay, EV_TIMER, node, -1, 0, name)
    ev.id = this.timers.set(node, name, ev.seq)
  }

  cancelTimer(node: number, name: string): void {
    this.timers.cancel(node, name)
  }

  nodeRandom(node: number): number {
    let rng = this.nodeRngs[node]
    if (rng === undefined) {
      rng = this.nodeRngs[node] = new RandomStream(this.seed, `node:${this.names[node]}`)
      this.#nodeRngsUsed = true
    }
    return rng.random()
  }

  storageOf(node: number): MapStorage {
    let s = this.storage[node]
    if (s === undefined) {
      s = this.storage[node] = new MapStorage()
      this.#storageUsed = true
    }
    return s
  }

  /** Records a context misuse (so catching the throw cannot hide it) and throws. */
  misuse(node: number, message: string): never {
    const name = this.names[node]!
    this.pendingFailure ??= { kind: 'error', name, detail: message }
    throw new NodeContextError(name, message)
  }

  // ---- RecorderHost: ctx.history ------------------------------------------------------------

  now(): number {
    return this.time
  }

  recorded(kind: number, op: RecordedOperation): void {
    this.log.add(TR_INVOKE + kind, this.time, op.actor, -1, op.id, 0, op)
  }

  refuse(actor: number, message: string): void {
    this.misuse(actor, message)
  }

  // ---- After the run: what reports read -----------------------------------------------------

  /** The last run's history, in virtual time. */
  history(): Operation<unknown, unknown>[] {
    return this.operations.history()
  }

  /** The nodes a failed check depends on (see {@link focusOf}). */
  focus(failure: SimRunFailure): string[] {
    return focusOf(this.sim, this.record, () => this.operations.actors(), failure)
  }

  /** The run's trace as plain events. */
  trace(): TraceEvent[] {
    const faults = this.sim.faults
    return this.log.materialize(this.sim.names, (i) => describeFault(faults[i]!))
  }

  /** The fault choices of the last run (it must have been run with `record`). */
  choices(): SimChoices {
    return this.runChoices.recorded(this.names)
  }
}
