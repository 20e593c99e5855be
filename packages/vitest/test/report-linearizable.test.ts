// expect(report).toBeLinearizable(spec?) on simulation reports: simulate, explore, replay, sweeps.
import {
  BaseNode,
  type Context,
  explore,
  formatSimTrace,
  historyDiagramToSvg,
  registerSpec,
  replay,
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
} from '../../core/test/linearizability/stale-register.ts'
import { registerScenario } from '../../core/test/linearizability/stale-register-async.ts'
import { renderHtmlReport } from '../src/html-report.ts'
import { NothingCheckedError, simTest } from '../src/index.ts'
import { matcherFor } from '../src/matchers/simulation-matchers.ts'
import { digestInWorker, sweep } from '../src/sweep/sweep.ts'
import { checkedSpecOf, reportedFailure } from '../src/target.ts'
import { failureOf } from './helpers.ts'

const stale = { ...registerOptions, faults: backupCutOff }
const checkedStale = simulate(registerNodes, { ...stale, seeds: 40, linearizable: zeroRegister })
const checkedHealthy = simulate(registerNodes, {
  ...registerOptions,
  seeds: 40,
  linearizable: zeroRegister,
})
const uncheckedStale = simulate(registerNodes, { ...stale, seeds: 40 })
const uncheckedHealthy = simulate(registerNodes, { ...registerOptions, seeds: 40 })

/** The register spec again, as another object: a spec the reports above did not check. */
const sameRegister: typeof zeroRegister = { ...zeroRegister }

