/**
 * Readers for the two history formats of Porcupine's test data, into the operations of
 * bench/lin-specs.ts, and back into the Go harness's format:
 *
 * - `test_data/jepsen/etcd_NNN.log`: Jepsen logs of an etcd register (`jepsen.util` lines,
 *   read with `readJepsenLog`). A `:fail` of a cas is an answer (the compare found another
 *   value), so failures are kept and a failed cas reads `false`; a `:fail :read :timed-out`
 *   constrains nothing and is left out; `:info` (timed out) is an unknown outcome.
 * - `test_data/kv/cNN-{ok,bad}.txt`: EDN maps, one per line, with the key in `:key`
 *   (read with `readJepsenHistory`).
 */
import { type JepsenEvent, type Operation, readJepsenHistory, readJepsenLog } from '@musil/core'
import type { KvInput, KvOutput, RegisterInput, RegisterOutput } from './lin-specs.ts'
import type { HarnessOperation } from './porcupine-harness.ts'

/** A Jepsen register event's mapping: read / write / cas with `[from to]`. */
export function registerOperation(
  invoke: JepsenEvent,
  done: JepsenEvent | undefined,
): { input: RegisterInput; output: RegisterOutput } | undefined {
  const known = done !== undefined && done.type !== 'info'
  switch (invoke.f) {
    case 'read':
      if (done?.type === 'fail') return undefined
      return { input: { f: 'read' }, output: known ? integerOrNull(done.value) : undefined }
    case 'write':
      return { input: { f: 'write', value: integer(invoke.value) }, output: undefined }
    case 'cas': {
      const v = invoke.value
      if (!Array.isArray(v) || v.length !== 2)
        throw new Error(`cas needs [from to], got ${String(v)}`)
      const input: RegisterInput = { f: 'cas', from: integer(v[0]), to: integer(v[1]) }
      return { input, output: known ? done.type === 'ok' : undefined }
    }
    default:
      throw new Error(`a register has read, write and cas, not ${invoke.f}`)
  }
}

/** Reads an etcd log of Porcupine's test data. */
export function readEtcdLog(
  text: string,
  source: string,
): Operation<RegisterInput, RegisterOutput>[] {
  return readJepsenLog(text, { source, failed: 'keep', operation: registerOperation })
}

/** Reads a kv log of Porcupine's test data. */
export function readKvLog(text: string, source: string): Operation<KvInput, KvOutput>[] {
  return readJepsenHistory<KvInput, KvOutput>(text, {
    source,
    operation: (invoke, done) => {
      const key = invoke.fields.get('key')
      if (typeof key !== 'string') throw new Error('a kv event needs a string :key')
      const output = done?.type === 'ok' && invoke.f === 'get' ? String(done.value) : undefined
      if (invoke.f === 'get') return { input: { f: 'get', key }, output }
      if (invoke.f === 'put' || invoke.f === 'append') {
        return { input: { f: invoke.f, key, value: String(invoke.value) }, output }
      }
      throw new Error(`a kv store has get, put and append, not ${invoke.f}`)
    },
  })
}

/** A register operation in the harness's format. */
export function registerToHarness(op: Operation<RegisterInput, RegisterOutput>): HarnessOperation {
  const i = op.input
  if (i.f === 'read')
    return { f: 'read', out: op.output === undefined ? null : (op.output as number | null) }
  if (i.f === 'write') return { f: 'write', value: i.value }
  return { f: 'cas', from: i.from, to: i.to, ok: op.output === true }
}

/** A key-value operation in the harness's format. */
export function kvToHarness(op: Operation<KvInput, KvOutput>): HarnessOperation {
  const i = op.input
  if (i.f === 'get') return { f: 'get', key: i.key, out: op.output ?? '' }
  return { f: i.f, key: i.key, value: i.value }
}

function integer(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new Error(`expected an integer, got ${String(v)}`)
  return v
}

function integerOrNull(v: unknown): number | null {
  return v === null ? null : integer(v)
}
