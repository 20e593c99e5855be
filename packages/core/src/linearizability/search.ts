/**
 * Wing & Gong's linearizability search with Lowe's memoisation, on one partition of a history,
 * as Porcupine implements it: iterative (an explicit stack, so a history of any length is fine),
 * and resumable (it runs for a given number of steps and picks up where it stopped, so that the
 * partitions of a history can be searched in turns).
 *
 * The history becomes a doubly linked list of call and return entries sorted by time. At equal
 * times calls come before returns (Porcupine's convention): an operation that returns at t and
 * one called at t overlap, so either may be linearized first. An operation is a candidate to
 * come next when its call comes before the first return still in the list (every operation
 * that returned before it was called is already placed). The search tries candidates in list
 * order: one `step` accepts is linearized (its two entries are lifted out of the list, the
 * state and the operation pushed), unless that (linearized set, state) pair was explored
 * before; when the scan reaches a return entry, no candidate fits and the last operation is
 * taken back (unlifted) and the scan goes on after it.
 *
 * An operation of unknown outcome (`return: Infinity`) may take effect at any time after its
 * call, or never (Knossos' and Porcupine's semantics for an `:info` operation): the search is
 * done once every operation with a known outcome is placed, whatever became of the others. So
 * one whose effect someone observed must be placed (the observation cannot be explained
 * otherwise), and one whose effect nobody observed may be left out.
 *
 * @module
 */
