/**
 * The run's trace, recorded compactly: parallel typed arrays of numbers plus one array of
 * references (payloads, timer names). Nothing is formatted while a run is going; a passing seed
 * never builds a single trace object. {@link TraceLog.materialize} turns the log into
 * `TraceEvent`s when a report or a digest needs them.
 *
 * @module
 */

import type { RecordedOperation } from '../linearizability/recorder.ts'
import type { TraceEvent } from '../report.ts'

export const TR_START = 0
export const TR_SEND = 1
export const TR_DELIVER = 2
export const TR_DROP = 3
export const TR_DUPLICATE = 4
export const TR_CORRUPT = 5
export const TR_TIMER = 6
export const TR_CRASH = 7
export const TR_RESTART = 8
export const TR_PARTITION = 9
export const TR_HEAL = 10
/** History events: `TR_INVOKE + OP_*` (invoke, ok, fail, info); `ref` is the recorded operation. */
export const TR_INVOKE = 11

const KIND_NAMES = [
  'start',
  'send',
  'deliver',
  'drop',
  'duplicate',
  'corrupt',
  'timer',
  'crash',
  'restart',
  'partition',
  'heal',
  'invoke',
  'ok',
  'fail',
  'info',
] as const

/** Why a message was dropped (stored in the `aux` column of a drop). */
export const DROP_LOSS = 0
export const DROP_PARTITION = 1
export const DROP_CRASHED = 2

/** A growable, reusable columnar log of trace events. */
export class TraceLog {
  length = 0
  #kind = new Uint8Array(256)
  #time = new Float64Array(256)
  #a = new Int32Array(256)
  #b = new Int32Array(256)
  #id = new Int32Array(256)
  #aux = new Int32Array(256)
  #ref: unknown[] = []

  /**
   * Whether the log only counts its events: what `simulate` keeps while it sweeps seeds. Most
   * seeds pass and their trace is never read, and holding every payload until the seed ends
   * costs the garbage collector; a failing seed is run again with its events kept, and the two
   * counts must agree (the determinism check). A flag rather than a subclass keeps every call
   * site of {@link TraceLog.add} monomorphic.
   */
  #counting = false

  /** Empties the log for the next run, which keeps its events (`keep`) or only counts them. */
  reset(keep = true): void {
    // Drop references (payloads can be collected) but keep the array's capacity.
    if (!this.#counting && this.length > 0) this.#ref.fill(undefined, 0, this.length)
    this.#counting = !keep
    this.length = 0
  }

  /**
   * Appends an event. `a`/`b` are node indices (node or src / dst), `id` a message id or fault
   * index, `aux` a drop reason, `ref` a payload or timer name.
   */
  add(
    kind: number,
    time: number,
    a: number,
    b: number,
    id: number,
    aux: number,
    ref: unknown,
  ): void {
    const i = this.length
    if (this.#counting) {
      this.length = i + 1
      return
    }
    if (i === this.#kind.length) this.#grow()
    this.#kind[i] = kind
    this.#time[i] = time
    this.#a[i] = a
    this.#b[i] = b
    this.#id[i] = id
    this.#aux[i] = aux
    this.#ref[i] = ref
    this.length = i + 1
  }

  #grow(): void {
    const n = this.#kind.length * 2
    const grow = <T extends Uint8Array | Float64Array | Int32Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(n)
      next.set(old as never)
      return next
    }
    this.#kind = grow(this.#kind, (k) => new Uint8Array(k))
    this.#time = grow(this.#time, (k) => new Float64Array(k))
    this.#a = grow(this.#a, (k) => new Int32Array(k))
    this.#b = grow(this.#b, (k) => new Int32Array(k))
    this.#id = grow(this.#id, (k) => new Int32Array(k))
    this.#aux = grow(this.#aux, (k) => new Int32Array(k))
  }

  /**
   * The log as plain `TraceEvent`s. `names` maps node indices to addresses; `describeFault`
   * renders a fault for partition events.
   */
  materialize(names: readonly string[], describeFault: (index: number) => string): TraceEvent[] {
    if (this.#counting)
      throw new Error('internal: a counting log has no events; run the seed with a trace')
    const out: TraceEvent[] = new Array(this.length)
    for (let i = 0; i < this.length; i++) {
      const t = this.#time[i]!
      const kind = this.#kind[i]!
      const a = names[this.#a[i]!]!
      const id = this.#id[i]!
      const ref = this.#ref[i]
      const name = KIND_NAMES[kind]!
      switch (kind) {
        case TR_START:
        case TR_CRASH:
        case TR_RESTART:
          out[i] = { t, kind: name, node: a }
          break
        case TR_TIMER:
          out[i] = { t, kind: name, node: a, name: ref as string }
          break
        case TR_SEND:
        case TR_DUPLICATE:
          out[i] = {
            t,
            kind: name,
            node: a,
            src: a,
            dst: names[this.#b[i]!]!,
            payload: ref,
            detail: `msg #${id}`,
          }
          break
        case TR_DELIVER:
          out[i] = {
            t,
            kind: name,
            node: names[this.#b[i]!]!,
            src: a,
            dst: names[this.#b[i]!]!,
            payload: ref,
            detail: `msg #${id}`,
          }
          break
        case TR_CORRUPT:
          out[i] = {
            t,
            kind: name,
            node: a,
            src: a,
            dst: names[this.#b[i]!]!,
            payload: ref,
            detail: `msg #${id} corrupted in transit`,
          }
          break
        case TR_DROP: {
          const dst = names[this.#b[i]!]!
          const aux = this.#aux[i]!
          const why =
            aux === DROP_LOSS
              ? 'lost in transit'
              : aux === DROP_PARTITION
                ? `${a} and ${dst} are partitioned`
                : `${dst} is crashed`
          out[i] = {
            t,
            kind: name,
            node: a,
            src: a,
            dst,
            payload: ref,
            detail: `msg #${id} ${why}`,
          }
          break
        }
        case TR_PARTITION:
        case TR_HEAL:
          out[i] = { t, kind: name, name: `fault #${id}`, detail: describeFault(id) }
          break
        default: {
          // A history event: the node that invoked the operation, its client, input or output.
          const op = ref as RecordedOperation
          out[i] = {
            t,
            kind: name,
            node: a,
            name: String(op.client),
            payload: kind === TR_INVOKE ? op.input : op.output,
            detail: `op #${id}`,
          }
        }
      }
    }
    return out
  }
}
