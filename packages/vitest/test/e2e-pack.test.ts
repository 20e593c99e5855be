// End to end: build and `npm pack` @musil/core and @musil/vitest, and install the tarballs into
// fresh projects outside the repository. One is made by `npm init -y` (left CommonJS) and follows
// docs/guide/getting-started.md step by step, with the guide's own commands, files and outputs.
// The other is an ES module project that checks the plugin's seed flags and the bin: a failing
// simTest with its replay command, and a sweep over worker threads that load the project's
// TypeScript through tsx. Slow and needs the npm registry (or its cache), so it runs only with
// MUSIL_E2E=1 (`npm run test:e2e`).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { guideSteps, installedPackages, missingLines } from './guide-steps.ts'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const enabled = process.env.MUSIL_E2E === '1'
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
let work = ''
let packs = ''

/** This process's environment without what would make a child think it runs under Vitest. */
function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: 'true',
    ...env,
  }
  for (const k of [
    'VITEST',
    'VITEST_WORKER_ID',
    'VITEST_POOL_ID',
    'TEST',
    'MUSIL_SEED',
    'MUSIL_SHARD',
    'NODE_OPTIONS',
  ]) {
    if (!(k in env)) delete clean[k]
  }
  return clean
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = cleanEnv(env)
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: clean, timeout: 240_000 })
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` }
}

const TARGET = `import { BaseNode, type Context, NetworkModel } from '@musil/core'
import { defineSimulation } from '@musil/vitest/target'

class Pusher extends BaseNode {
  desired = 1
  acked = false
  constructor(readonly repush: boolean) { super() }
  override onStart(ctx: Context): void {
    ctx.send('agent', this.desired)
    if (this.repush) ctx.setTimer('push', 2)
  }
  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    if (payload === 'ack') this.acked = true
  }
  override onTimer(ctx: Context): void {
    if (!this.acked) { ctx.send('agent', this.desired); ctx.setTimer('push', 2) }
  }
}
class Agent extends BaseNode {
  applied = 0
  override onMessage(ctx: Context, src: string, payload: unknown): void {
    this.applied = Math.max(this.applied, payload as number)
    ctx.send(src, 'ack')
  }
}
const push = (repush: boolean) =>
  defineSimulation(() => ({ cp: new Pusher(repush), agent: new Agent() }), {
    snapshot: (n) => ({ desired: n.cp.desired, applied: n.agent.applied }),
    network: new NetworkModel({ loss: 0.3, minLatency: 1, maxLatency: 3 }),
    goal: (w) => w.applied === w.desired,
    goalName: 'applied==desired',
  })
export const fireAndForget = push(false)
export const repush = push(true)
`

const TEST = `import { expect } from 'vitest'
import { simTest } from '@musil/vitest'
import { fireAndForget, repush } from './route.ts'

simTest('fire-and-forget converges', ({ simulate }) => {
  expect(simulate(fireAndForget.factory, fireAndForget.options)).toConverge()
})

simTest.sweep('re-push converges on 400 seeds', {
  module: new URL('./route.ts', import.meta.url),
  export: 'repush',
  seeds: 400,
  threads: 2,
})