import { SequentialSpecError, UserCodeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { fingerprint, fpHi, fpLo } from '../model/fingerprint.ts'
import { LinearizedSet } from './linearized-set.ts'
import type { Operation, SequentialSpec } from './types.ts'
import { VisitedConfigs } from './visited-configs.ts'

/** Where a partition's search stands. */
export type SearchStatus = 'running' | 'linearizable' | 'not-linearizable'

/**
 * The search on one partition. Operations are numbered locally in call order (ties by history
 * index); {@link PartitionSearch.historyIndex} maps them back.
 */
export class PartitionSearch<S, I, O> {
  /** Where the search stands. */
  status: SearchStatus = 'running'
  /** Configurations stored (Lowe's cache entries). */
  visited = 0
  /** The local operation whose `step` the search last called (for error messages). */
  current = -1
  /** History index of each local operation. */
  readonly historyIndex: Int32Array
  /** The operations, by local index. */
  readonly ops: readonly Operation<I, O>[]
  /** Position of each local operation's call entry in time order (1-based; 0 is the head). */
  readonly callPos: Int32Array
  /** Position of each local operation's return entry. */
  readonly returnPos: Int32Array
  /**
   * The longest linearizable prefix seen, by local index, in its first `bestLength` entries;
   * on `linearizable`, a whole linearization of the operations it placed.
   */
  private readonly best: Int32Array
  private bestLength = 0
  /**
   * How many entries of {@link best} the stack still agrees with. Recording a new longest
   * prefix copies only the rest, so each operation pushed is copied at most once, however
   * often the record grows: a copy of the whole stack each time would be quadratic on a long
   * history that backtracks now and then.
   */
  private agree = 0

  /** Per entry (position): the local operation of a call, `-1 - op` for a return. */
  private readonly entryOp: Int32Array
  private readonly next: Int32Array
  private readonly prev: Int32Array
  private readonly tail: number
  private readonly finite: Uint8Array
  private readonly set: LinearizedSet
  private readonly configs: VisitedConfigs<S>
  private readonly stackOp: Int32Array
  private readonly stackState: S[]
  private depth = 0
  private state: S
  private entry: number
  /** Operations with a known outcome not yet placed: the search is done when none is left. */
  private finiteLeft = 0

  private readonly spec: SequentialSpec<S, I, O>
  /** The spec's `hash`, checked (with `equal` only). */
  private readonly hash: ((state: S) => number) | undefined

  constructor(
    history: readonly Operation<I, O>[],
    indices: readonly number[],
    spec: SequentialSpec<S, I, O>,
  ) {
    this.spec = spec
    this.hash = spec.equal === undefined || spec.hash === undefined ? undefined : guardedHash(spec)
    const order = [...indices].sort((a, b) => compare(history[a]!.call, history[b]!.call) || a - b)
    const n = order.length
    this.historyIndex = Int32Array.from(order)
    this.ops = order.map((i) => history[i]!)
    this.finite = new Uint8Array(n)
    for (let op = 0; op < n; op++) {
      if (this.ops[op]!.return !== Number.POSITIVE_INFINITY) {
        this.finite[op] = 1
        this.finiteLeft++
      }
    }
    // Entry 2·op is op's call, 2·op + 1 its return; sorted by time, calls before returns at
    // equal times, then by operation.
    const events = new Int32Array(2 * n)
    for (let e = 0; e < 2 * n; e++) events[e] = e
    const time = (e: number) => (e & 1 ? this.ops[e >> 1]!.return : this.ops[e >> 1]!.call)
    events.sort((a, b) => compare(time(a), time(b)) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1))
    this.tail = 2 * n + 1
    this.entryOp = new Int32Array(2 * n + 2)
    this.next = new Int32Array(2 * n + 2)
    this.prev = new Int32Array(2 * n + 2)
    this.callPos = new Int32Array(n)
    this.returnPos = new Int32Array(n)
    this.entryOp[0] = -1 - n
    this.entryOp[this.tail] = -1 - n
    for (let p = 1; p <= 2 * n; p++) {
      const e = events[p - 1]!
      const op = e >> 1
      if (e & 1) {
        this.entryOp[p] = -1 - op
        this.returnPos[op] = p
      } else {
        this.entryOp[p] = op
        this.callPos[op] = p
      }
    }
    for (let p = 0; p <= this.tail; p++) {
      this.next[p] = p + 1
      this.prev[p] = p - 1
    }
    this.set = new LinearizedSet(n)
    this.configs = new VisitedConfigs<S>(
      spec.equal === undefined ? undefined : guardedEqual(spec),
      n,
    )
    this.stackOp = new Int32Array(n)
    this.best = new Int32Array(n)
    this.stackState = new Array<S>(n)
    this.state = initialState(spec)
    this.entry = this.next[0]!
    if (this.finiteLeft === 0) this.succeed()
  }

  /**
   * Searches for at most `budget` steps (one step: one candidate tried, or one backtrack).
   * Returns the steps used; {@link status} says whether the partition is decided.
   *
   * @throws whatever the spec's `step` or `equal` throws, or the fingerprint of a state that
   *   cannot be fingerprinted; {@link current} names the operation being tried
   */
  run(budget: number): number {
    // Decided already: when the constructor found nothing to place, or by an earlier slice.
    if (this.status !== 'running') return 0
    const { spec, entryOp, next, set, configs, stackOp, stackState, finite, ops } = this
    const equal = spec.equal
    const hash = this.hash
    let { state, entry, depth, finiteLeft } = this
    let steps = 0
    try {
      while (steps < budget) {
        steps++
        const op = entryOp[entry]!
        if (op >= 0) {
          this.current = op
          const o = ops[op]!
          const stepped = spec.step(state, o.input, o.output)
          // A step written as a predicate (`=> output === state`) would otherwise fail as
          // "true is not iterable", which names neither the mistake nor the fix.
          if (!Array.isArray(stepped)) throw new StepResultError(stepped)
          const legal = stepped[0]
          const after: S = stepped[1]
          if (legal) {
            set.add(op)
            let hi = 0
            let lo = 0
            if (equal === undefined) {
              fingerprint(after)
              hi = fpHi
              lo = fpLo
            } else if (hash !== undefined) {
              // Both halves feed the table's slot: a 32-bit hash would leave the high one 0.
              const h = hash(after)
              lo = h | 0
              hi = Math.imul(lo ^ ((h / 4294967296) | 0), 0x85ebca6b)
              hi ^= hi >>> 13
            }
            if (configs.add(set, after, hi, lo)) {
              this.visited++
              stackOp[depth] = op
              stackState[depth] = state
              depth++
              state = after
              this.lift(op)
              if (finite[op]) finiteLeft--
              if (finiteLeft === 0) {
                this.depth = depth
                this.succeed()
                break
              }
              entry = next[0]!
            } else {
              set.remove(op)
              entry = next[entry]!
            }
          } else {
            entry = next[entry]!
          }
        } else {
          // A return entry (or the tail): no candidate before it fits the current state.
          if (depth === 0) {
            this.status = 'not-linearizable'
            break
          }
          if (depth > this.bestLength) this.recordBest(depth)
          depth--
          if (depth < this.agree) this.agree = depth
          const back = stackOp[depth]!
          state = stackState[depth]!
          stackState[depth] = undefined as S
          set.remove(back)
          this.unlift(back)
          if (finite[back]) finiteLeft++
          entry = next[this.callPos[back]!]!
        }
      }
    } finally {
      this.state = state
      this.entry = entry
      this.depth = depth
      this.finiteLeft = finiteLeft
    }
    return steps
  }

  /**
   * The longest linearizable prefix seen (local indices, in linearization order); after
   * `linearizable`, the linearization found.
   */
  longest(): Int32Array {
    return this.best.slice(0, this.bestLength)
  }

  private succeed(): void {
    this.status = 'linearizable'
    this.recordBest(this.depth)
  }

  private recordBest(depth: number): void {
    this.best.set(this.stackOp.subarray(this.agree, depth), this.agree)
    this.bestLength = depth
    this.agree = depth
  }

  /** Takes op's call and return entries out of the list. */
  private lift(op: number): void {
    const { next, prev } = this
    const c = this.callPos[op]!
    next[prev[c]!] = next[c]!
    prev[next[c]!] = prev[c]!
    const r = this.returnPos[op]!
    next[prev[r]!] = next[r]!
    prev[next[r]!] = prev[r]!
  }

  /** Puts op's entries back where they were (the exact reverse of {@link lift}). */
  private unlift(op: number): void {
    const { next, prev } = this
    const r = this.returnPos[op]!
    next[prev[r]!] = r
    prev[next[r]!] = r
    const c = this.callPos[op]!
    next[prev[c]!] = c
    prev[next[c]!] = c
  }
}

