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
import { MusilError, NodeContextError } from '../errors.ts'
import { instanceLabel } from '../model/action.ts'
import { fpHi, fpLo } from '../model/fingerprint.ts'
import { forEachSuccessor } from '../model/successors.ts'
import { RandomStream } from '../random/stream.ts'
import { formatValue } from '../render/value.ts'
import type { FailureKind, TraceEvent } from '../report.ts'
import { type CompiledChoices, type CompiledSim, callFactory, messageKey } from './compile.ts'
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
import type { Fault } from './faults.ts'
import { type Context, type DurableStorage, MapStorage, type Node, type Nodes } from './node.ts'
import {
  DROP_CRASHED,
  DROP_LOSS,
  DROP_PARTITION,
  TR_CORRUPT,
  TR_CRASH,
  TR_DELIVER,
  TR_DROP,
  TR_DUPLICATE,
  TR_HEAL,
  TR_PARTITION,
  TR_RESTART,
  TR_SEND,
  TR_START,
  TR_TIMER,
  TraceLog,
} from './trace-log.ts'
import type { MessageRef, SimChoices, SimEnd } from './types.ts'

/** What went wrong in a run, before it is dressed up as a `SimFailure`. */
export interface RunFault {
  readonly kind: FailureKind
  readonly name: string
  readonly detail: string
}

/** The result of {@link SimWorld.run}; the trace and choices stay in the world until the next run. */
export interface RunOutcome<W> {
  readonly end: SimEnd
  readonly steps: number
  readonly time: number
  readonly world: W
  readonly fault: RunFault | undefined
}

/** The context handed to one incarnation of one node. */
class NodeContext implements Context {
  readonly self: string
  readonly storage: DurableStorage
  readonly #world: SimWorld<Nodes, unknown, unknown>
  readonly #node: number
  readonly #incarnation: number

  constructor(world: SimWorld<Nodes, unknown, unknown>, node: number, incarnation: number) {
    this.self = world.sim.names[node]!
    this.storage = world.storage[node]!
    this.#world = world
    this.#node = node
    this.#incarnation = incarnation
  }

  now(): number {
    return this.#world.time
  }

  send(dst: string, payload: unknown): void {
    this.#live()
    this.#world.send(this.#node, dst, payload)
  }

  setTimer(name: string, delay: number): void {
    this.#live()
    this.#world.setTimer(this.#node, name, delay)
  }

  cancelTimer(name: string): void {
    this.#live()
    this.#world.cancelTimer(this.#node, name)
  }

  random(): number {
    this.#live()
    return this.#world.nodeRandom(this.#node)
  }

  #live(): void {
    const w = this.#world
    if (w.incarnation[this.#node] !== this.#incarnation || !w.running) {
      w.misuse(
        this.#node,
        w.running
          ? `node '${this.self}' used a context from before its crash at t=${w.time}: a crashed node's handlers must not keep running (was ctx stored and reused?)`
          : `node '${this.self}' used its context after the run ended: keep ctx inside handlers`,
      )
    }
  }
}

/** Accumulates the fault choices a run makes, as message keys (only when asked to). */
class ChoiceRecorder {
  readonly faults: Set<number> = new Set()
  readonly losses: number[] = []
  readonly duplicates: number[] = []
  readonly corruptions: number[] = []
}

/** One simulation's mutable world, reset for every seed. */
export class SimWorld<N extends Nodes, W, A> {
  readonly sim: CompiledSim<N, W, A>
  readonly n: number
  time = 0
  running = false
  seq = 0
  steps = 0
  readonly queue: EventQueue = new EventQueue()
  readonly log: TraceLog = new TraceLog()
  nodes: Node[] = []
  record: Record<string, Node> = {}
  ctxs: NodeContext[] = []
  readonly incarnation: Int32Array
  readonly crashed: Uint8Array
  readonly timers: Map<string, SimEvent>[]
  storage: MapStorage[] = []
  readonly group: Int32Array
  partitioned = false
  currentPartition = -1
  readonly linkCount: Int32Array
  msgCount = 0
  seed = 0
  netRng: RandomStream = new RandomStream(0, 'network')
  faultRng: RandomStream = new RandomStream(0, 'faults')
  mutateRng: RandomStream | undefined
  nodeRngs: (RandomStream | undefined)[] = []
  script: CompiledChoices | undefined
  recorder: ChoiceRecorder | undefined
  /** A context misuse or mutate error: it fails the run even if node code catches the throw. */
  pending: RunFault | undefined
  fault: RunFault | undefined
  world: W | undefined
  absPrev: A | undefined
  absHi = 0
  absLo = 0
  readonly #mutateRandom: () => number = () => this.mutateRng!.random()

