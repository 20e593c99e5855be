/**
 * A replicated register of callback nodes that serves stale reads under a partition: the
 * primary replicates each write to the backup and acknowledges it once the backup has it, but
 * gives up waiting after 10 ms and acknowledges anyway; readers read from the backup. With the
 * backup cut off from the primary, a write completes that the backup never saw, and a read that
 * starts after it returns the old value. Used by the tests and by docs/concepts/simulation.md.
 */
import {
  BaseNode,
  type Context,
  NetworkModel,
  type PendingOperation,
  partition,
  type RegisterInput,
  type RegisterOutput,
  registerSpec,
  type SequentialSpec,
  type SimulateOptions,
} from '@musil/core'

/**
 * The register's spec: a register of numbers, 0 before any write (`registerSpec` of
 * `@musil/core`: a read must return the value held, a write sets it).
 */
export const zeroRegister: SequentialSpec<
  number | null,
  RegisterInput<number>,
  RegisterOutput<number>
> = registerSpec<number>({ initial: 0 })

/** What a message between the register's nodes holds. */
export type Msg =
  | { readonly type: 'write'; readonly value: number }
  | { readonly type: 'copy'; readonly value: number }
  | { readonly type: 'copied' }
  | { readonly type: 'ack' }
  | { readonly type: 'read' }
  | { readonly type: 'value'; readonly value: number }

/** Applies writes, replicates them, and acknowledges after the backup's copy or 10 ms. */
export class Primary extends BaseNode {
  value = 0
  waiting: string | undefined = undefined

  override onMessage(ctx: Context, src: string, m: Msg): void {
    if (m.type === 'write') {
      this.value = m.value
      this.waiting = src
      ctx.send('backup', { type: 'copy', value: m.value })
      ctx.setTimer('degrade', 10)
    } else if (m.type === 'copied') this.#ack(ctx)
    else if (m.type === 'read') ctx.send(src, { type: 'value', value: this.value })
  }

  override onTimer(ctx: Context): void {
    // The bug: acknowledging a write the backup may never have seen.
    this.#ack(ctx)
  }

  #ack(ctx: Context): void {
    if (this.waiting === undefined) return
    ctx.cancelTimer('degrade')
    ctx.send(this.waiting, { type: 'ack' })
    this.waiting = undefined
  }
}

/** Holds the replicated copy and serves reads from it. */
export class Backup extends BaseNode {
  value = 0

  override onMessage(ctx: Context, src: string, m: Msg): void {
    if (m.type === 'copy') {
      this.value = m.value
      ctx.send(src, { type: 'copied' })
    } else if (m.type === 'read') ctx.send(src, { type: 'value', value: this.value })
  }
}

/**
 * A client: issues `ops` one at a time to `server`, `gap` ms apart, recording each in the
 * history; an operation without a reply within 30 ms has an unknown outcome.
 */
export class Client extends BaseNode {
  done = 0
  readonly server: string
  readonly ops: readonly RegisterInput<number>[]
  readonly gap: number
  #op: PendingOperation<RegisterOutput<number>> | undefined

  constructor(server: string, ops: readonly RegisterInput<number>[], gap: number) {
    super()
    this.server = server
    this.ops = ops
    this.gap = gap
  }

  override onStart(ctx: Context): void {
    ctx.setTimer('next', this.gap)
  }

  override onTimer(ctx: Context, name: string): void {
    if (name === 'timeout') {
      this.#op?.info()
      this.#next(ctx)
      return
    }
    const op = this.ops[this.done]
    if (op === undefined) return
    this.#op = ctx.history.invoke(op)
    ctx.send(this.server, op.op === 'write' ? { type: 'write', value: op.value } : { type: 'read' })
    ctx.setTimer('timeout', 30)
  }

  override onMessage(ctx: Context, _src: string, m: Msg): void {
    if (this.#op === undefined || (m.type !== 'ack' && m.type !== 'value')) return
    this.#op.ok(m.type === 'value' ? m.value : undefined)
    this.#next(ctx)
  }

  #next(ctx: Context): void {
    ctx.cancelTimer('timeout')
    this.#op = undefined
    this.done++
    ctx.setTimer('next', this.gap)
  }
}

/** The register's nodes: a writer of 1..3 through the primary, a reader of the backup. */
export const registerNodes = () => ({
  primary: new Primary(),
  backup: new Backup(),
  writer: new Client(
    'primary',
    [1, 2, 3].map((value) => ({ op: 'write', value }) as const),
    7,
  ),
  reader: new Client(
    'backup',
    Array.from({ length: 8 }, () => ({ op: 'read' }) as const),
    5,
  ),
})

/** The primary and the backup cut off from each other from t=12 to t=60. */
export const backupCutOff = [
  partition(
    [
      ['primary', 'writer'],
      ['backup', 'reader'],
    ],
    { from: 12, until: 60 },
  ),
]

/** `simulate` options for the register, without `seeds` and `linearizable`. */
export const registerOptions: Omit<
  SimulateOptions<ReturnType<typeof registerNodes>, { primary: number; backup: number }>,
  'seeds'
> = {
  snapshot: (n) => ({ primary: n.primary.value, backup: n.backup.value }),
  network: new NetworkModel({ minLatency: 1, maxLatency: 3 }),
  maxTime: 500,
}

/**
 * `zeroRegister` with a slow `step` (a busy loop): with `timeoutMs: 1`, the long search of
 * {@link UnwrittenRead}'s history runs out of time, whatever the machine.
 */
export const slowZeroRegister: typeof zeroRegister = {
  ...zeroRegister,
  step: (value, op, output) => {
    let spin = 0
    for (let i = 0; i < 20_000; i++) spin += i
    return zeroRegister.step(spin < 0 ? null : value, op, output)
  },
}

/** Fourteen writes of unknown outcome, then a read of a value none of them wrote: a long search. */
export class UnwrittenRead extends BaseNode {
  override onStart(ctx: Context): void {
    for (let value = 1; value <= 14; value++) {
      ctx.history.invoke({ op: 'write', value }, { client: `w${value}` })
    }
    ctx.history.invoke({ op: 'read' }, { client: 'r' }).ok(99)
  }
}
