import {
  BaseNode,
  type Context,
  causalSlice,
  checkLinearizability,
  crash,
  NetworkModel,
  OptionsError,
  type PendingOperation,
  type RegisterInput,
  type SequentialSpec,
  SimulationConfigError,
  simulate,
  simulateSeed,
  traceDigest,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  backupCutOff,
  registerNodes,
  registerOptions,
  slowZeroRegister,
  UnwrittenRead,
  zeroRegister,
} from './stale-register.ts'

/** Nodes that chatter among themselves, away from the register: the minimiser must drop them. */
class Chatter extends BaseNode {
  readonly peer: string
  constructor(peer: string) {
    super()
    this.peer = peer
  }
  override onStart(ctx: Context): void {
    ctx.setTimer('tick', 3)
  }
  override onTimer(ctx: Context): void {
    ctx.send(this.peer, 'hi')
    if (ctx.now() < 90) ctx.setTimer('tick', 3)
  }
}

describe('simulate with linearizable: a replicated register', () => {
  it('passes every seed when the backup is never cut off, and says it checked', () => {
    const report = simulate(registerNodes, {
      ...registerOptions,
      seeds: 40,
      linearizable: zeroRegister,
    })
    expect(report.ok).toBe(true)
    expect(report.runs).toBe(40)
    expect(report.checked).toEqual({
      invariants: [],
      goals: [],
      refinement: false,
      linearizable: true,
    })
  })

  it('finds the stale read under a partition: a safety failure with the history and the verdict', () => {
    const report = simulate(registerNodes, {
      ...registerOptions,
      seeds: 40,
      faults: backupCutOff,
      linearizable: zeroRegister,
    })
    const f = report.failure!
    expect(report.ok).toBe(false)
    expect([f.kind, f.name]).toEqual(['safety', 'linearizability'])
    expect(f.detail).toMatch(/^history not linearizable: /)
    expect(f.detail).toMatch(/read\(\) → \d \(client "reader", t=\[\d+, \d+\]\) is refused/)
    const verdict = f.linearizability!
    expect(verdict.result).toBe('not-linearizable')
    // The refused read is an operation of the history, in virtual time, and it read a value
    // older than a write that had returned before it was called.
    const refused = verdict.violation!.unplaceable[0]!
    expect(f.history![refused.index]).toBe(refused.operation)
    expect(refused.operation.client).toBe('reader')
    const staleWrite = f.history!.find(
      (op) =>
        (op.input as RegisterInput<number>).op === 'write' &&
        op.return < refused.operation.call &&
        (op.input as { value: number }).value !== refused.operation.output,
    )
    expect(staleWrite).toBeDefined()
    // The trace shows the operations among the messages.
    const kinds = new Set(f.trace.map((e) => e.kind))
    expect(kinds.has('invoke') && kinds.has('ok')).toBe(true)
    const invoke = f.trace.find((e) => e.kind === 'invoke')!
    expect(invoke).toMatchObject({ node: invoke.name, detail: 'op #0' })
  })

  it('replays the failing seed bit for bit, and its minimised run is still not linearizable', () => {
    const options = { ...registerOptions, faults: backupCutOff, linearizable: zeroRegister }
    const f = simulate(registerNodes, { ...options, seeds: 40 }).failure!
    const again = simulate(registerNodes, { ...options, seeds: [f.seed] }).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
    expect(again.detail).toBe(f.detail)
    expect(again.history).toEqual(f.history)
    const run = simulateSeed(registerNodes, options, f.seed, f.choices)
    expect(run.failure).toMatchObject({ kind: 'safety', name: 'linearizability' })
    expect(run.linearizability?.result).toBe('not-linearizable')
    expect(causalSlice(run.trace, f.focus)).toEqual(f.minimized)
  })

  it('cuts the minimised run at the first instant its history is not linearizable', () => {
    const options = { ...registerOptions, faults: backupCutOff, linearizable: zeroRegister }
    const f = simulate(registerNodes, { ...options, seeds: 40 }).failure!
    const until = f.choices.until!
    expect(until).toBeLessThan(f.time)
    // The cut run ends at the violation: nothing after `until`, and it replays from its choices.
    expect(f.minimized.every((e) => e.t <= until)).toBe(true)
    const cut = simulateSeed(registerNodes, options, f.seed, f.choices)
    expect(cut.linearizability?.result).toBe('not-linearizable')
    expect(cut.trace.every((e) => e.t <= until)).toBe(true)
    // One event earlier the history still has a linearization.
    const earlier = Math.max(...cut.trace.filter((e) => e.t < until).map((e) => e.t))
    const before = simulateSeed(registerNodes, options, f.seed, { ...f.choices, until: earlier })
    expect(before.linearizability?.result).toBe('linearizable')
  })

  it('does not cut where only the cut fails: a spec that refuses the output of an operation still pending', () => {
    // The writer's write(1) takes effect at once but is acknowledged 150 ms later; the reader
    // reads 1 at t=12, and its seventh read returns 0 (the bug). A spec that checks the
    // write's reply refuses it while the reply is unknown (output undefined): cut anywhere
    // between t=12 and the acknowledgement, the history fails because of the cut alone.
    type In = { readonly op: 'write'; readonly value: number } | { readonly op: 'read' }
    const repliesOk: SequentialSpec<number, In, unknown> = {
      init: () => 0,
      step: (s, i, o) => (i.op === 'write' ? [o === 'ok', i.value] : [o === s, s]),
    }
    class Server extends BaseNode {
      value = 0
      reads = 0
      override onMessage(ctx: Context, src: string, m: { type: string; value: number }): void {
        if (m.type === 'write') {
          this.value = m.value
          ctx.setTimer(`ack:${src}`, 150)
        } else ctx.send(src, { value: ++this.reads === 7 ? 0 : this.value })
      }
      override onTimer(ctx: Context, name: string): void {
        ctx.send(name.slice(4), 'ack')
      }
    }
    class Writer extends BaseNode {
      op: PendingOperation | undefined
      override onStart(ctx: Context): void {
        this.op = ctx.history.invoke({ op: 'write', value: 1 })
        ctx.send('server', { type: 'write', value: 1 })
      }
      override onMessage(): void {
        this.op?.ok('ok')
      }
    }
    class Reader extends BaseNode {
      op: PendingOperation | undefined
      override onStart(ctx: Context): void {
        ctx.setTimer('read', 10)
      }
      override onTimer(ctx: Context): void {
        this.op = ctx.history.invoke({ op: 'read' })
        ctx.send('server', { type: 'read' })
      }
      override onMessage(ctx: Context, _src: string, m: { value: number }): void {
        this.op?.ok(m.value)
        ctx.setTimer('read', 30)
      }
    }
    const f = simulate(
      () => ({ server: new Server(), writer: new Writer(), reader: new Reader() }),
      {
        seeds: 1,
        maxTime: 300,
        snapshot: (nodes) => nodes.server.value,
        network: new NetworkModel({ minLatency: 1, maxLatency: 1 }),
        linearizable: repliesOk,
      },
    ).failure!
    // Before: cut at t=12, 'write(1) → ?; read() → 1 are refused'.
    const refused = f.linearizability!.violation!.unplaceable.map((u) => u.operation)
    expect(refused).toEqual([
      { client: 'reader', input: { op: 'read' }, call: 202, output: 0, return: 204 },
    ])
    expect(f.choices.until).toBe(204)
  })

  it('rejects a cut that is not a virtual time', () => {
    const options = { ...registerOptions, faults: backupCutOff, linearizable: zeroRegister }
    const choices = { faults: [], losses: [], duplicates: [], corruptions: [], until: -1 }
    expect(() => simulateSeed(registerNodes, options, 0, choices)).toThrow(
      'choices.until: -1 is not a virtual time (a number of milliseconds, 0 or more)',
    )
  })

  it('minimises away faults and nodes the history does not depend on', () => {
    const factory = () => ({ ...registerNodes(), a: new Chatter('b'), b: new Chatter('a') })
    const noise = [crash('a', { at: 20 }), ...backupCutOff, crash('b', { at: 30 })]
    const report = simulate(factory, {
      ...registerOptions,
      seeds: 40,
      faults: noise,
      linearizable: zeroRegister,
    })
    const f = report.failure!
    expect(f.name).toBe('linearizability')
    expect(f.focus).toEqual(['writer', 'reader'])
    // Only the partition (fault #1) is needed; the crashes of the chatter are not.
    expect(f.choices.faults).toEqual([1])
    expect(f.minimized.length).toBeLessThan(f.originalLength)
    expect(f.minimized.some((e) => e.node === 'a' || e.node === 'b')).toBe(false)
    const run = simulateSeed(
      factory,
      { ...registerOptions, faults: noise, linearizable: zeroRegister },
      f.seed,
      f.choices,
    )
    expect(run.linearizability?.result).toBe('not-linearizable')
    expect(run.history).toEqual(f.history)
  })

  it('records histories without checking them when linearizable is not given', () => {
    const report = simulate(registerNodes, { ...registerOptions, seeds: 5, faults: backupCutOff })
    expect(report.ok).toBe(true)
    expect(report.checked.linearizable).toBe(false)
    const run = simulateSeed(registerNodes, { ...registerOptions, faults: backupCutOff }, 0)
    expect(run.linearizability).toBeUndefined()
    expect(run.history.length).toBeGreaterThan(0)
    expect(checkLinearizability(run.history, zeroRegister).ok).toBe(false)
  })
})