  constructor(sim: CompiledSim<N, W, A>) {
    this.sim = sim
    const n = (this.n = sim.names.length)
    this.incarnation = new Int32Array(n)
    this.crashed = new Uint8Array(n)
    this.group = new Int32Array(n)
    this.linkCount = new Int32Array(n * n)
    this.timers = Array.from({ length: n }, () => new Map())
  }

  /** Runs one seed to its end. With `script`, only the listed faults happen. */
  run(seed: number, script?: CompiledChoices, record = false): RunOutcome<W> {
    this.#reset(seed, script, record)
    const { sim, queue } = this
    const checkSteps = sim.invariantFns.length > 0 || sim.model !== undefined
    let end: SimEnd = 'settled'
    this.running = true
    try {
      this.#check(undefined)
      if (this.fault !== undefined) end = 'failed'
      else {
        for (;;) {
          const ev = queue.peek()
          if (ev === undefined) break
          if (ev.dead) {
            queue.pop()
            continue
          }
          if (ev.time > sim.maxTime) {
            end = 'maxTime'
            break
          }
          if (this.steps >= sim.maxSteps) {
            end = 'maxSteps'
            break
          }
          queue.pop()
          this.time = ev.time
          this.steps++
          this.#dispatch(ev)
          if (checkSteps && this.fault === undefined) this.#check(ev)
          if (this.fault !== undefined) {
            end = 'failed'
            break
          }
        }
      }
      if (this.fault === undefined) {
        const world = this.#snapshot(undefined)
        if (this.fault === undefined) this.#checkGoal(world, end)
      }
    } finally {
      this.running = false
    }
    return {
      end,
      steps: this.steps,
      time: this.time,
      world: this.world as W,
      fault: this.fault,
    }
  }

