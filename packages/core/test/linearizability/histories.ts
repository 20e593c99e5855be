/**
 * Builders for hand-made histories: one call per operation, times as drawn on paper.
 */
import type {
  KeyValueInput,
  KeyValueOutput,
  MutexInput,
  MutexOutput,
  Operation,
  QueueInput,
  QueueOutput,
  RegisterInput,
  RegisterOutput,
  SetInput,
  SetOutput,
} from '@musil/core'

/** An unknown outcome: the operation never returned. */
export const INFO = Number.POSITIVE_INFINITY

type RegisterOp = Operation<RegisterInput<number>, RegisterOutput<number>>

/** Register operations on a register of numbers. */
export const reg = {
  write: (client: string, value: number, call: number, ret: number): RegisterOp => ({
    client,
    input: { op: 'write', value },
    call,
    output: undefined,
    return: ret,
  }),
  read: (
    client: string,
    value: number | null | undefined,
    call: number,
    ret: number,
  ): RegisterOp => ({
    client,
    input: { op: 'read' },
    call,
    output: value,
    return: ret,
  }),
  cas: (
    client: string,
    from: number,
    to: number,
    ok: boolean | undefined,
    call: number,
    ret: number,
  ): RegisterOp => ({ client, input: { op: 'cas', from, to }, call, output: ok, return: ret }),
}

type QueueOp = Operation<QueueInput<string>, QueueOutput<string>>

/** Queue operations on a queue of strings; a dequeue of `null` found the queue empty. */
export const queue = {
  enq: (client: string, value: string, call: number, ret: number): QueueOp => ({
    client,
    input: { op: 'enqueue', value },
    call,
    output: undefined,
    return: ret,
  }),
  deq: (client: string, value: string | null | undefined, call: number, ret: number): QueueOp => ({
    client,
    input: { op: 'dequeue' },
    call,
    output: value,
    return: ret,
  }),
}

type KvOp = Operation<KeyValueInput, KeyValueOutput>

/** Key-value operations. */
export const kv = {
  get: (
    client: string,
    key: string,
    value: string | undefined,
    call: number,
    ret: number,
  ): KvOp => ({
    client,
    input: { op: 'get', key },
    call,
    output: value,
    return: ret,
  }),
  put: (client: string, key: string, value: string, call: number, ret: number): KvOp => ({
    client,
    input: { op: 'put', key, value },
    call,
    output: undefined,
    return: ret,
  }),
  append: (client: string, key: string, value: string, call: number, ret: number): KvOp => ({
    client,
    input: { op: 'append', key, value },
    call,
    output: undefined,
    return: ret,
  }),
}

type SetOp = Operation<SetInput<number>, SetOutput>

/** Set operations on a set of numbers. */
export function setOp(
  client: string,
  op: 'add' | 'remove' | 'contains',
  value: number,
  output: boolean | undefined,
  call: number,
  ret: number,
): SetOp {
  return { client, input: { op, value }, call, output, return: ret }
}

type MutexOp = Operation<MutexInput, MutexOutput>

/** Mutex operations; the client is the owner. */
export function lock(
  client: string,
  op: 'acquire' | 'release',
  output: boolean | undefined,
  call: number,
  ret: number,
): MutexOp {
  return { client, input: { op, owner: client }, call, output, return: ret }
}
