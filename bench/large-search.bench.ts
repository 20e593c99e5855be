/**
 * Searches past memory: what a memory budget and checkpoints cost. TwoPhase (RM=7 by default,
 * 296,448 distinct states) is checked in a child process per run, so that each run's peak RSS
 * is its own:
 *
 *   (a) in memory;
 *   (b) `memory: { maxBytes }`, a budget below what (a) holds, so the frontier goes to disk;
 *   (c) `checkpoint: { dir, everyMs: 0 }`, a checkpoint at every level boundary (the worst
 *       case; the default interval is 30 minutes).
 *
 * Prints wall time (median of --reps, default 1: a run of RM=7 takes about 40 s in all), the slowdown against (a), peak RSS, states spilled, and
 * checks that every run's distinct, generated and depth are (a)'s.
 *
 *   node --conditions=@musil/source --import tsx bench/large-search.bench.ts [--rm 7] [--reps 1] [--budget 4000000]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const RM = arg('rm', 7)
const REPS = arg('reps', 1)
const BUDGET = arg('budget', 4_000_000)
const child = fileURLToPath(new URL('./large-search-child.ts', import.meta.url))

interface Run {
  ms: number
  distinct: number
  generated: number
  depth: number
  spilled: number
  storeBytes: number
  maxRssKb: number
}

function run(how: string, ...rest: string[]): Run {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@musil/source', '--import', 'tsx', child, String(RM), how, ...rest],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  )
  if (r.status !== 0) throw new Error(`${how} run failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as Run
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const rows: { name: string; runs: Run[] }[] = []
const scratch = mkdtempSync(join(tmpdir(), 'musil-bench-large-'))
try {
  const cases: [string, () => Run][] = [
    ['(a) in memory', () => run('memory')],
    [
      `(b) memory budget ${(BUDGET / 1e6).toFixed(1)} MB`,
      () => run('budget', String(BUDGET), scratch),
    ],
    [
      '(c) checkpoint every level',
      () => {
        const dir = mkdtempSync(join(scratch, 'cp-'))
        const r = run('checkpoint', '0', dir)
        rmSync(dir, { recursive: true, force: true })
        return r
      },
    ],
  ]
  for (const [name] of cases) rows.push({ name, runs: [] })
  // Interleaved, so that load on the machine falls on every variant alike.
  for (let rep = 0; rep < REPS; rep++) {
    cases.forEach(([, f], i) => {
      rows[i]!.runs.push(f())
    })
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

const base = rows[0]!.runs[0]!
for (const { name, runs } of rows) {
  for (const r of runs) {
    if (r.distinct !== base.distinct || r.generated !== base.generated || r.depth !== base.depth) {
      throw new Error(
        `${name}: ${r.distinct}/${r.generated}/${r.depth} differs from in memory ${base.distinct}/${base.generated}/${base.depth}`,
      )
    }
  }
}
const baseMs = median(rows[0]!.runs.map((r) => r.ms))
console.log(
  `TwoPhase RM=${RM}: ${base.distinct.toLocaleString('en')} distinct, ${base.generated.toLocaleString('en')} generated, depth ${base.depth}; fingerprints ${(base.storeBytes / 1e6).toFixed(1)} MB; median of ${REPS}`,
)
console.log(
  `${'search'.padEnd(32)}${'ms'.padStart(8)}${'slowdown'.padStart(10)}${'peak RSS MB'.padStart(13)}${'spilled'.padStart(10)}`,
)
for (const { name, runs } of rows) {
  const ms = median(runs.map((r) => r.ms))
  const rss = median(runs.map((r) => r.maxRssKb)) / 1024
  console.log(
    `${name.padEnd(32)}${ms.toFixed(0).padStart(8)}${`${(ms / baseMs).toFixed(2)}x`.padStart(10)}${rss.toFixed(0).padStart(13)}${runs[0]!.spilled.toLocaleString('en').padStart(10)}`,
  )
}
