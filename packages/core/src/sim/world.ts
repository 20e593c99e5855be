/**
 * The run loop: one seed of one simulation. A `SimWorld` is built once per `simulate` call and
 * reset for every seed, so its queue, trace columns and per-link counters are reused.
 *
 * Hot path rules: events are `SimEvent` records in one heap; node addresses are turned into
 * indices once per send (one Map lookup); the trace is columns of numbers; nothing is formatted
 * until a failure is reported.
 *
 * @module
 */
import { describeError, NodeContextError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import {
  OperationLog,
  type RecordedOperation,
  type RecorderHost,
} from '../linearizability/recorder.ts'
import { checkRunHistory, LINEARIZABILITY } from '../linearizability/run-check.ts'
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import { RandomStream } from '../random/stream.ts'
import type { TraceEvent } from '../report.ts'
import {
  type CheckedRun,
  focusOf,
  goalFailure,
  invariantFailure,
  refinementFailure,
  when,
} from './checks.ts'
import { ChoiceRecorder, messageRefOf, recordedChoices } from './choices.ts'
import { type CompiledChoices, type CompiledSim, callFactory, messageKey } from './compile.ts'
import { type ContextHost, NodeContext } from './context.ts'
import { describeFault } from './describe.ts'
import {
  EV_CRASH,
  EV_DELIVER,
  EV_HEAL,
  EV_PARTITION,
  EV_RESTART,
  EV_START,
  EV_TIMER,
  EventQueue,
  SimEvent,
} from './event-queue.ts'
import type { ScheduledFault } from './faults.ts'
import { MapStorage, type Node, type Nodes } from './node.ts'
import { RefinementTracker } from './refinement-tracker.ts'
import {
  CountingLog,
  DROP_CRASHED,
  DROP_LOSS,
  DROP_PARTITION,
  TR_CORRUPT,
  TR_CRASH,
  TR_DELIVER,
  TR_DROP,
  TR_DUPLICATE,
  TR_HEAL,
  TR_INVOKE,
  TR_PARTITION,
  TR_RESTART,
  TR_SEND,
  TR_START,
  TR_TIMER,
  TraceLog,
} from './trace-log.ts'
import type { MessageRef, SimChoices, SimEnd, SimRunFailure } from './types.ts'

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
export class SimWorld<N extends Nodes, W, A> implements ContextHost, RecorderHost, CheckedRun {
  readonly sim: CompiledSim<N, W, A>
  readonly n: number
  /** Node addresses, by index. */
  readonly names: readonly string[]
  time = 0
  running = false
  seq = 0
  steps = 0
  readonly queue: EventQueue = new EventQueue()
  /** This run's events: a full log when the run records or follows a script, else a count. */
  log: TraceLog = new TraceLog()
  readonly #fullLog: TraceLog = this.log
  readonly #countLog: TraceLog = new CountingLog()
  readonly nodes: Node[]
  record: Record<string, Node> = {}
  readonly ctxs: NodeContext[]
  readonly incarnation: Int32Array
  readonly crashed: Uint8Array
  /** Per node: timer name to its latest scheduled firing (possibly fired already, or dead). */
  readonly timers: Map<string, SimEvent>[]
  /** Durable storage per node, created on first use; it outlives crashes within a run. */
  readonly storage: (MapStorage | undefined)[]
  /** Contexts of each node's first incarnation, reused from seed to seed. */
  readonly #firstContexts: NodeContext[]
  /** Whether a restart may replace a node in the record (then each seed copies the record). */
  readonly #restarts: boolean
  /** Set when a crash or partition ran, so the next reset clears the per-node fault state. */
  #faulted = false
  readonly group: Int32Array
  partitioned = false
  currentPartition = -1
  readonly linkCount: Int32Array
  msgCount = 0
  seed = 0
  netRng: RandomStream = new RandomStream(0, 'network')
  faultRng: RandomStream = new RandomStream(0, 'faults')
  mutateRng: RandomStream | undefined
  readonly nodeRngs: (RandomStream | undefined)[]
  script: CompiledChoices | undefined
  recorder: ChoiceRecorder | undefined
  /** A context misuse or mutate error: it fails the run even if node code catches the throw. */
  pendingFailure: SimRunFailure | undefined
  failure: SimRunFailure | undefined
  world: W | undefined
  /** Refinement against `sim.model` (undefined without a model); `start` resets it per seed. */
  readonly refinement: RefinementTracker<A> | undefined
  /** The operations the nodes record through `ctx.history`; reset per seed. */
  readonly operations: OperationLog = new OperationLog(this)
  /** The last run's verdict on its history (undefined when not checked). */
  linearizability: LinearizabilityResult | undefined
  readonly #mutateRandom: () => number = () => this.mutateRng!.random()

  constructor(sim: CompiledSim<N, W, A>) {
    this.sim = sim
    const n = (this.n = sim.names.length)
    this.names = sim.names
    this.incarnation = new Int32Array(n)
    this.crashed = new Uint8Array(n)
    this.group = new Int32Array(n)
    this.linkCount = new Int32Array(n * n)
    this.timers = Array.from({ length: n }, () => new Map())
    this.storage = new Array(n).fill(undefined)
    this.nodes = new Array(n)
    this.ctxs = new Array(n)
    this.nodeRngs = new Array(n).fill(undefined)
    this.#firstContexts = sim.names.map((_, i) => new NodeContext(this, i, 0))
    this.refinement = sim.model && new RefinementTracker(sim.model)
    this.#restarts = sim.faults.some((f) => f.kind === 'crash' && f.restartAt !== undefined)
  }

  storageOf(node: number): MapStorage {
    let s = this.storage[node]
    if (s === undefined) s = this.storage[node] = new MapStorage()
    return s
  }

  /** Runs one seed to its end. With `script`, only the listed faults happen. */
  run(seed: number, script?: CompiledChoices, record = false): RunOutcome<W> {
    this.#reset(seed, script, record)
    const { sim, queue } = this
    const checkSteps = sim.invariantFns.length > 0 || sim.model !== undefined
    let end: SimEnd = 'settled'
    // A replay cut at the instant a history failure became visible (see SimChoices.until).
    const horizon = Math.min(sim.maxTime, script?.until ?? Number.POSITIVE_INFINITY)
    this.running = true
    try {
      this.#check(undefined)
      if (this.failure !== undefined) end = 'failed'
      else {
        for (;;) {
          const ev = queue.pop()
          if (ev === undefined) break
          if (ev.dead) continue
          if (ev.time > horizon || this.steps >= sim.maxSteps) {
            // Put it back: the report names the next event of a run that did not settle.
            queue.push(ev)
            end = ev.time > horizon ? 'maxTime' : 'maxSteps'
            break
          }
          this.time = ev.time
          this.steps++
          this.#dispatch(ev)
          if (checkSteps && this.failure === undefined) this.#check(ev)
          if (this.failure !== undefined) {
            end = 'failed'
            break
          }
        }
      }
      if (this.failure === undefined) {
        const world = this.#snapshot(undefined)
        // The history is complete once the run is over, however it ended; a violation is a
        // safety failure and outranks a missed goal or a run that never settled.
        if (this.failure === undefined && sim.linearizable !== undefined) this.#checkHistory()
        if (this.failure === undefined) this.#checkGoal(world, end)
      }
    } finally {
      this.running = false
    }
    return {
      end,
      steps: this.steps,
      time: this.time,
      world: this.world as W,
      failure: this.failure,
      linearizability: this.linearizability,
    }
  }

  #checkHistory(): void {
    const verdict = checkRunHistory(this.operations, this.sim.linearizable!)
    this.linearizability = verdict.result
    if (verdict.failure !== undefined) {
      this.failure = {
        ...verdict.failure,
        name: LINEARIZABILITY,
        linearizability: verdict.result,
        history: verdict.history,
      }
    }
  }

  /** The last run's history, in virtual time. */
  history(): Operation<unknown, unknown>[] {
    return this.operations.history()
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

  #reset(seed: number, script: CompiledChoices | undefined, record: boolean): void {
    const { sim, n } = this
    this.seed = seed
    this.time = 0
    this.seq = 0
    this.steps = 0
    this.msgCount = 0
    this.queue.clear()
    this.log = record || script !== undefined ? this.#fullLog : this.#countLog
    this.log.reset()
    this.operations.reset()
    this.linearizability = undefined
    this.linkCount.fill(0)
    if (this.#faulted) {
      // Only a run with crashes or partitions dirties these.
      this.incarnation.fill(0)
      this.crashed.fill(0)
      this.group.fill(0)
      this.#faulted = false
    }
    this.partitioned = false
    this.currentPartition = -1
    const timers = this.timers
    for (let i = 0; i < n; i++) if (timers[i]!.size > 0) timers[i]!.clear()
    this.netRng = new RandomStream(seed, 'network')
    this.faultRng = new RandomStream(seed, 'faults')
    this.mutateRng = sim.mutate ? new RandomStream(seed, 'mutate') : undefined
    this.nodeRngs.fill(undefined)
    this.storage.fill(undefined)
    this.script = script
    this.recorder = record ? new ChoiceRecorder() : undefined
    this.pendingFailure = undefined
    this.failure = undefined
    this.world = undefined
    const built = callFactory(sim.factory, sim.names, false)
    this.record = this.#restarts ? { ...built } : built
    const names = sim.names
    for (let i = 0; i < n; i++) {
      this.nodes[i] = built[names[i]!]!
      this.ctxs[i] = this.#firstContexts[i]!
      this.#push(0, EV_START, i, -1, 0, undefined)
    }
    const faults = sim.faults
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!
      if (script !== undefined && !script.faults.has(i)) continue
      if (f.kind === 'partition') {
        this.#push(f.from, EV_PARTITION, -1, -1, i, f)
        if (f.until !== undefined) this.#push(f.until, EV_HEAL, -1, -1, i, f)
      } else {
        const node = sim.index.get(f.node)!
        this.#push(f.at, EV_CRASH, node, -1, i, f)
        if (f.restartAt !== undefined) this.#push(f.restartAt, EV_RESTART, node, -1, i, f)
      }
    }
  }

  #push(time: number, kind: number, node: number, src: number, id: number, ref: unknown): SimEvent {
    const ev = new SimEvent(time, this.seq++, kind, node, src, id, ref)
    this.queue.push(ev)
    return ev
  }

  #dispatch(ev: SimEvent): void {
    const node = ev.node
    try {
      switch (ev.kind) {
        case EV_START:
          this.log.add(TR_START, this.time, node, -1, 0, 0, undefined)
          this.nodes[node]!.onStart?.(this.ctxs[node]!)
          break
        case EV_DELIVER: {
          const src = ev.src
          if (this.crashed[node] === 1) {
            this.log.add(TR_DROP, this.time, src, node, ev.id, DROP_CRASHED, ev.ref)
          } else if (this.partitioned && this.group[src] !== this.group[node]) {
            this.log.add(TR_DROP, this.time, src, node, ev.id, DROP_PARTITION, ev.ref)
          } else {
            this.log.add(TR_DELIVER, this.time, src, node, ev.id, 0, ev.ref)
            this.nodes[node]!.onMessage?.(this.ctxs[node]!, this.sim.names[src]!, ev.ref)
          }
          break
        }
        case EV_TIMER: {
          // The fired event stays in the node's timer map: marking it dead later (re-arm,
          // cancel, crash) is harmless, and it saves two Map operations per firing.
          const name = ev.ref as string
          this.log.add(TR_TIMER, this.time, node, -1, 0, 0, name)
          this.nodes[node]!.onTimer?.(this.ctxs[node]!, name)
          break
        }
        case EV_CRASH:
          this.recorder?.faults.add(ev.id)
          this.#crash(node, ev.id)
          break
        case EV_RESTART:
          this.#restart(node, ev.id)
          break
        case EV_PARTITION:
          this.recorder?.faults.add(ev.id)
          this.#partition(ev.ref as ScheduledFault & { kind: 'partition' }, ev.id)
          break
        case EV_HEAL:
          if (this.currentPartition === ev.id) {
            this.partitioned = false
            this.currentPartition = -1
            this.log.add(TR_HEAL, this.time, -1, -1, ev.id, 0, undefined)
          }
          break
      }
    } catch (e) {
      if (this.pendingFailure === undefined) this.#nodeThrew(ev, e)
    }
    if (this.pendingFailure !== undefined && this.failure === undefined)
      this.failure = this.pendingFailure
  }

  #crash(node: number, faultIndex: number): void {
    if (this.crashed[node] === 1) return
    this.#faulted = true
    this.crashed[node] = 1
    this.incarnation[node]!++
    const timers = this.timers[node]!
    for (const t of timers.values()) t.dead = true
    timers.clear()
    this.log.add(TR_CRASH, this.time, node, -1, faultIndex, 0, undefined)
  }

  #restart(node: number, faultIndex: number): void {
    if (this.crashed[node] === 0) return
    const name = this.sim.names[node]!
    const fresh = callFactory(this.sim.factory, this.sim.names)[name]!
    this.crashed[node] = 0
    this.nodes[node] = fresh
    this.record[name] = fresh
    this.ctxs[node] = new NodeContext(this, node, this.incarnation[node]!)
    this.log.add(TR_RESTART, this.time, node, -1, faultIndex, 0, undefined)
    fresh.onStart?.(this.ctxs[node]!)
  }

  #partition(f: ScheduledFault & { kind: 'partition' }, faultIndex: number): void {
    const { index } = this.sim
    // Nodes named in no group share one more group (index = groups.length).
    this.#faulted = true
    this.group.fill(f.groups.length)
    f.groups.forEach((g, gi) => {
      for (const name of g) this.group[index.get(name)!] = gi
    })
    this.partitioned = true
    this.currentPartition = faultIndex
    this.log.add(TR_PARTITION, this.time, -1, -1, faultIndex, 0, undefined)
  }

  /** `ctx.send`: trace, draw latency and faults, schedule the delivery (or not). */
  send(from: number, dstName: string, payload: unknown): void {
    const dst = this.sim.index.get(dstName)
    if (dst === undefined) {
      const self = this.sim.names[from]!
      this.misuse(
        from,
        `node '${self}' sent ${formatValue(payload)} to unknown node ${formatValue(dstName)} at t=${this.time} (nodes: ${this.sim.names.join(', ')}); fix the address or add the node to the factory`,
      )
    }
    const { sim, n } = this
    const link = from * n + dst
    const id = this.msgCount++
    const ordinal = this.linkCount[link]!++
    this.log.add(TR_SEND, this.time, from, dst, id, 0, payload)
    // Exactly one latency draw per send, lost or not, so a loss never shifts later latencies.
    const min = sim.minLatency[link]!
    const max = sim.maxLatency[link]!
    const latency =
      sim.intLatency[link] === 1
        ? this.netRng.int(min, max)
        : min + this.netRng.random() * (max - min)
    const lossP = sim.loss[link]!
    const dupP = sim.duplicate[link]!
    let lost = lossP > 0 && this.faultRng.random() < lossP
    let dup = false
    let dupLatency = 0
    if (dupP > 0) {
      dup = this.faultRng.random() < dupP
      dupLatency =
        sim.intLatency[link] === 1
          ? this.faultRng.int(min, max)
          : min + this.faultRng.random() * (max - min)
    }
    const script = this.script
    const recorder = this.recorder
    let key = 0
    if (script !== undefined || recorder !== undefined) {
      key = messageKey(from, dst, ordinal, n)
      if (script !== undefined) {
        lost = script.losses.has(key)
        dup = script.duplicates.has(key)
      }
      if (recorder !== undefined) {
        if (lost) recorder.losses.push(key)
        if (dup && !lost) recorder.duplicates.push(key)
      }
    }
    if (lost) {
      this.log.add(TR_DROP, this.time, from, dst, id, DROP_LOSS, payload)
      return
    }
    let wire = payload
    if (sim.mutate !== undefined) {
      try {
        wire = sim.mutate(sim.names[from]!, dstName, payload, this.#mutateRandom)
      } catch (e) {
        this.pendingFailure = {
          kind: 'error',
          name: 'mutate',
          detail: `the network's mutate threw on msg #${id} ${sim.names[from]} -> ${dstName} at t=${this.time}: ${describeError(e)}`,
        }
        throw e
      }
      if (!Object.is(wire, payload)) {
        if (script !== undefined && !script.corruptions.has(key)) wire = payload
        else {
          recorder?.corruptions.push(key)
          this.log.add(TR_CORRUPT, this.time, from, dst, id, 0, wire)
        }
      }
    }
    this.#push(this.time + latency, EV_DELIVER, dst, from, id, wire)
    if (dup) {
      this.log.add(TR_DUPLICATE, this.time, from, dst, id, 0, wire)
      this.#push(this.time + dupLatency, EV_DELIVER, dst, from, id, wire)
    }
  }

  setTimer(node: number, name: string, delay: number): void {
    if (typeof name !== 'string') {
      this.misuse(
        node,
        `node '${this.sim.names[node]}' called setTimer with a non-string name ${formatValue(name)}`,
      )
    }
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      this.misuse(
        node,
        `node '${this.sim.names[node]}' set timer '${name}' with delay ${formatValue(delay)}; a delay is a finite number of virtual ms >= 0`,
      )
    }
    const timers = this.timers[node]!
    const old = timers.get(name)
    if (old !== undefined) old.dead = true
    timers.set(name, this.#push(this.time + delay, EV_TIMER, node, -1, 0, name))
  }

  cancelTimer(node: number, name: string): void {
    const timers = this.timers[node]!
    const old = timers.get(name)
    if (old !== undefined) {
      old.dead = true
      timers.delete(name)
    }
  }

  nodeRandom(node: number): number {
    let rng = this.nodeRngs[node]
    if (rng === undefined)
      rng = this.nodeRngs[node] = new RandomStream(this.seed, `node:${this.sim.names[node]}`)
    return rng.random()
  }

  /** Records a context misuse (so catching the throw cannot hide it) and throws. */
  misuse(node: number, message: string): never {
    const name = this.sim.names[node]!
    this.pendingFailure ??= { kind: 'error', name, detail: message }
    throw new NodeContextError(name, message)
  }

  #nodeThrew(ev: SimEvent, e: unknown): void {
    const names = this.sim.names
    const node = names[ev.node] ?? '?'
    const where =
      ev.kind === EV_START
        ? 'onStart'
        : ev.kind === EV_DELIVER
          ? `onMessage (msg #${ev.id} from '${names[ev.src]}', payload ${formatValue(ev.ref)})`
          : ev.kind === EV_TIMER
            ? `onTimer('${String(ev.ref)}')`
            : ev.kind === EV_RESTART
              ? 'onStart after its restart (or the factory, rebuilding it)'
              : 'a fault'
    this.failure = {
      kind: 'error',
      name: node,
      detail: `node '${node}' threw in ${where} at t=${this.time}: ${describeError(e)}`,
    }
  }

  #snapshot(ev: SimEvent | undefined): W | undefined {
    try {
      const w = this.sim.snapshot(this.record as N)
      this.world = w
      return w
    } catch (e) {
      this.failure = {
        kind: 'error',
        name: 'snapshot',
        detail: `snapshot threw ${when(this, ev)}: ${describeError(e)}`,
      }
      return undefined
    }
  }

  /** Invariants and refinement, on the first snapshot (`ev` undefined) and after each step. */
  #check(ev: SimEvent | undefined): void {
    const { sim } = this
    if (ev !== undefined || sim.invariantFns.length > 0 || sim.model !== undefined) {
      const w = this.#snapshot(ev)
      if (this.failure !== undefined) return
      this.failure = invariantFailure(sim, w as W, this, ev)
      if (this.failure === undefined && sim.model !== undefined) {
        this.failure = refinementFailure(sim, this.refinement!, w as W, this, ev)
      }
    }
  }

  #checkGoal(world: W | undefined, end: SimEnd): void {
    this.failure = goalFailure(this.sim, world, end, this)
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
    const r = this.recorder
    if (r === undefined)
      throw new Error('musil internal error: choices() of a run that did not record them')
    return recordedChoices(r, this.script?.until, this.sim.names)
  }

  messageRef(key: number): MessageRef {
    return messageRefOf(key, this.sim.names)
  }
}
