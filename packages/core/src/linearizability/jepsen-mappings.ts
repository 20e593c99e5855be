/**
 * Ready-made mappings from Jepsen operations to the shipped specs' inputs and outputs, for
 * `readJepsenHistory` and `readJepsenLog`: Jepsen's register workloads (`:read`, `:write`,
 * `:cas [from to]`) and key-value workloads (`:get`/`:read`, `:put`/`:write`, `:append`), and
 * {@link independentKeys}, the spec side of `jepsen.independent`: one independent object per
 * key.
 *
 * @module
 */
import { formatValue } from '../format/value.ts'
import type { EdnValue } from './edn.ts'
import type { JepsenEvent } from './jepsen.ts'
import type { KeyValueInput, KeyValueOutput } from './specs/key-value.ts'
import type { RegisterInput, RegisterOutput } from './specs/register.ts'
import type { Operation, SequentialSpec } from './types.ts'

/** A register operation read from Jepsen, with its `jepsen.independent` key when it has one. */
export type JepsenRegisterInput = RegisterInput<EdnValue> & { readonly key?: EdnValue }

/**
 * Maps Jepsen's register operations to `registerSpec()`: `:read` (output: the value read, `nil`
 * as `null`), `:write v`, `:cas [from to]` (output: `true`, or `false` for a `:fail` kept with
 * `failed: 'keep'`: the compare found another value). An `:info` or missing completion gives
 * an unobserved output (`undefined`). With `failed: 'keep'`, a failed read or write is still
 * left out: it constrains nothing. Under `independent: true` the input carries the `key`, for
 * {@link independentKeys}.
 *
 * @example
 * const ops = readJepsenHistory(text, { operation: jepsenRegister })
 * checkLinearizability(ops, registerSpec<EdnValue>())
 * // Porcupine's reading of a failed cas (an answer, not a no-op):
 * readJepsenLog(log, { operation: jepsenRegister, failed: 'keep' })
 */
export function jepsenRegister(
  invoke: JepsenEvent,
  completion: JepsenEvent | undefined,
): { input: JepsenRegisterInput; output: RegisterOutput<EdnValue> } | undefined {
  const observed = completion !== undefined && completion.type !== 'info'
  const failed = completion?.type === 'fail'
  const key = invoke.key === undefined ? {} : { key: invoke.key }
  switch (invoke.f) {
    case 'read':
      if (failed) return undefined
      return { input: { op: 'read', ...key }, output: observed ? completion.value : undefined }
    case 'write':
      if (failed) return undefined
      return { input: { op: 'write', value: invoke.value, ...key }, output: undefined }
    case 'cas': {
      const v = invoke.value
      if (!Array.isArray(v) || v.length !== 2) {
        throw new Error(`a :cas needs :value [from to], got ${formatValue(v)}`)
      }
      const input: JepsenRegisterInput = { op: 'cas', from: v[0]!, to: v[1]!, ...key }
      return { input, output: observed ? !failed : undefined }
    }
    default:
      throw new Error(`jepsenRegister maps :read, :write and :cas, not :${invoke.f}`)
  }
}

/**
 * Maps Jepsen's key-value operations to `keyValueSpec()`: `:get` or `:read` (output: the value,
 * `nil` as `''`, the spec's value of a key never written), `:put` or `:write`, `:append`. The
 * key is the `jepsen.independent` key (`independent: true`), else the event's `:key`; keys and
 * values that are integers or keywords become strings. A `:fail` kept with `failed: 'keep'` is
 * left out.
 *
 * @example
 * // {:process 0, :type :invoke, :f :append, :key "x", :value "a"}
 * checkLinearizability(readJepsenHistory(text, { operation: jepsenKeyValue }), keyValueSpec())
 */
export function jepsenKeyValue(
  invoke: JepsenEvent,
  completion: JepsenEvent | undefined,
): { input: KeyValueInput; output: KeyValueOutput } | undefined {
  if (completion?.type === 'fail') return undefined
  const rawKey = invoke.key ?? invoke.fields.get('key')
  if (rawKey === undefined) {
    throw new Error('a key-value operation needs a :key field, or independent: true')
  }
  const key = asString(rawKey, 'key')
  switch (invoke.f) {
    case 'get':
    case 'read': {
      const observed = completion !== undefined && completion.type === 'ok'
      const output = observed
        ? completion.value === null
          ? ''
          : asString(completion.value, 'value')
        : undefined
      return { input: { op: 'get', key }, output }
    }
    case 'put':
    case 'write':
      return {
        input: { op: 'put', key, value: asString(invoke.value, 'value') },
        output: undefined,
      }
    case 'append':
      return {
        input: { op: 'append', key, value: asString(invoke.value, 'value') },
        output: undefined,
      }
    default:
      throw new Error(
        `jepsenKeyValue maps :get, :put and :append (or :read, :write), not :${invoke.f}`,
      )
  }
}

function asString(v: EdnValue, what: string): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  throw new Error(`a key-value ${what} must be a string or an integer, got ${formatValue(v)}`)
}

/**
 * The spec side of `jepsen.independent`: one copy of `spec` per key, each checked on its own.
 * Operations are partitioned by their input's `key` (compared structurally; an operation
 * without a key belongs to the `undefined` key), then by `spec`'s own `partition`, if any. Use
 * it with `independent: true` and a mapping that puts the key in the input, such as
 * {@link jepsenRegister}.
 *
 * @example
 * const ops = readJepsenHistory(text, { independent: true, operation: jepsenRegister })
 * checkLinearizability(ops, independentKeys(registerSpec<EdnValue>()))
 */
export function independentKeys<S, I, O>(
  spec: SequentialSpec<S, I, O>,
): SequentialSpec<S, I & { readonly key?: unknown }, O> {
  type Keyed = I & { readonly key?: unknown }
  const inner = spec.partition
  const keyed: SequentialSpec<S, Keyed, O> = {
    init: () => spec.init(),
    step: (state, input, output) => spec.step(state, input, output),
    partition(history) {
      const parts = new Map<unknown, Operation<Keyed, O>[]>()
      for (const op of history) {
        const k = op.input.key
        // Primitive keys are their own identity; others (vectors, maps) by their rendering.
        const id = k === null || typeof k !== 'object' ? k : `\0${formatValue(k)}`
        const part = parts.get(id)
        if (part === undefined) parts.set(id, [op])
        else part.push(op)
      }
      const all = [...parts.values()]
      if (inner === undefined) return all
      // The spec's own partition keeps the operations it is given, keys included.
      return all.flatMap((part) => inner(part) as readonly (readonly Operation<Keyed, O>[])[])
    },
    describeOperation(input, output) {
      // Without the spec's own description, the checker's: input and output (`?` unobserved).
      const op =
        spec.describeOperation?.(input, output) ??
        `${formatValue(input)} → ${output === undefined ? '?' : formatValue(output)}`
      return input.key === undefined ? op : `[${formatValue(input.key)}] ${op}`
    },
  }
  if (spec.equal !== undefined) keyed.equal = spec.equal
  if (spec.hash !== undefined) keyed.hash = spec.hash
  if (spec.describeState !== undefined) keyed.describeState = spec.describeState
  return keyed
}