simTest.sweep('fire-and-forget on 200 seeds', {
  module: new URL('./route.ts', import.meta.url),
  export: 'fireAndForget',
  seeds: 200,
  threads: 2,
})
`

/** The Die Hard model as a module of a test project, in TypeScript or (untyped) JavaScript. */
const dieHardModule = (typed: boolean) => `import { action, defineModel } from '@musil/core'
${typed ? 'type Jugs = { small: number; big: number }\n' : ''}const pour = (from${typed ? ': number' : ''}, room${typed ? ': number' : ''}) => Math.min(from, room)
export const dieHard = () => defineModel${typed ? '<Jugs>' : ''}({
  init: { small: 0, big: 0 },
  actions: [
    action('FillSmall', (s) => s.small < 3, (s) => ({ ...s, small: 3 })),
    action('FillBig', (s) => s.big < 5, (s) => ({ ...s, big: 5 })),
    action('EmptySmall', (s) => s.small > 0, (s) => ({ ...s, small: 0 })),
    action('EmptyBig', (s) => s.big > 0, (s) => ({ ...s, big: 0 })),
    action('SmallToBig', (s) => s.small > 0, (s) => { const p = pour(s.small, 5 - s.big); return { small: s.small - p, big: s.big + p } }),
    action('BigToSmall', (s) => s.big > 0, (s) => { const p = pour(s.big, 3 - s.small); return { small: s.small + p, big: s.big - p } }),
  ],
  invariants: { bigNotFour: (s) => s.big !== 4 },
})
`

/** Versions the projects install next to the tarballs: the repository's own. */
const rootPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>
}

/** The tarball of `@musil/<name>` in `packs`. */
function tarball(name: 'core' | 'vitest'): string {
  const file = readdirSync(packs).find((t) => t.startsWith(`musil-${name}-`))
  expect(file, `no @musil/${name} tarball in ${packs}`).toBeDefined()
  return join(packs, file!)
}

describe.runIf(enabled)('installed from npm pack tarballs', () => {
  beforeAll(() => {
    const build = run(npm, ['run', 'build'], repo)
    expect(build.status, build.output).toBe(0)
    work = mkdtempSync(join(tmpdir(), 'musil-e2e-'))
    packs = join(work, 'tarballs')
    mkdirSync(packs)
    for (const pkg of ['core', 'vitest']) {
      execFileSync(npm, ['pack', '--pack-destination', packs], {
        cwd: join(repo, 'packages', pkg),
        stdio: 'pipe',
      })
    }
  }, 300_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('follows the getting-started guide in a project made by npm init -y, left CommonJS', () => {
    const steps = guideSteps(
      readFileSync(join(repo, 'docs', 'guide', 'getting-started.md'), 'utf8'),
    )
    let project = ''
    let last: { command: string; output: string } | undefined
    let testRun = ''
    let replay = ''
    for (const step of steps) {
      if (step.kind === 'file') {
        writeFileSync(join(project, step.name), step.text)
        continue
      }
      if (step.kind === 'output') {
        expect(last, 'an output block before any command').toBeDefined()
        const missing = missingLines(step.lines, last!.output)
        expect(missing, `${last!.command} did not print these lines:\n${last!.output}`).toEqual([])
        continue
      }
      const { command, action } = step
      switch (action) {
        case 'node-version': {
          const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
          expect(major > 20 || (major === 20 && minor >= 11), process.version).toBe(true)
          break
        }
        case 'create-project':
          project = join(work, command.split(' ')[1]!)
          mkdirSync(project)
          break
        case 'npm-init': {
          const init = run(npm, ['init', '-y'], project)
          expect(init.status, init.output).toBe(0)
          // npm 11 writes "type": "commonjs"; older npm leaves it out, which means the same.
          const type = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).type
          expect([undefined, 'commonjs']).toContain(type)
          break
        }
        case 'set-type-module':
          // Recommended by the guide and skipped here: the project stays CommonJS, the harder case.
          break
        case 'install': {
          // The guide's packages, with musil's from the tarballs and the others at the versions
          // this repository tests with.
          const names = installedPackages(command)
          for (const n of names) {
            expect(['@musil/core', '@musil/vitest', 'vitest', 'tsx', 'typescript']).toContain(n)
          }
          const specs = names.map((n) =>
            n === '@musil/core'
              ? tarball('core')
              : n === '@musil/vitest'
                ? tarball('vitest')
                : `${n}@${rootPackage.devDependencies[n]}`,
          )
          const install = run(
            npm,
            ['install', '--save-dev', '--no-audit', '--no-fund', '--prefer-offline', ...specs],
            project,
          )
          expect(install.status, install.output).toBe(0)
          break
        }
        case 'shell':
        case 'test-run':
        case 'replay': {
          if (action === 'replay') {
            // The replay command is the one the test run printed, character for character.
            expect(testRun, 'the guide replays a seed before running the tests').not.toBe('')
            expect(testRun.split('\n').map((l) => l.trim())).toContain(command)
          }
          const r = run('sh', ['-c', command], project)
          // The guide's story: one sweep fails, in the test run and in its replay.
          expect(r.status, `${command}\n${r.output}`).toBe(action === 'shell' ? 0 : 1)
          if (action === 'test-run') testRun = r.output
          if (action === 'replay') replay = r.output
          last = { command, output: r.output }
          break
        }
      }
    }
    // The sweeps ran on two threads in CommonJS, and the replay reproduced the same failure: the
    // same seed, the same detail, the same minimised trace.
    expect(testRun).toMatch(/seeds run on 2 thread\(s\)/)
    const failure = (out: string) => /^goal failure on seed \d+: .*$/m.exec(out)?.[0]
    const trace = (out: string) => out.split('\n').filter((l) => /^\+ t=\d+ /.test(l))
    expect(failure(testRun), testRun).toBeDefined()
    expect(failure(replay)).toBe(failure(testRun))
    expect(trace(replay)).toEqual(trace(testRun))
    expect(trace(replay).length).toBeGreaterThan(0)
    expect(testRun).toContain('[musil] wrote .musil/report.html')
  }, 600_000)

  it('runs simulation tests, sweeps and replays through the plugin in a fresh project', () => {
    const core = tarball('core')
    const vitestPkg = tarball('vitest')
    // The compiled sweep worker, setup file, reporter (and the drawing it loads) and bin are in
    // the tarball.
    const files = execFileSync('tar', ['-tzf', vitestPkg], { encoding: 'utf8' }).split('\n')
    for (const f of [
      'index.js',
      'plugin.js',
      'setup.js',
      'reporter.js',
      'report-drawing.js',
      'target-entry.js',
      'bin.js',
      'sweep/worker.js',
      'sweep/esm-hooks.js',
      'sweep/sweep.js',
    ]) {
      expect(files).toContain(`package/dist/${f}`)
    }
    const app = join(work, 'app')
    mkdirSync(app)
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'musil-e2e-app',
          private: true,
          type: 'module',
          devDependencies: {
            '@musil/core': `file:${core}`,
            '@musil/vitest': `file:${vitestPkg}`,
            tsx: rootPackage.devDependencies.tsx,
            vitest: rootPackage.devDependencies.vitest,
          },
          overrides: { '@musil/core': `file:${core}` },
        },
        null,
        2,
      ),
    )
    writeFileSync(
      join(app, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config'\nimport { musil } from '@musil/vitest/plugin'\n\nexport default defineConfig({ plugins: [musil()], test: { diff: { expand: true } } })\n",
    )
    writeFileSync(join(app, 'route.ts'), TARGET)
    writeFileSync(join(app, 'route.test.ts'), TEST)
    const install = run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], app)
    expect(install.status, install.output).toBe(0)

    // A seed that fails: the sweep finds the lowest one and prints its replay command.
    const all = run(npm, ['exec', '--', 'vitest', 'run'], app)
    expect(all.status, all.output).toBe(1)
    expect(all.output).toMatch(/✓ re-push converges on 400 seeds/)
    expect(all.output).toContain('Error: expect(report).toConverge()')
    expect(all.output).toContain('- every seed reaches its goal')
    expect(all.output).toContain('(msg #0 lost in transit)')
    const command =
      /^ {4}(MUSIL_SEED=\d+ npx vitest run route\.test\.ts -t '\^fire-and-forget on 200 seeds\$')$/m.exec(
        all.output,
      )?.[1]
    expect(command, all.output).toBeDefined()
    expect(all.output).toContain('[musil] wrote .musil/report.html')
    // The report is the explorer's read-only mode: its script inlined (read from the src/ the
    // package ships), the failures as data, nothing to fetch, so it opens from file://.
    const report = readFileSync(join(app, '.musil/report.html'), 'utf8')
    expect(report).toContain('<script type="application/json" id="musil-data">')
    expect(report).toContain('// musil explorer: the page of `musil explore`')
    expect(report).not.toMatch(/https?:\/\/(?!www\.w3\.org)/)

    // The printed command replays exactly that seed and fails the same way.
    const seed = /MUSIL_SEED=(\d+)/.exec(command!)![1]!
    const again = run('sh', ['-c', command!], app)
    expect(again.status, again.output).toBe(1)
    expect(again.output).toContain(
      `goal failure on seed ${seed}: goal 'applied==desired' not reached`,
    )

    // The same seed makes the single-seed simTest fail too.
    const one = run(
      npm,
      ['exec', '--', 'vitest', 'run', '-t', '^fire-and-forget converges$', '--', `--seed=${seed}`],
      app,
    )
    expect(one.status, one.output).toBe(1)
    expect(one.output).toContain(
      `seed ${seed} (--seed); replay: MUSIL_SEED=${seed} npx vitest run route.test.ts`,
    )

    // The bin does the same with --seed, for shells without VAR=value prefixes.
    const viaBin = run(
      npm,
      ['exec', '--', 'musil', 'test', `--seed=${seed}`, '-t', '^fire-and-forget converges$'],
      app,
    )
    expect(viaBin.status, viaBin.output).toBe(1)
    expect(viaBin.output).toContain(`seed ${seed} (MUSIL_SEED); replay: MUSIL_SEED=${seed}`)
  }, 600_000)

  it('serves the explorer with npx musil explore, in a project made by npm init -y', async () => {
    const vitestPkg = tarball('vitest')
    const files = execFileSync('tar', ['-tzf', vitestPkg], { encoding: 'utf8' }).split('\n')
    for (const f of ['dist/explore/server.js', 'dist/explore/page.js', 'src/explore/app.js']) {
      expect(files).toContain(`package/${f}`)
    }
    const app = join(work, 'app-explore')
    mkdirSync(app)
    expect(run(npm, ['init', '-y'], app).status).toBe(0)
    const install = run(
      npm,
      [
        'install',
        '--save-dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball('core'),
        vitestPkg,
        `tsx@${rootPackage.devDependencies.tsx}`,
        `vitest@${rootPackage.devDependencies.vitest}`,
      ],
      app,
    )
    expect(install.status, install.output).toBe(0)
    writeFileSync(join(app, 'jugs.ts'), dieHardModule(true))
    const child = spawn(npx, ['musil', 'explore', 'jugs.ts#dieHard'], {
      cwd: app,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 120_000)
        const read = (c: Buffer): void => {
          out += c.toString()
          const m = /^musil explore: model model at (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[1]!)
          }
        }
        child.stdout!.on('data', read)
        child.stderr!.on('data', read)
        child.on('exit', (code) => reject(new Error(`musil explore exited with ${code}: ${out}`)))
      })
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="app"></div>')
      const start = (await (await fetch(`${url}api/state?path=0`)).json()) as {
        successors: { label: string }[]
      }
      expect(start.successors.map((n) => n.label)).toEqual(['FillSmall', 'FillBig'])
      const origin = url.slice(0, -1)
      const job = (await (
        await fetch(`${url}api/check`, { method: 'POST', headers: { origin } })
      ).json()) as { id: number }
      let status: { status: string; path?: number[]; result?: { stats: { distinct: number } } }
      do {
        await new Promise((r) => setTimeout(r, 200))
        status = (await (await fetch(`${url}api/check?id=${job.id}`)).json()) as typeof status
      } while (status.status === 'running')
      expect(status.status, JSON.stringify(status)).toBe('done')
      expect(status.path).toHaveLength(7)
      expect(status.result!.stats.distinct).toBe(14)
    } finally {
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid)
      else child.kill()
    }
  }, 600_000)

  it('checks a .ts model and a compiled .js one on worker threads with checkParallel', () => {
    const core = tarball('core')
    const app = join(work, 'app-parallel')
    mkdirSync(app)
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'musil-e2e-parallel',
          private: true,
          type: 'module',
          devDependencies: {
            '@musil/core': `file:${core}`,
            tsx: rootPackage.devDependencies.tsx,
          },
        },
        null,
        2,
      ),
    )
    writeFileSync(join(app, 'die-hard.ts'), dieHardModule(true))
    writeFileSync(join(app, 'die-hard.js'), dieHardModule(false))
    writeFileSync(
      join(app, 'check.mjs'),
      `import { checkParallel } from '@musil/core'
for (const file of ['./die-hard.ts', './die-hard.js']) {
  const r = await checkParallel({ module: new URL(file, import.meta.url), export: 'dieHard' }, { workers: 2 })
  console.log(file, r.stats.distinct, r.stats.generated, r.stats.depth, r.violation.name, r.violation.trace.length)
}
`,
    )
    const install = run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], app)
    expect(install.status, install.output).toBe(0)
    const checked = run(process.execPath, ['check.mjs'], app)
    expect(checked.status, checked.output).toBe(0)
    expect(checked.output).toContain('./die-hard.ts 14 49 7 bigNotFour 7')
    expect(checked.output).toContain('./die-hard.js 14 49 7 bigNotFour 7')
  }, 600_000)
})