type Step = (ctx: Context, node: Scripted) => void

/** A node that runs one scripted step per millisecond, each free to record operations. */
class Scripted extends BaseNode {
  ops: PendingOperation<number | undefined>[] = []
  readonly steps: readonly Step[]
  constructor(steps: readonly Step[]) {
    super()
    this.steps = steps
  }
  override onStart(ctx: Context): void {
    ctx.setTimer('0', 1)
  }
  override onTimer(ctx: Context, name: string): void {
    const i = Number(name)
    this.steps[i]!(ctx, this)
    if (i + 1 < this.steps.length) ctx.setTimer(String(i + 1), 1)
  }
}

function runScript(steps: readonly Step[], extra: Record<string, unknown> = {}) {
  return simulate(() => ({ c: new Scripted(steps) }), {
    seeds: 1,
    snapshot: () => ({}),
    linearizable: zeroRegister,
    ...extra,
  })
}

const write = (value: number): RegisterInput<number> => ({ op: 'write', value })
const read: RegisterInput<number> = { op: 'read' }

describe('ok, fail and info', () => {
  it('a failed write did not happen: reading its value is not linearizable', () => {
    const report = runScript([
      (ctx) => ctx.history.invoke(write(1)).fail(),
      (ctx) => ctx.history.invoke(read).ok(1),
    ])
    expect(report.failure?.name).toBe('linearizability')
    // The failed write is left out of the history, but the trace shows it.
    expect(report.failure!.history!.map((op) => op.input)).toEqual([read])
    expect(report.failure!.trace.filter((e) => e.kind === 'fail')).toHaveLength(1)
  })

  it('a write of unknown outcome may have happened: reading its value is linearizable', () => {
    const report = runScript([
      (ctx) => ctx.history.invoke(write(1)).info(),
      (ctx) => ctx.history.invoke(read).ok(1),
    ])
    expect(report.ok).toBe(true)
    const run = simulateSeed(
      () => ({
        c: new Scripted([
          (ctx) => ctx.history.invoke(write(1)).info(),
          (ctx) => ctx.history.invoke(read).ok(1),
        ]),
      }),
      { snapshot: () => ({}), linearizable: zeroRegister },
      0,
    )
    expect(run.history).toEqual([
      {
        client: 'c',
        input: write(1),
        call: 1,
        output: undefined,
        return: Number.POSITIVE_INFINITY,
      },
      { client: 'c', input: read, call: 2, output: 1, return: 2 },
    ])
    expect(run.trace.filter((e) => e.kind === 'info')).toMatchObject([
      { t: 1, node: 'c', name: 'c', detail: 'op #0' },
    ])
  })

  it('an operation still pending when the run ends is an unknown outcome', () => {
    const steps: Step[] = [
      (ctx, node) => node.ops.push(ctx.history.invoke(write(2), { client: 'w' })),
      (ctx) => ctx.history.invoke(read, { client: 'r' }).ok(2),
    ]
    const run = simulateSeed(
      () => ({ c: new Scripted(steps) }),
      { snapshot: () => ({}), linearizable: zeroRegister },
      0,
    )
    expect(run.ok).toBe(true)
    expect(run.history[0]).toMatchObject({ client: 'w', return: Number.POSITIVE_INFINITY })
    expect(run.linearizability?.result).toBe('linearizable')
  })

  it('orders operations by the run, not only by virtual time: a read right after a write returned must see it', () => {
    // Everything happens at t=1: the write returns, then the read is called and returns 0.
    const report = runScript([
      (ctx) => {
        ctx.history.invoke(write(1), { client: 'w' }).ok(undefined)
        ctx.history.invoke(read, { client: 'r' }).ok(0)
      },
    ])
    expect(report.failure?.name).toBe('linearizability')
    // In virtual time alone the two intervals touch, which the checker counts as overlapping.
    expect(checkLinearizability(report.failure!.history!, zeroRegister).ok).toBe(true)
  })

  it('is checked when the run ends at maxTime, and outranks a run that never settled', () => {
    const loop: Step[] = [
      (ctx) => ctx.history.invoke(write(1)).fail(),
      (ctx) => {
        ctx.history.invoke(read).ok(1)
        ctx.setTimer('1', 1_000) // a timer that keeps the run from settling
      },
    ]
    const atHorizon = runScript(loop, { maxTime: 50 })
    expect(atHorizon.failure?.name).toBe('linearizability')
    const runaway = runScript(loop, { maxSteps: 5 })
    expect(runaway.failure?.name).toBe('linearizability')
  })
})