  #reset(seed: number, script: CompiledChoices | undefined, record: boolean): void {
    const { sim, n } = this
    this.seed = seed
    this.time = 0
    this.seq = 0
    this.steps = 0
    this.msgCount = 0
    this.queue.clear()
    this.log.reset()
    this.linkCount.fill(0)
    this.incarnation.fill(0)
    this.crashed.fill(0)
    this.group.fill(0)
    this.partitioned = false
    this.currentPartition = -1
    for (const t of this.timers) t.clear()
    this.netRng = new RandomStream(seed, 'network')
    this.faultRng = new RandomStream(seed, 'faults')
    this.mutateRng = sim.mutate ? new RandomStream(seed, 'mutate') : undefined
    this.nodeRngs = new Array(n).fill(undefined)
    this.script = script
    this.recorder = record ? new ChoiceRecorder() : undefined
    this.pending = undefined
    this.fault = undefined
    this.world = undefined
    this.absPrev = undefined
    const built = callFactory(sim.factory, sim.names)
    this.record = { ...built }
    this.nodes = sim.names.map((name) => built[name]!)
    this.storage = Array.from({ length: n }, () => new MapStorage())
    this.ctxs = this.nodes.map((_, i) => new NodeContext(this as never, i, 0))
    for (let i = 0; i < n; i++) this.#push(0, EV_START, i, -1, 0, undefined)
    sim.faults.forEach((f, i) => {
      if (script !== undefined && !script.faults.has(i)) return
      if (f.kind === 'partition') {
        this.#push(f.from, EV_PARTITION, -1, -1, i, f)
        if (f.until !== undefined) this.#push(f.until, EV_HEAL, -1, -1, i, f)
      } else {
        const node = sim.index.get(f.node)!
        this.#push(f.at, EV_CRASH, node, -1, i, f)
        if (f.restartAt !== undefined) this.#push(f.restartAt, EV_RESTART, node, -1, i, f)
      }
    })
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
          const name = ev.ref as string
          const timers = this.timers[node]!
          if (timers.get(name) === ev) timers.delete(name)
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
          this.#partition(ev.ref as Fault & { kind: 'partition' }, ev.id)
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
      if (this.pending === undefined) this.#nodeThrew(ev, e)
    }
    if (this.pending !== undefined && this.fault === undefined) this.fault = this.pending
  }

  #crash(node: number, faultIndex: number): void {
    if (this.crashed[node] === 1) return
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
    this.ctxs[node] = new NodeContext(this as never, node, this.incarnation[node]!)
    this.log.add(TR_RESTART, this.time, node, -1, faultIndex, 0, undefined)
    fresh.onStart?.(this.ctxs[node]!)
  }

  #partition(f: Fault & { kind: 'partition' }, faultIndex: number): void {
    const { index } = this.sim
    // Nodes named in no group share one more group (index = groups.length).
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
        this.pending = {
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
    this.pending ??= { kind: 'error', name, detail: message }
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
    this.fault = {
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
      this.fault = {
        kind: 'error',
        name: 'snapshot',
        detail: `snapshot threw ${this.#when(ev)}: ${describeError(e)}`,
      }
      return undefined
    }
  }

  /** Invariants and refinement, on the first snapshot (`ev` undefined) and after each step. */
  #check(ev: SimEvent | undefined): void {
    const { sim } = this
    if (ev !== undefined || sim.invariantFns.length > 0 || sim.model !== undefined) {
      const w = this.#snapshot(ev)
      if (this.fault !== undefined) return
      const fns = sim.invariantFns
      for (let i = 0; i < fns.length; i++) {
        let ok: boolean
        try {
          ok = fns[i]!(w as W)
        } catch (e) {
          const name = sim.invariantNames[i]!
          this.fault = {
            kind: 'error',
            name,
            detail: `invariant '${name}' threw ${this.#when(ev)}: ${describeError(e)}`,
          }
          return
        }
        if (!ok) {
          const name = sim.invariantNames[i]!
          this.fault = {
            kind: 'safety',
            name,
            detail: `invariant '${name}' violated ${this.#when(ev)}; world ${formatValue(w)}`,
          }
          return
        }
      }
      if (sim.model !== undefined) this.#refine(w as W, ev)
    }
  }

  #refine(w: W, ev: SimEvent | undefined): void {
    const { sim } = this
    const model = sim.model!
    const key = sim.key!
    let abs: A
    try {
      abs = sim.abstraction!(w)
      key(abs)
    } catch (e) {
      this.fault = {
        kind: 'error',
        name: 'abstraction',
        detail: `abstraction of the world failed ${this.#when(ev)}: ${describeError(e)}`,
      }
      return
    }
    const hi = fpHi
    const lo = fpLo
    if (ev === undefined) {
      let initial = false
      for (const s of model.init) {
        key(s)
        if (fpHi === hi && fpLo === lo) initial = true
      }
      if (!initial) {
        this.fault = {
          kind: 'refinement',
          name: model.name,
          detail: `refinement of model '${model.name}': the first world maps to ${formatValue(abs)}, which is not an initial state of the model (initial: ${model.init.map((s) => formatValue(s)).join(', ')})`,
        }
        return
      }
    } else if (hi !== this.absHi || lo !== this.absLo) {
      const prev = this.absPrev as A
      let found = false
      try {
        forEachSuccessor(model, prev, (next) => {
          if (found) return
          key(next)
          if (fpHi === hi && fpLo === lo) found = true
        })
      } catch (e) {
        this.fault = {
          kind: 'error',
          name: model.name,
          detail: `model '${model.name}' threw during refinement: ${describeError(e)}`,
        }
        return
      }
      if (!found) {
        const steps: string[] = []
        forEachSuccessor(model, prev, (next, ai, p) => {
          if (steps.length < 4)
            steps.push(`${instanceLabel(model.actions[ai] as never, p)} -> ${formatValue(next)}`)
        })
        this.fault = {
          kind: 'refinement',
          name: model.name,
          detail: `refinement of model '${model.name}' broken ${this.#when(ev)}: the abstract state moved from ${formatValue(prev)} to ${formatValue(abs)}, which is neither a stutter nor a step of the model (its steps from there: ${steps.length > 0 ? steps.join('; ') : 'none'})`,
        }
        return
      }
    }
    this.absPrev = abs
    this.absHi = hi
    this.absLo = lo
  }

  #checkGoal(world: W | undefined, end: SimEnd): void {
    const { sim } = this
    const how =
      end === 'settled'
        ? `the run settled (no events left) at t=${this.time} after ${this.steps} steps`
        : end === 'maxTime'
          ? `the run reached maxTime (${sim.maxTime} ms) after ${this.steps} steps`
          : `the run reached maxSteps (${sim.maxSteps}) at t=${this.time}`
    if (sim.goal === undefined) {
      if (end === 'maxSteps' || (end === 'maxTime' && !sim.maxTimeExplicit)) {
        this.fault = {
          kind: 'error',
          name: end,
          detail: `the run never settled: ${how} with events still queued (next: ${this.#nextEvent()}). A run without a goal must run out of events; give a goal (checked at the horizon), set maxTime to make the horizon intended, or stop re-arming timers forever`,
        }
      }
      return
    }
    let ok: boolean
    try {
      ok = sim.goal(world as W)
    } catch (e) {
      this.fault = {
        kind: 'error',
        name: sim.goalName,
        detail: `goal '${sim.goalName}' threw: ${describeError(e)}`,
      }
      return
    }
    if (!ok) {
      this.fault = {
        kind: 'goal',
        name: sim.goalName,
        detail: `goal '${sim.goalName}' not reached: ${how}; world ${formatValue(world)}`,
      }
    }
  }

  #nextEvent(): string {
    const ev = this.queue.peek()
    return ev === undefined ? 'none' : `${this.#describe(ev)} at t=${ev.time}`
  }

  #when(ev: SimEvent | undefined): string {
    return ev === undefined
      ? 'on the first snapshot (t=0)'
      : `at t=${this.time} after ${this.#describe(ev)}`
  }

  #describe(ev: SimEvent): string {
    const names = this.sim.names
    switch (ev.kind) {
      case EV_START:
        return `the start of '${names[ev.node]}'`
      case EV_DELIVER:
        return `msg #${ev.id} ${names[ev.src]} -> ${names[ev.node]} ${formatValue(ev.ref)}`
      case EV_TIMER:
        return `timer '${String(ev.ref)}' of '${names[ev.node]}'`
      case EV_CRASH:
        return `the crash of '${names[ev.node]}'`
      case EV_RESTART:
        return `the restart of '${names[ev.node]}'`
      case EV_PARTITION:
        return `partition fault #${ev.id}`
      default:
        return `the heal of partition fault #${ev.id}`
    }
  }

  /**
   * The nodes a failed check depends on: the node at fault for a node error, otherwise the nodes
   * `snapshot` reads (found by handing it a recording proxy of the node record once). All nodes
   * when that cannot be told (a failing snapshot, a runaway world, a function at fault).
   */
  focus(fault: RunFault): string[] {
    const names = this.sim.names
    if (fault.kind === 'error') return this.sim.index.has(fault.name) ? [fault.name] : [...names]
    const read = new Set<string>()
    let all = false
    const proxy = new Proxy(this.record, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key)
        return Reflect.get(target, key, receiver)
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key)
        return Reflect.has(target, key)
      },
      ownKeys(target) {
        all = true
        return Reflect.ownKeys(target)
      },
    })
    try {
      this.sim.snapshot(proxy as N)
    } catch {
      return [...names]
    }
    return all ? [...names] : names.filter((n) => read.has(n))
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
    return {
      faults: [...r.faults].sort((a, b) => a - b),
      losses: r.losses.map((k) => this.messageRef(k)),
      duplicates: r.duplicates.map((k) => this.messageRef(k)),
      corruptions: r.corruptions.map((k) => this.messageRef(k)),
    }
  }

  messageRef(key: number): MessageRef {
    const n = this.n
    const link = key % (n * n)
    return {
      src: this.sim.names[Math.floor(link / n)]!,
      dst: this.sim.names[link % n]!,
      n: Math.floor(key / (n * n)),
    }
  }
}

/** One line naming a fault, for partition/heal trace events. */
export function describeFault(f: Fault): string {
  if (f.kind === 'partition') return f.groups.map((g) => `[${g.join(', ')}]`).join(' | ')
  return `crash of ${f.node}`
}

function describeError(e: unknown): string {
  if (MusilError.is(e)) return e.message
  return e instanceof Error ? `${e.name}: ${e.message}` : formatValue(e)
}
