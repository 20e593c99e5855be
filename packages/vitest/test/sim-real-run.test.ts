// Runs Vitest itself on a fixture project of simulation tests and reads what a user would see:
// the minimised trace as the diff, the replay command, and that running the command replays it.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { explore, formatSimTrace, historyDiagramToSvg, simulate } from '@musil/core'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  backupCutOff,
  registerNodes,
  registerOptions,
  zeroRegister,
} from '../../core/test/linearizability/stale-register.ts'
import { reportedFailure } from '../src/target.ts'
import { fireAndForget, lostUpdate } from './targets/route-push.ts'

const root = fileURLToPath(new URL('./fixtures/failing-sim/', import.meta.url))
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)
const TEST = 'route push converges (random seed unless MUSIL_SEED)'
const PATTERN = '^route push converges \\(random seed unless MUSIL_SEED\\)$'

interface Run {
  status: number | null
  output: string
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: 'true',
    ...extra,
  }
  for (const k of [
    'MUSIL_SEED',
    'MUSIL_SHARD',
    'FIXTURE_REPUSH',
    'VITEST',
    'VITEST_WORKER_ID',
    'VITEST_POOL_ID',
    'TEST',
  ]) {
    if (!(k in extra)) delete env[k]
  }
  return env
}

function vitest(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [vitestBin, 'run', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: 90_000,
  })
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` }
}

/** Runs a command line through the shell, exactly as pasted. */
function shell(command: string, env: Record<string, string> = {}): Run {
  const r = spawnSync('sh', ['-c', command], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: 90_000,
  })
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` }
}

/** The failure as the user reads it: from `FAIL` to the source frame, without timings. */
function failureBlock(output: string): string {
  const start = output.indexOf(' FAIL ')
  const end = output.indexOf(' ❯ ', start)
  return output.slice(start, end)
}

/** The replay commands the reporter lists at the end of the run. */
function replayCommands(output: string): string[] {
  return [...output.matchAll(/^ {4}(MUSIL_SEED=\d+ npx vitest run .*)$/gm)].map((m) => m[1]!)
}

function memory(): Record<string, number[]> {
  const path = join(root, '.musil/failing-seeds.json')
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as { seeds: Record<string, number[]> }).seeds
    : {}
}

// The lowest seed on which fire-and-forget misses its goal, found in process.
const failingSeed = (() => {
  for (let s = 0; ; s++) {
    if (
      !simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [s], minimize: false }).ok
    )
      return s
  }
})()
const passingSeed = (() => {
  for (let s = 0; ; s++) {
    if (
      simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [s], minimize: false }).ok
    )
      return s
  }
})()

beforeEach(() => {
  rmSync(join(root, '.musil'), { recursive: true, force: true })
})