describe('misuse and bad options', () => {
  it('completing an operation twice fails the run, naming the node and the operation', () => {
    const report = runScript([
      (ctx) => {
        const op = ctx.history.invoke(write(1))
        op.ok(undefined)
        try {
          op.info()
        } catch {
          // Catching the misuse does not hide it.
        }
      },
    ])
    expect(report.failure).toMatchObject({ kind: 'error', name: 'c' })
    expect(report.failure!.detail).toMatch(/op #0 .* was completed twice \(ok, then info\)/)
  })

  it('a second operation of a client still waiting for its first fails the run', () => {
    const report = runScript([
      (ctx) => {
        ctx.history.invoke(write(1))
        ctx.history.invoke(read)
      },
    ])
    expect(report.failure).toMatchObject({ kind: 'error', name: 'c' })
    expect(report.failure!.detail).toMatch(
      /client "c" invoked .* while its op #0 .* is still pending/,
    )
  })

  it('rejects a bad client and an unknown invoke option', () => {
    const bad = runScript([(ctx) => ctx.history.invoke(read, { client: '' })])
    expect(bad.failure!.detail).toMatch(/client must be a non-empty string or a finite number/)
    const typo = runScript([
      (ctx) => ctx.history.invoke(read, { clinet: 'x' } as { client?: string }),
    ])
    expect(typo.failure!.detail).toMatch(/unknown option 'clinet'.*did you mean 'client'\?/)
  })

  it('rejects a malformed linearizable option before any seed runs', () => {
    const run = (linearizable: unknown) => () =>
      simulate(registerNodes, { ...registerOptions, seeds: 1, linearizable } as never)
    expect(run(3)).toThrow(SimulationConfigError)
    expect(run({ init: () => 0 })).toThrow(/needs init\(\).*and step/)
    expect(run({ spec: zeroRegister, timeout: 5 })).toThrow(OptionsError)
    expect(run({ spec: zeroRegister, timeout: 5 })).toThrow(/did you mean 'timeoutMs'/)
    expect(run({ spec: zeroRegister, timeoutMs: 0 })).toThrow(/timeoutMs' must be a positive/)
    expect(run({ ...zeroRegister, partiton: () => [] })).toThrow(/did you mean 'partition'/)
    // Refused once, not as a failure of every run.
    expect(run({ ...zeroRegister, equal: 5 })).toThrow(SimulationConfigError)
    expect(run({ ...zeroRegister, equal: 5 })).toThrow(
      "simulate(): the 'linearizable' spec: the spec's equal is 5: it must be a function, or left out",
    )
    expect(run({ ...zeroRegister, hash: () => 0 })).toThrow(/the spec has hash but no equal/)
  })
})

describe('a check that gives no verdict', () => {
  it('is a failure of kind error, never a pass, and is not minimised', () => {
    const report = simulate(() => ({ w: new UnwrittenRead() }), {
      seeds: 1,
      snapshot: () => ({}),
      linearizable: { spec: slowZeroRegister, timeoutMs: 1 },
    })
    expect(report.failure).toMatchObject({
      kind: 'error',
      name: 'linearizability',
      minimizeRuns: 0,
    })
    expect(report.failure!.detail).toMatch(
      /^history linearizability unknown: the time budget of 1 ms/,
    )
    expect(report.failure!.linearizability?.result).toBe('unknown')
  })

  it('a spec that throws fails the run with kind error, naming the spec', () => {
    const throwing = {
      ...zeroRegister,
      step: () => {
        throw new Error('boom')
      },
    }
    const report = runScript([(ctx) => ctx.history.invoke(read).ok(0)], { linearizable: throwing })
    expect(report.failure).toMatchObject({ kind: 'error', name: 'linearizability' })
    expect(report.failure!.detail).toMatch(/^history linearizability unknown: .*step.*boom/)
  })
})