describe('expect(report).toBeLinearizable() on simulate reports', () => {
  it('passes when every run checked its history and none failed', () => {
    expect(checkedHealthy).toBeLinearizable()
    expect(checkedHealthy).toBeLinearizable(zeroRegister)
    expect(failureOf(() => expect(checkedHealthy).not.toBeLinearizable()).message).toMatch(
      /expected a failing seed, but all 40 seed\(s\) passed \(every seed's history is linearizable\)/,
    )
  })

  it('fails on a stale read with the per-client timeline of the history, and the minimised trace as the diff', () => {
    const f = checkedStale.failure!
    const failed = failureOf(() => expect(checkedStale).toBeLinearizable())
    expect(failed.message).toContain(`safety failure on seed ${f.seed}: history not linearizable`)
    expect(failed.message).toMatch(/history of the failing run \(\d+ operations, virtual ms\):/)
    // One line per client, and the operation that cannot be placed marked and described.
    expect(failed.message).toMatch(/\nwriter +[ [\]=!\-0-9…]+\n/)
    expect(failed.message).toMatch(/\nreader +[ [\]=!\-0-9…]+\n/)
    const refused = f.linearizability!.violation!.unplaceable[0]!
    expect(failed.message).toContain(`[${refused.index}!`)
    expect(failed.message).toContain('read() → 1')
    expect(failed.message).toContain(`replay: run seed ${f.seed} alone`)
    expect(failed.actual).toBe(formatSimTrace(f.minimized))
    expect(failed.expected).toBe("every seed's history is linearizable")
    expect(checkedStale).not.toBeLinearizable()
    expect(checkedStale).not.toBeLinearizable(zeroRegister)
  })

  it('with a spec the report did not check, runs the seeds again against it', () => {
    expect(uncheckedStale).not.toBeLinearizable(zeroRegister)
    expect(uncheckedHealthy).toBeLinearizable(zeroRegister)
    // A report that checked another spec object is run again against the one given.
    expect(checkedHealthy).toBeLinearizable(sameRegister)
    const failed = failureOf(() => expect(uncheckedStale).toBeLinearizable(zeroRegister))
    expect(failed.message).toMatch(/history not linearizable/)
    expect(failed.message).toContain('read() → 1')
  })

  it('without a spec, a report whose runs checked no history throws NothingCheckedError, under .not too', () => {
    for (const assert of [
      () => expect(uncheckedStale).toBeLinearizable(),
      () => expect(uncheckedStale).not.toBeLinearizable(),
    ]) {
      expect(assert).toThrow(NothingCheckedError)
      expect(assert).toThrow(/the runs checked no history for linearizability, so its 40 run\(s\)/)
    }
  })

  it('a report that stopped at a failure of another kind says nothing either way', () => {
    class Breaker extends BaseNode {
      broken = false
      override onStart(ctx: Context): void {
        ctx.setTimer('break', 1)
      }
      override onTimer(): void {
        this.broken = true
      }
    }
    const report = simulate(() => ({ b: new Breaker() }), {
      seeds: 3,
      snapshot: (n) => ({ broken: n.b.broken }),
      invariants: { intact: (w) => !w.broken },
      linearizable: zeroRegister,
    })
    expect(failureOf(() => expect(report).toBeLinearizable()).message).toMatch(
      /the seeds after it never ran, so the report says nothing about linearizability either way/,
    )
    expect(() => expect(report).not.toBeLinearizable()).toThrow(
      /says nothing about linearizability/,
    )
  })

  it('a check that gave no verdict fails the matcher and its .not alike', () => {
    const report = simulate(() => ({ w: new UnwrittenRead() }), {
      seeds: 1,
      snapshot: () => ({}),
      linearizable: { spec: slowZeroRegister, timeoutMs: 1 },
    })
    expect(report.failure?.detail).toMatch(/^history linearizability unknown: /)
    expect(failureOf(() => expect(report).toBeLinearizable()).message).toMatch(
      /error failure on seed 0: history linearizability unknown: the time budget of 1 ms/,
    )
    expect(failureOf(() => expect(report).not.toBeLinearizable()).message).toMatch(
      /no run's history was found not linearizable: history linearizability unknown/,
    )
  })

  it('rejects arguments that are not a spec', () => {
    expect(() => expect(checkedStale).toBeLinearizable(3 as never)).toThrow(
      /give at most a sequential spec/,
    )
    expect(() => expect(42).toBeLinearizable(zeroRegister)).toThrow(TypeError)
  })

  it('counts a checked history as something toBeSafe checked', () => {
    expect(checkedHealthy).toBeSafe()
    expect(checkedStale).not.toBeSafe()
  })

  it('the HTML report shows the history of a linearizability failure, escaped', () => {
    const shown = reportedFailure(checkedStale.failure!)
    expect(shown.history).toMatch(
      /^history of the failing run \(9 operations, virtual ms\):\nclient /,
    )
    const html = renderHtmlReport([{ test: 'register.test.ts > stale', seed: 0, failure: shown }])
    expect(html).toContain('<h3>history</h3>')
    expect(html).toContain('cannot come next: refused in state 3')
    expect(
      reportedFailure({ kind: 'error', seed: 0, detail: 'boom', trace: [] }).history,
    ).toBeUndefined()
  })

  it('the report carries the history as a diagram, and the HTML report draws it as inline SVG', () => {
    const f = checkedStale.failure!
    const shown = reportedFailure(f, checkedSpecOf(checkedStale))
    const diagram = shown.historyDiagram!
    // The same operations as the text, described by the spec the runs checked.
    expect(diagram.operations.map((op) => `${op.index}`)).toEqual(
      [...shown.history!.matchAll(/^(\d+) +(?:reader|writer) /gm)].map((m) => m[1]),
    )
    const refused = f.linearizability!.violation!.unplaceable[0]!
    const op = diagram.operations.find((o) => o.index === refused.index)!
    expect(op).toEqual({
      index: refused.index,
      client: refused.operation.client,
      call: refused.operation.call,
      return: refused.operation.return,
      description: 'read() → 1',
      status: { kind: 'unplaceable', state: '3' },
    })
    const prefix = diagram.operations.filter((o) => o.status.kind === 'prefix')
    expect(prefix.length).toBe(diagram.violation!.prefix)
    expect(prefix.every((o) => 'before' in o.status && 'after' in o.status)).toBe(true)
    // Plain JSON: it crosses from the test worker to the reporter unchanged.
    expect(JSON.parse(JSON.stringify(shown))).toEqual(shown)

    const entry = { test: 'register.test.ts > stale', seed: f.seed, failure: shown }
    const html = renderHtmlReport([entry], undefined, historyDiagramToSvg)
    expect(html).toContain(
      `<h3>history</h3>\n<div class="history">${historyDiagramToSvg(diagram)}</div>`,
    )
    expect(html).toContain(`<g class="op unplaceable" data-index="${refused.index}"><title>`)
    expect(html).toContain('cannot come next: refused in state 3</title>')
    // The text stays, folded away under the picture.
    expect(html).toContain('<details><summary>as text</summary>\n<pre class="history">history of')
    // Without a drawer (a reporter that could not load one) the text alone, as before.
    const textOnly = renderHtmlReport([entry])
    expect(textOnly).not.toContain('<svg')
    expect(textOnly).toContain('<h3>history</h3>\n<pre class="history">history of')
  })

  it('a sweep asserts a linearizability failure with toBeLinearizable', () => {
    expect(matcherFor(checkedStale.failure!)).toBe('toBeLinearizable')
    expect(matcherFor({ kind: 'safety', detail: "invariant 'x' violated" })).toBe('toBeSafe')
  })
})

describe('expect(report).toBeLinearizable() on explore and replay reports', () => {
  const scenario = registerScenario({ partition: true })

  it('reads the verdict of the runs, and fails with the history of the failing one', async () => {
    const report = await explore(scenario, { seeds: 40, linearizable: zeroRegister })
    expect(report).not.toBeLinearizable()
    const failed = failureOf(() => expect(report).toBeLinearizable(zeroRegister))
    expect(failed.message).toMatch(/history of the failing run/)
    expect(failed.message).toMatch(/\nreader +/)
    const again = await replay(scenario, { seed: report.failure!.seed, linearizable: zeroRegister })
    expect(again).not.toBeLinearizable()
    const clean = await explore(registerScenario({ partition: false }), {
      seeds: 20,
      linearizable: zeroRegister,
    })
    expect(clean).toBeLinearizable()
  })

  it('cannot run an explore report again: unchecked is NothingCheckedError, another spec a TypeError', async () => {
    const unchecked = await explore(scenario, { seeds: 5 })
    expect(() => expect(unchecked).toBeLinearizable(zeroRegister)).toThrow(NothingCheckedError)
    expect(() => expect(unchecked).toBeLinearizable(zeroRegister)).toThrow(
      /cannot be run again \(it is not from simulate\(\) in this thread\); pass linearizable: spec to explore\(\)/,
    )
    const checked = await explore(registerScenario({ partition: false }), {
      seeds: 5,
      linearizable: zeroRegister,
    })
    expect(() => expect(checked).toBeLinearizable(sameRegister)).toThrow(
      /checked their histories against another spec/,
    )
    // A shipped spec made the same way is the same spec: the report's own verdict stands.
    expect(checked).toBeLinearizable(registerSpec<number>({ initial: 0 }))
    expect(() => expect(checked).toBeLinearizable(registerSpec<number>())).toThrow(
      /checked their histories against another spec/,
    )
  })
})

describe('sweeps of targets that check their histories', () => {
  const module = new URL('./targets/stale-register.ts', import.meta.url)
  const conditions = ['@musil/source']

  it('carry the spec into worker threads: the same failing seeds, the history, and the digests', async () => {
    const report = await sweep({ module, export: 'staleNodes', seeds: 40, threads: 2, conditions })
    expect(report.checked.linearizable).toBe(true)
    const inProcess = []
    for (let seed = 0; seed < 40; seed++) {
      const run = simulateSeed(registerNodes, { ...stale, linearizable: zeroRegister }, seed)
      if (!run.ok) inProcess.push(seed)
    }
    expect(report.failingSeeds.map((s) => s.seed)).toEqual(inProcess)
    expect(report.failingSeeds.every((s) => s.detail.startsWith('history not linearizable'))).toBe(
      true,
    )
    expect(report).not.toBeLinearizable()
    const failed = failureOf(() => expect(report).toBeLinearizable())
    expect(failed.message).toMatch(/history of the failing run/)
    expect(report.reported?.history).toMatch(/^history of the failing run/)
    // The worker knows the target's spec: the diagram describes operations as the spec does.
    const refused = report.reported!.historyDiagram!.operations.find(
      (op) => op.status.kind === 'unplaceable',
    )
    expect(refused?.description).toMatch(/^read\(\) → \d+$/)
    const seed = inProcess[0]!
    const inWorker = await digestInWorker(module, 'staleNodes', seed, conditions)
    const here = traceDigest(
      simulateSeed(registerNodes, { ...stale, linearizable: zeroRegister }, seed).trace,
    )
    expect(inWorker).toBe(here)
    const healthy = await sweep({
      module,
      export: 'healthyNodes',
      seeds: 20,
      threads: 2,
      conditions,
    })
    expect(healthy).toBeLinearizable()
  }, 120_000)

  it('carry it for scenarios too', async () => {
    const report = await sweep({
      module,
      export: 'staleScenario',
      seeds: 30,
      threads: 2,
      conditions,
    })
    expect(report.checked.linearizable).toBe(true)
    expect(report.failingSeeds.length).toBeGreaterThan(0)
    expect(report).not.toBeLinearizable()
    const seed = report.failingSeeds[0]!.seed
    const here = await replay(registerScenario({ partition: true }), {
      seed,
      linearizable: zeroRegister,
    })
    expect(await digestInWorker(module, 'staleScenario', seed, conditions)).toBe(here.digest)
  }, 120_000)
})

describe('simTest fixtures take linearizable', () => {
  simTest.each([0, 1])(
    'simulate and explore check the history of the test seed (%i)',
    async ({ seed, simulate: sim, explore: exp }) => {
      const nodes = sim(registerNodes, { ...stale, linearizable: zeroRegister })
      expect(nodes.checked.linearizable).toBe(true)
      const alone = simulate(registerNodes, { ...stale, seeds: [seed], linearizable: zeroRegister })
      expect(nodes.failure?.detail).toBe(alone.failure?.detail)
      const world = await exp(registerScenario({ partition: false }), {
        linearizable: zeroRegister,
      })
      expect(world).toBeLinearizable()
    },
  )
})