describe('a linearizability failure in a real Vitest run', () => {
  it("the HTML report draws the failing run's history as inline SVG, described by the spec", () => {
    const r = vitest(['linearizable.fixture.ts'])
    expect(r.status).toBe(1)
    expect(r.output).toContain('history not linearizable')
    const html = readFileSync(join(root, '.musil/report.html'), 'utf8')
    const svg = html.slice(html.indexOf('<div class="history"><svg'), html.indexOf('</svg></div>'))
    expect(svg).toContain('class="musil-history"')
    // A row per client, a bar per operation of the history, the refused read marked.
    expect([...svg.matchAll(/<text x="12" y="[\d.]+">(\w+)<\/text>/g)].map((m) => m[1])).toEqual([
      'reader',
      'writer',
    ])
    // The same picture as the seed's run draws here: the spec crossed to the report.
    const run = simulate(registerNodes, {
      ...registerOptions,
      faults: backupCutOff,
      linearizable: zeroRegister,
      seeds: [0],
    })
    const diagram = reportedFailure(run.failure!, zeroRegister).historyDiagram!
    expect(html).toContain(`<div class="history">${historyDiagramToSvg(diagram)}</div>`)
    const ops = diagram.operations
    expect(svg.match(/<g class="op /g)).toHaveLength(ops.length)
    expect(svg.match(/<g class="op unplaceable"/g)).toHaveLength(1)
    expect(svg.match(/<g class="op prefix[ "]/g)).toHaveLength(diagram.violation!.prefix)
    expect(svg).toContain('read() → 1\ncannot come next: refused in state 3</title>')
    expect(svg).toContain(
      'write(1)\nlinearized 2nd in the longest linearizable prefix: state 0 → 1',
    )
  }, 120_000)
})

describe('a failing simulation in a real Vitest run', () => {
  it('shows the minimised trace as the diff, prints a replay command, and the command replays it', () => {
    const first = vitest(['sim.fixture.ts', '-t', PATTERN], { MUSIL_SEED: String(failingSeed) })
    expect(first.status).toBe(1)
    const expected = simulate(fireAndForget.factory, {
      ...fireAndForget.options,
      seeds: [failingSeed],
    })
    const block = failureBlock(first.output)
    expect(block).toContain('Error: expect(report).toConverge()')
    expect(block).toContain(
      `goal failure on seed ${failingSeed}: goal 'applied==desired' not reached`,
    )
    expect(block).toContain('- every seed reaches its goal')
    // One `+` line per event of the minimised trace, in order.
    const plus = block.split('\n').filter((l) => l.startsWith('+ ') && !l.startsWith('+ Received'))
    expect(plus.map((l) => l.slice(2)).join('\n')).toBe(formatSimTrace(expected.failure!.minimized))
    expect(plus.join('\n')).toContain('drop   cp -> agent  1  (msg #0 lost in transit)')
    const command = `MUSIL_SEED=${failingSeed} npx vitest run sim.fixture.ts -t '${PATTERN}'`
    expect(block).toContain(`replay: ${command}`)
    expect(first.output).toContain(`❯ musil:replay`)
    expect(replayCommands(first.output)).toEqual([command])

    // The HTML report shows the minimised trace and its sequence diagram.
    const html = readFileSync(join(root, '.musil/report.html'), 'utf8')
    expect(html).toContain('<pre class="trace">t=0  start  cp\n')
    expect(html).toContain('<pre class="mermaid">sequenceDiagram\n  participant p0 as cp')

    // Paste the command into a shell: the same failure, line for line.
    const again = shell(command)
    expect(again.status).toBe(1)
    expect(failureBlock(again.output)).toBe(block)
  }, 120_000)

  it('does the same for async code under explore: the timeline is the diff', async () => {
    const report = await explore(lostUpdate.scenario, { seeds: 100 })
    const seed = report.failure!.seed
    const r = vitest(['sim.fixture.ts', '-t', 'never loses'], { MUSIL_SEED: String(seed) })
    expect(r.status).toBe(1)
    const block = failureBlock(r.output)
    expect(block).toContain('Error: expect(report).toBeSafe()')
    expect(block).toContain(`error failure on seed ${seed}: `)
    expect(block).toContain('lost update: value is 1, expected 2')
    expect(block).toContain('- every seed keeps every invariant, with no error and no deadlock')
    const plus = block.split('\n').filter((l) => l.startsWith('+ ') && !l.startsWith('+ Received'))
    expect(plus.map((l) => l.slice(2)).join('\n')).toBe(formatSimTrace(report.failure!.timeline))
    const command = `MUSIL_SEED=${seed} npx vitest run sim.fixture.ts -t '^async counter never loses an update$'`
    expect(replayCommands(r.output)).toEqual([command])
    const again = shell(command)
    expect(failureBlock(again.output)).toBe(block)
  }, 120_000)

  it('takes the seed from `-- --seed=N` and from an explicit --sequence.seed', () => {
    const viaTail = vitest(['sim.fixture.ts', '-t', PATTERN, '--', `--seed=${failingSeed}`])
    expect(viaTail.status).toBe(1)
    expect(viaTail.output).toContain(
      `seed ${failingSeed} (--seed); replay: MUSIL_SEED=${failingSeed}`,
    )
    const viaSequence = vitest(['sim.fixture.ts', '-t', PATTERN, `--sequence.seed=${failingSeed}`])
    expect(viaSequence.status).toBe(1)
    expect(viaSequence.output).toContain(`seed ${failingSeed} (--sequence.seed)`)
    expect(failureBlock(viaSequence.output)).toBe(failureBlock(viaTail.output))
    const passing = vitest(['sim.fixture.ts', '-t', PATTERN, '--', `--seed=${passingSeed}`])
    expect(passing.status).toBe(0)
  }, 120_000)

  it('lists a failing modelTest with the command that reruns it', () => {
    const r = vitest(['model.fixture.ts'])
    expect(r.status).toBe(1)
    expect(r.output).toContain('invariant belowThree violated after 3 steps')
    expect(r.output).toContain('[musil] 1 failing musil test(s); replay with:')
    expect(r.output).toContain("    npx vitest run model.fixture.ts -t '^climb stays below three$'")
    // The report steps through the counterexample: its steps are in the page, as text and data.
    const reportPath = join(root, '.musil/report.html')
    expect(r.output).toContain(
      `[musil] wrote .musil/report.html: ${pathToFileURL(reportPath).href}`,
    )
    const html = readFileSync(reportPath, 'utf8')
    expect(html).toContain(
      '<h3>counterexample of climb: invariant belowThree violated</h3>\n<pre class="counterexample">0  init  {n: 0}\n1  step  n: 0 → 1\n2  step  n: 1 → 2\n3  step  n: 2 → 3</pre>',
    )
    const data = JSON.parse(
      /<script type="application\/json" id="musil-data">(.*?)<\/script>/s.exec(html)![1]!,
    )
    expect(data.entries[0].counterexample.steps.at(-1)).toEqual({
      label: 'step',
      state: '{n: 3}',
      changes: ['n: 2 → 3'],
      invariants: [{ name: 'belowThree', holds: false }],
    })
    const again = shell("npx vitest run model.fixture.ts -t '^climb stays below three$'")
    expect(failureBlock(again.output)).toBe(failureBlock(r.output))
  }, 60_000)

  it('rejects a malformed MUSIL_SEED before running anything, naming the variable', () => {
    const r = vitest(['sim.fixture.ts'], { MUSIL_SEED: 'seventeen' })
    expect(r.status).toBe(1)
    expect(r.output).toContain(
      "SeedConfigError: MUSIL_SEED: 'seventeen' is not a seed; seeds are non-negative integers",
    )
  }, 60_000)

  it('remembers a failing seed, runs it first next time, and forgets it once it passes', () => {
    const key = `sim.fixture.ts > ${TEST}`
    const first = vitest(['sim.fixture.ts', '-t', PATTERN], { MUSIL_SEED: String(failingSeed) })
    expect(first.status).toBe(1)
    expect(memory()[key]).toEqual([failingSeed])
    // No seed given: the remembered one runs instead of a random one.
    const second = vitest(['sim.fixture.ts', '-t', PATTERN])
    expect(second.status).toBe(1)
    expect(second.output).toContain(
      `seed ${failingSeed} (memory); replay: MUSIL_SEED=${failingSeed}`,
    )
    expect(memory()[key]).toEqual([failingSeed])
    // The fix passes on the remembered seed, which is then forgotten.
    const fixed = vitest(['sim.fixture.ts', '-t', PATTERN], { FIXTURE_REPUSH: '1' })
    expect(fixed.status).toBe(0)
    expect(memory()[key]).toBeUndefined()
  }, 180_000)

  it('names `.each` seeds in the test names and runs them whatever MUSIL_SEED says', () => {
    const r = vitest(['sim.fixture.ts', '-t', 'fixed seed'], {
      MUSIL_SEED: String(failingSeed),
      FIXTURE_REPUSH: '1',
    })
    expect(r.status).toBe(0)
    expect(r.output).toContain('Tests  2 passed')
  }, 60_000)

  it('lists a failing `.each` test with its seed once: the name already holds it', () => {
    const r = vitest(['each.fixture.ts'])
    expect(r.status).toBe(1)
    const list = r.output.slice(r.output.indexOf('[musil] 2 failing musil test(s)'))
    expect(list.split('\n').slice(0, 5)).toEqual([
      '[musil] 2 failing musil test(s); replay with:',
      '  each.fixture.ts > route push > converges (seed 6)',
      "    MUSIL_SEED=6 npx vitest run each.fixture.ts -t '^route push converges \\(seed 6\\)$'",
      '  each.fixture.ts > route push > converges on seed 12',
      "    MUSIL_SEED=12 npx vitest run each.fixture.ts -t '^route push converges on seed 12$'",
    ])
  }, 60_000)

  it('splits a sweep across machines with MUSIL_SHARD: 1/2 and 2/2 run exactly the unsharded seeds', () => {
    const key = 'sweep.fixture.ts > fire-and-forget over 60 seeds'
    const runs = (output: string): number => Number(/: (\d+) of 60 seeds run/.exec(output)?.[1])
    const all = vitest(['sweep.fixture.ts'])
    const allFailing = memory()[key]!
    const first = vitest(['sweep.fixture.ts'], { MUSIL_SHARD: '1/2' })
    const firstFailing = memory()[key]!
    const second = vitest(['sweep.fixture.ts'], { MUSIL_SHARD: '2/2' })
    const secondFailing = memory()[key]!
    expect(first.output).toContain('30 of 60 seeds run (MUSIL_SHARD=1/2) on 2 thread(s)')
    expect(second.output).toContain('30 of 60 seeds run (MUSIL_SHARD=2/2) on 2 thread(s)')
    expect(runs(first.output) + runs(second.output)).toBe(runs(all.output))
    expect(firstFailing.every((s) => s % 2 === 0) && secondFailing.every((s) => s % 2 === 1)).toBe(
      true,
    )
    expect([...firstFailing, ...secondFailing].sort((a, b) => a - b)).toEqual(allFailing)
    const bad = vitest(['sweep.fixture.ts'], { MUSIL_SHARD: '3/2' })
    expect(bad.status).toBe(1)
    expect(bad.output).toContain("MUSIL_SHARD: '3/2' is out of range")
  }, 180_000)

  it('fails a sweep with its lowest failing seed, lists every failing seed, and writes the HTML report', () => {
    const r = vitest(['sweep.fixture.ts'])
    expect(r.status).toBe(1)
    const failing: number[] = []
    for (let s = 0; s < 60; s++) {
      if (
        !simulate(fireAndForget.factory, { ...fireAndForget.options, seeds: [s], minimize: false })
          .ok
      )
        failing.push(s)
    }
    const command = `MUSIL_SEED=${failing[0]} npx vitest run sweep.fixture.ts -t '^fire-and-forget over 60 seeds$'`
    expect(r.output).toContain(
      `[musil] fire-and-forget over 60 seeds: goal failure on seed ${failing[0]}: goal 'applied==desired' not reached`,
    )
    expect(replayCommands(r.output)).toEqual([command])
    expect(r.output).toContain(
      `failing seeds (${failing.length}): ${failing.slice(0, 20).join(', ')}`,
    )
    expect(memory()['sweep.fixture.ts > fire-and-forget over 60 seeds']).toEqual(failing)
    const html = readFileSync(join(root, '.musil/report.html'), 'utf8')
    expect(html).toContain('<h2>sweep.fixture.ts &gt; fire-and-forget over 60 seeds</h2>')
    expect(html).toContain(
      `<code class="cmd">MUSIL_SEED=${failing[0]} npx vitest run sweep.fixture.ts -t &#39;^fire-and-forget over 60 seeds$&#39;</code>`,
    )
    expect(html).toContain('<pre class="mermaid">sequenceDiagram')
    expect(html).toContain('drop   cp -&gt; agent  1  (msg #0 lost in transit)')
    // The replay runs that one seed and fails the same way (without the other seeds to list).
    const again = shell(command)
    expect(again.status).toBe(1)
    const withoutList = failureBlock(r.output).replace(/\nfailing seeds \(\d+\): .*/, '')
    expect(failureBlock(again.output)).toBe(withoutList)
    // Replaying one seed leaves the sweep's remembered seeds alone.
    expect(memory()['sweep.fixture.ts > fire-and-forget over 60 seeds']).toEqual(failing)
    // The fixed target passes the whole sweep, and the memory forgets the sweep's seeds.
    const fixed = vitest(['sweep.fixture.ts'], { FIXTURE_REPUSH: '1' })
    expect(fixed.status).toBe(0)
    expect(memory()['sweep.fixture.ts > fire-and-forget over 60 seeds']).toBeUndefined()
  }, 180_000)
})
