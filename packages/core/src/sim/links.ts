/**
 * Link draws: what `ctx.send` does to a message on its link. Each send draws exactly one latency
 * from the `network` substream and, where the link can lose or duplicate, its fault draws from
 * `faults`; a script (a replay) overrides the fault draws, a recorder notes them; `mutate` may
 * corrupt the payload; then the delivery (and its duplicate) is queued. Per-link message counts
 * give each message its key across replays.
 *
 * @module
 */
import { describeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { RandomStream } from '../random/stream.ts'
import { DUPLICATED, LOST, type RunChoices } from './choices.ts'
import { type CompiledSim, messageKey } from './compile.ts'
import { EV_DELIVER, type EventQueue } from './event-queue.ts'
import type { Nodes } from './node.ts'
import {
  DROP_LOSS,
  TR_CORRUPT,
  TR_DROP,
  TR_DUPLICATE,
  TR_SEND,
  type TraceLog,
} from './trace-log.ts'
import type { SimRunFailure } from './types.ts'

/** What a send needs of the run it happens in. */
export interface LinkRun {
  readonly time: number
  readonly log: TraceLog
  readonly queue: EventQueue
  readonly runChoices: RunChoices
  /** Set when `mutate` throws: it fails the run even if node code catches the throw. */
  pendingFailure: SimRunFailure | undefined
  /** Records a misuse so that catching the throw cannot hide it, and throws. */
  misuse(node: number, message: string): never
}

/** The links of one simulation: their random streams and message counts, reset per seed. */
export class Links<N extends Nodes, W, A> {
  readonly #sim: CompiledSim<N, W, A>
  readonly #n: number
  /**
   * Messages sent so far per link `src * n + dst` (a message's ordinal on its link, part of its
   * key): counted only in a run that keys its messages (it follows a script or records).
   */
  readonly #count: Int32Array
  #counted = false
  /** Messages sent so far in the run (the next message's id). */
  #sent = 0
  #net: RandomStream = new RandomStream(0, 'network')
  #faults: RandomStream = new RandomStream(0, 'faults')
  #mutate: RandomStream | undefined
  readonly #mutateRandom: () => number = () => this.#mutate!.random()
  /**
   * Per sender, the last address it sent to and that address's index: nodes mostly send to the
   * same few peers, so this saves a Map lookup per send. Starts at node 0, a true pair.
   */
  readonly #lastName: string[]
  readonly #lastDst: Int32Array

  constructor(sim: CompiledSim<N, W, A>) {
    this.#sim = sim
    const n = (this.#n = sim.names.length)
    this.#count = new Int32Array(n * n)
    this.#lastName = new Array(n).fill(sim.names[0])
    this.#lastDst = new Int32Array(n)
  }

  reset(seed: number): void {
    this.#sent = 0
    if (this.#counted) {
      this.#count.fill(0)
      this.#counted = false
    }
    this.#net = new RandomStream(seed, 'network')
    this.#faults = new RandomStream(seed, 'faults')
    this.#mutate = this.#sim.mutate ? new RandomStream(seed, 'mutate') : undefined
  }

  /** `ctx.send` of node `from`: trace, draw latency and faults, queue the delivery (or not). */
  send(run: LinkRun, from: number, dstName: string, payload: unknown): void {
    const dst = this.#resolve(run, from, dstName, payload)
    const sim = this.#sim
    const n = this.#n
    const time = run.time
    const log = run.log
    const link = from * n + dst
    const id = this.#sent++
    log.add(TR_SEND, time, from, dst, id, 0, payload)
    // Exactly one latency draw per send, lost or not, so a loss never shifts later latencies.
    const min = sim.minLatency[link]!
    const max = sim.maxLatency[link]!
    const intLatency = sim.intLatency[link] === 1
    const latency = intLatency ? this.#net.int(min, max) : min + this.#net.random() * (max - min)
    const lossP = sim.loss[link]!
    const dupP = sim.duplicate[link]!
    let lost = lossP > 0 && this.#faults.random() < lossP
    let dup = false
    let dupLatency = 0
    if (dupP > 0) {
      dup = this.#faults.random() < dupP
      dupLatency = intLatency
        ? this.#faults.int(min, max)
        : min + this.#faults.random() * (max - min)
    }
    const choices = run.runChoices
    let key = 0
    if (choices.keyed) {
      this.#counted = true
      key = messageKey(from, dst, this.#count[link]!++, n)
      const c = choices.message(key, lost, dup)
      lost = (c & LOST) !== 0
      dup = (c & DUPLICATED) !== 0
    }
    if (lost) {
      log.add(TR_DROP, time, from, dst, id, DROP_LOSS, payload)
      return
    }
    const wire =
      sim.mutate === undefined ? payload : this.#corrupt(run, from, dst, id, key, payload)
    run.queue.make(time + latency, EV_DELIVER, dst, from, id, wire)
    if (dup) {
      log.add(TR_DUPLICATE, time, from, dst, id, 0, wire)
      run.queue.make(time + dupLatency, EV_DELIVER, dst, from, id, wire)
    }
  }

  /** The index of address `name`, which node `from` sends `payload` to; a misuse if unknown. */
  #resolve(run: LinkRun, from: number, name: string, payload: unknown): number {
    if (name === this.#lastName[from]) return this.#lastDst[from]!
    const names = this.#sim.names
    const dst = this.#sim.index.get(name)
    if (dst === undefined) {
      return run.misuse(
        from,
        `node '${names[from]}' sent ${formatValue(payload)} to unknown node ${formatValue(name)} at t=${run.time} (nodes: ${names.join(', ')}); fix the address or add the node to the factory`,
      )
    }
    this.#lastName[from] = name
    this.#lastDst[from] = dst
    return dst
  }

  /** The payload as `mutate` delivers it (a corruption a script refuses is undone). */
  #corrupt(run: LinkRun, from: number, dst: number, id: number, key: number, payload: unknown) {
    const names = this.#sim.names
    let wire: unknown
    try {
      wire = this.#sim.mutate!(names[from]!, names[dst]!, payload, this.#mutateRandom)
    } catch (e) {
      run.pendingFailure = {
        kind: 'error',
        name: 'mutate',
        detail: `the network's mutate threw on msg #${id} ${names[from]} -> ${names[dst]} at t=${run.time}: ${describeError(e)}`,
      }
      throw e
    }
    if (Object.is(wire, payload)) return payload
    if (!run.runChoices.corrupted(key)) return payload
    run.log.add(TR_CORRUPT, run.time, from, dst, id, 0, wire)
    return wire
  }
}