/**
 * What a spec's `step` returned when it was not a `[legal, next]` pair; the checker restates it
 * naming the operation (see `runSlice`).
 */
export class StepResultError extends Error {
  /** What `step` returned. */
  readonly returned: unknown
  constructor(returned: unknown) {
    super('step must return [legal, next]')
    this.returned = returned
  }
}

/** The spec's initial state; what `init` throws is named as such. */
export function initialState<S, I, O>(spec: SequentialSpec<S, I, O>): S {
  try {
    return spec.init()
  } catch (e) {
    throw new UserCodeError('init', 'the spec', e)
  }
}

/** The spec's `equal`, with what it throws named as such. */
function guardedEqual<S, I, O>(spec: SequentialSpec<S, I, O>): (a: S, b: S) => boolean {
  return (a, b) => {
    try {
      return spec.equal!(a, b)
    } catch (e) {
      throw new UserCodeError('equal', 'the spec', e)
    }
  }
}

/** The spec's `hash`: what it throws named as such, and a result that is not a number refused. */
function guardedHash<S, I, O>(spec: SequentialSpec<S, I, O>): (state: S) => number {
  return (state) => {
    let h: unknown
    try {
      h = spec.hash!(state)
    } catch (e) {
      throw new UserCodeError('hash', 'the spec', e)
    }
    if (typeof h !== 'number' || Number.isNaN(h)) {
      throw new SequentialSpecError(
        `the spec's hash returned ${formatValue(h)} for the state ${formatValue(state)}: it must return a number`,
      )
    }
    return h
  }
}

/** Numeric order that treats `Infinity` as equal to itself (a - b would give NaN). */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}
