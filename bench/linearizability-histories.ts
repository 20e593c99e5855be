/**
 * Histories for the linearizability bench, generated deterministically from a seed by running
 * a linearizable object concurrently: each client issues one operation after another, each
 * operation takes effect at a random instant between its call and its return (its
 * linearization point), and outputs are computed by applying the operations in the order of
 * those instants to a sequential register or key-value store. Every such history is
 * linearizable by construction; the non-linearizable variants change one read's output to a
 * value no linearization can give.
 *
 * Times are integers (Porcupine's are int64). How much operations overlap is set by the
 * clients' think time against operation latency: with `clients` clients, about
 * `clients · latency / (latency + think)` operations are in flight at once.
 */
import {
  type KeyValueInput,
  type KeyValueOutput,
  type Operation,
  RandomStream,
  type RegisterInput,
  type RegisterOutput,
} from '@musil/core'

/** A register history (integer values). */
export type RegisterOp = Operation<RegisterInput<number>, RegisterOutput<number>>
/** A key-value history. */
export type KeyValueOp = Operation<KeyValueInput, KeyValueOutput>

/** What to generate. */
export interface HistoryShape {
  readonly seed: number
  readonly operations: number
  readonly clients: number
  /** Mean latency of an operation and mean think time between a client's operations. */
  readonly latency?: number
  readonly think?: number
  /** Values written to the register are drawn from 0..values-1. */
  readonly values?: number
  /** Keys of the key-value store. */
  readonly keys?: number
  /** Fraction of operations whose outcome is unknown (`return: Infinity`, output unobserved). */
  readonly unknown?: number
}

interface Timed {
  client: number
  call: number
  at: number
  ret: number
}

/** Call, linearization point and return of every operation, clients interleaved. */
function schedule(shape: HistoryShape, rng: RandomStream): Timed[] {
  const latency = shape.latency ?? 100
  const think = shape.think ?? 20
  const clock = new Float64Array(shape.clients)
  for (let c = 0; c < shape.clients; c++) clock[c] = rng.int(0, latency)
  const ops: Timed[] = []
  for (let i = 0; i < shape.operations; i++) {
    // The client whose next call comes first, so that the history fills time evenly.
    let c = 0
    for (let k = 1; k < shape.clients; k++) if (clock[k]! < clock[c]!) c = k
    const call = clock[c]!
    const ret = call + 1 + rng.int(0, 2 * latency)
    const at = rng.int(call, ret)
    ops.push({ client: c, call, at, ret })
    clock[c] = ret + 1 + rng.int(0, 2 * think)
  }
  return ops
}

/** Indices of `ops` in linearization-point order (ties by index: any order is consistent). */
function byPoint(ops: readonly Timed[]): number[] {
  return ops.map((_, i) => i).sort((a, b) => ops[a]!.at - ops[b]!.at || a - b)
}

/** A linearizable register history: 50% reads, 30% writes, 20% compare-and-sets. */
export function registerHistory(shape: HistoryShape): RegisterOp[] {
  const rng = new RandomStream(shape.seed, 'register-history')
  const values = shape.values ?? 5
  const timed = schedule(shape, rng)
  const inputs: RegisterInput<number>[] = timed.map(() => {
    const r = rng.random()
    if (r < 0.5) return { op: 'read' }
    if (r < 0.8) return { op: 'write', value: rng.int(0, values - 1) }
    return { op: 'cas', from: rng.int(0, values - 1), to: rng.int(0, values - 1) }
  })
  const outputs: RegisterOutput<number>[] = new Array(timed.length)
  let state: number | null = null
  for (const i of byPoint(timed)) {
    const input = inputs[i]!
    if (input.op === 'read') outputs[i] = state
    else if (input.op === 'write') state = input.value
    else {
      outputs[i] = state === input.from
      if (state === input.from) state = input.to
    }
  }
  return timed.map((t, i) => unknownOr(shape, rng, t, inputs[i]!, outputs[i]))
}

/**
 * A linearizable key-value history: 40% gets, 20% puts, 40% appends of a value unique to the
 * operation (as in Porcupine's kv tests), over `keys` keys.
 */
export function keyValueHistory(shape: HistoryShape): KeyValueOp[] {
  const rng = new RandomStream(shape.seed, 'key-value-history')
  const keys = shape.keys ?? 10
  const timed = schedule(shape, rng)
  const inputs: KeyValueInput[] = timed.map((t, i) => {
    const key = String(rng.int(0, keys - 1))
    const r = rng.random()
    if (r < 0.4) return { op: 'get', key }
    return { op: r < 0.6 ? 'put' : 'append', key, value: `x${t.client}.${i};` }
  })
  const outputs: KeyValueOutput[] = new Array(timed.length)
  const store = new Map<string, string>()
  for (const i of byPoint(timed)) {
    const input = inputs[i]!
    const value = store.get(input.key) ?? ''
    if (input.op === 'get') outputs[i] = value
    else store.set(input.key, input.op === 'put' ? input.value : value + input.value)
  }
  return timed.map((t, i) => unknownOr(shape, rng, t, inputs[i]!, outputs[i]))
}

/** The operation, or (with probability `shape.unknown`) the same with an unknown outcome. */
function unknownOr<I, O>(
  shape: HistoryShape,
  rng: RandomStream,
  t: Timed,
  input: I,
  output: O,
): Operation<I, O> {
  // Drawn for every operation, so that the histories with and without unknowns share the rest.
  const unknown = rng.chance(shape.unknown ?? 0)
  return unknown
    ? { client: t.client, input, call: t.call, output: undefined as O, return: Infinity }
    : { client: t.client, input, call: t.call, output, return: t.ret }
}

/**
 * The history with one read (the first one at or after `at`, a fraction of the history) made
 * to return a value that was never written: no linearization explains it, but the checker
 * must rule out every ordering of the operations around it to say so.
 */
export function withImpossibleRead<I extends { op: string }, O>(
  history: readonly Operation<I, O>[],
  at: number,
  impossible: O,
): Operation<I, O>[] {
  const copy = [...history]
  for (let i = Math.floor(at * copy.length); i < copy.length; i++) {
    const op = copy[i]!
    if ((op.input.op === 'read' || op.input.op === 'get') && op.return !== Infinity) {
      copy[i] = { ...op, output: impossible }
      return copy
    }
  }
  throw new Error('no read to corrupt')
}
