/**
 * Readers for the two history formats of Porcupine's test data, with musil's Jepsen readers and
 * mappings, and the conversion of the operations into the Go harness's format:
 *
 * - `test_data/jepsen/etcd_NNN.log`: Jepsen logs of an etcd register (`jepsen.util` lines),
 *   read with `readJepsenLog` and `jepsenRegister`. Failures are kept (`failed: 'keep'`), as
 *   Porcupine reads them: a failed cas is an answer (the compare found another value); a
 *   failed read (`:fail :read :timed-out`) constrains nothing and is left out; `:info` (timed
 *   out) is an unknown outcome.
 * - `test_data/kv/cNN-{ok,bad}.txt`: EDN maps, one per line, with the key in `:key`, read with
 *   `readJepsenHistory` and `jepsenKeyValue`.
 */
import {
  type EdnValue,
  jepsenKeyValue,
  jepsenRegister,
  type KeyValueInput,
  type KeyValueOutput,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  readJepsenHistory,
  readJepsenLog,
} from '@musil/core'
import type { HarnessOperation } from './porcupine-harness.ts'

/** A register history of Jepsen values. */
export type RegisterHistory = Operation<RegisterInput<EdnValue>, RegisterOutput<EdnValue>>[]

/** A key-value history. */
export type KeyValueHistory = Operation<KeyValueInput, KeyValueOutput>[]

/** Reads an etcd log of Porcupine's test data. */
export function readEtcdLog(text: string, source: string): RegisterHistory {
  return readJepsenLog(text, { source, failed: 'keep', operation: jepsenRegister })
}

/** Reads a kv log of Porcupine's test data. */
export function readKvLog(text: string, source: string): KeyValueHistory {
  return readJepsenHistory(text, { source, operation: jepsenKeyValue })
}

/** A register operation (of integers) in the harness's format. */
export function registerToHarness(
  op: Operation<RegisterInput<EdnValue>, RegisterOutput<EdnValue>>,
): HarnessOperation {
  const i = op.input
  if (i.op === 'read') {
    return { f: 'read', out: op.output === undefined ? null : integerOrNull(op.output) }
  }
  if (i.op === 'write') return { f: 'write', value: integer(i.value) }
  return { f: 'cas', from: integer(i.from), to: integer(i.to), ok: op.output === true }
}

/** A key-value operation in the harness's format. */
export function keyValueToHarness(op: Operation<KeyValueInput, KeyValueOutput>): HarnessOperation {
  const i = op.input
  if (i.op === 'get') return { f: 'get', key: i.key, out: op.output ?? '' }
  return { f: i.op, key: i.key, value: i.value }
}

function integer(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`the harness's register holds integers, got ${String(v)}`)
  }
  return v
}

function integerOrNull(v: unknown): number | null {
  return v === null ? null : integer(v)
}
