/**
 * The two objects musil and Porcupine are compared on, as sequential specs with the same
 * semantics as the Go harness's models (bench/porcupine/main.go): an integer register with
 * read / write / compare-and-set, and a string key-value store with get / put / append,
 * partitioned by key. An output of `undefined` means the outcome is unknown and is accepted in
 * any state.
 */
import type { Operation, SequentialSpec } from '@musil/core'

/** A register operation. */
export type RegisterInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: number }
  | { readonly f: 'cas'; readonly from: number; readonly to: number }

/** A read's value (`null`: never written), a cas's success, or `undefined` when unknown. */
export type RegisterOutput = number | null | boolean | undefined

/** The register: `null` until first written. */
export const registerSpec: SequentialSpec<number | null, RegisterInput, RegisterOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case 'read':
        return [output === undefined || output === state, state]
      case 'write':
        return [true, input.value]
      case 'cas':
        return state === input.from
          ? [output === undefined || output === true, input.to]
          : [output === undefined || output === false, state]
    }
  },
  describeOperation(input, output) {
    const out = output === undefined ? '?' : String(output)
    if (input.f === 'read') return `read() → ${out}`
    if (input.f === 'write') return `write(${input.value})`
    return `cas(${input.from}, ${input.to}) → ${out}`
  },
}

/** A key-value operation. */
export type KvInput =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put' | 'append'; readonly key: string; readonly value: string }

/** A get's value, or `undefined` (puts and appends, and unknown outcomes). */
export type KvOutput = string | undefined

/** One key's value (the spec is partitioned by key, so a state is one string). */
export const kvSpec: SequentialSpec<string, KvInput, KvOutput> = {
  init: () => '',
  step(state, input, output) {
    switch (input.f) {
      case 'get':
        return [output === undefined || output === state, state]
      case 'put':
        return [true, input.value]
      case 'append':
        return [true, state + input.value]
    }
  },
  partition(history) {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>()
    for (const op of history) {
      let part = byKey.get(op.input.key)
      if (part === undefined) byKey.set(op.input.key, (part = []))
      part.push(op)
    }
    return [...byKey.keys()].sort().map((k) => byKey.get(k)!)
  },
  describeOperation(input, output) {
    if (input.f === 'get')
      return `get(${input.key}) → ${output === undefined ? '?' : `'${output}'`}`
    return `${input.f}(${input.key}, '${input.value}')`
  },
}
