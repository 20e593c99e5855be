/**
 * Benchmarks of the deterministic async runtime (`explore`).
 *
 *   npx tsx --conditions=@musil/source bench/explore.bench.ts [--quick]
 *
 * 1. Raft leader election, 3 nodes, 3 s of virtual time: seeds/s. The anchor is the Python
 *    seedloop sweeping the same demo at ~96-126 seeds/s on these machines
 *    (shared/notes/simulation-anchors.md); it cannot run in this process, so the ratio printed
 *    against it is against that recorded figure. Then, in a child process of its own (every
 *    `AsyncLocalStorage` a process has used taxes every later promise, so neither may run in the
 *    other's process), the floor (`raft-floor.ts`): the same `RaftNode` code on the smallest
 *    runtime that still attributes code to tasks and drains the microtask queue after every
 *    wake-up, on the same seeds.
 * 2. The lost-update race, the same increment code under musil and under fast-check's
 *    `fc.scheduler` (lazy form: an effect happens when the scheduler releases it), in this process:
 *    raw runs/s with the check switched off, then the number of runs until the bug is found
 *    (median over trials) for musil random, musil PCT and fast-check, on the plain race and on the
 *    narrow window (the second task makes 12 round trips first, so the first must be starved for
 *    12+ scheduling decisions).
 *
 * Timings are wall-clock and noisy on shared machines; the runs-to-failure counts are exact
 * functions of the seeds.
 */

import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { explore, replay, type World } from '@musil/core'
import fc from 'fast-check'
import {
  busyThenIncrement,
  incrementRacy,
  lostUpdate,
  type Store,
  scheduledStore,
} from '../examples/async-lost-update/async-lost-update.ts'
import { election } from '../examples/raft-election/raft-election.ts'

const quick = process.argv.includes('--quick')
const NARROW = 12
const TRIALS = quick ? 7 : 20
const BUDGET = 200_000

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

function row(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart'](widths[i])).join('  ')
}

function seedRange(from: number, count: number): Iterable<number> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield from + i
    },
  }
}

// ---- 1. Raft election ---------------------------------------------------------------------

async function raftBench(): Promise<void> {
  const seeds = quick ? 300 : 1000
  const scenario = election()
  await explore(scenario, { seeds: 200 }) // warm-up: JIT, module graph
  const rates: number[] = []
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now()
    const report = await explore(scenario, { seeds: seedRange(rep * seeds, seeds) })
    const ms = performance.now() - t0
    if (!report.ok) throw new Error(`the correct election failed: ${report.failure?.detail}`)
    rates.push((seeds * 1000) / ms)
  }
  const floorRates = JSON.parse(
    execFileSync(process.execPath, [
      ...process.execArgv,
      fileURLToPath(new URL('./raft-floor.ts', import.meta.url)),
      String(seeds),
    ]).toString(),
  ) as number[]
  const one = await replay(scenario, { seed: 0 })
  const rate = median(rates)
  const seedloop = [96, 126]
  console.log('Raft leader election, 3 nodes, 3 s virtual (correct election, random strategy)')
  console.log(
    `  seeds/s (median of 3 x ${seeds}): ${fmt(rate)}   [runs: ${rates.map((r) => fmt(r)).join(', ')}]`,
  )
  const floor = median(floorRates)
  console.log(
    `  floor, the same node code on a minimal runtime: ${fmt(floor)} seeds/s   [runs: ${floorRates.map((r) => fmt(r)).join(', ')}]   floor/explore ${fmt(floor / rate, 2)}`,
  )
  console.log(`  per seed: ${one.timeline.length} timeline events, ${one.steps} scheduling steps`)
  console.log(`  virtual-to-wall speed-up: ${fmt((rate * 3000) / 1000)}x`)
  console.log(
    `  vs Python seedloop's recorded ${seedloop[0]}-${seedloop[1]} seeds/s: ${fmt(rate / seedloop[1], 1)}x-${fmt(rate / seedloop[0], 1)}x`,
  )
  const buggy = await explore(election({ buggy: true }), { seeds: 1000 })
  let violating = 0
  for (let seed = 0; seed < 1000; seed++)
    if (!(await replay(election({ buggy: true }), { seed })).ok) violating++
  console.log(
    `  buggy election: first split-brain at seed ${buggy.failure?.seed}; ${violating}/1000 seeds violate (seedloop: 116/1000)\n`,
  )
}

// ---- 2. Lost update: the same code under fast-check's scheduler --------------------------

/** The store of the lost-update chapter on top of fast-check's scheduler, lazy form. */
function fastCheckStore(s: fc.Scheduler): Store & { peek(key: string): number } {
  const data = new Map<string, number>()
  const read = (key: string): number => data.get(key) ?? 0
  return {
    peek: read,
    get: (key) => s.schedule(Promise.resolve(), 'get').then(() => read(key)),
    set: (key, value) =>
      s.schedule(Promise.resolve(), 'set').then(() => {
        data.set(key, value)
      }),
    compareAndSet: (key, expected, next) =>
      s.schedule(Promise.resolve(), 'cas').then(() => {
        if (read(key) !== expected) return false
        data.set(key, next)
        return true
      }),
    ping: () => s.schedule(Promise.resolve(), 'ping').then(() => {}),
  }
}

function fastCheckRace(busy: number, check: boolean) {
  return fc.asyncProperty(fc.scheduler(), async (s) => {
    const store = fastCheckStore(s)
    const both = Promise.all([
      incrementRacy(store, 'counter'),
      busyThenIncrement(store, 'counter', busy, incrementRacy),
    ])
    await s.waitIdle()
    await both
    return !check || store.peek('counter') === 2
  })
}

/** The same two tasks under musil, with no check: raw throughput. */
function musilRaceUnchecked(busy: number): (world: World) => Promise<void> {
  return async (world) => {
    const store = scheduledStore(world)
    const a = world.spawn('a', () => incrementRacy(store, 'counter'))
    const b = world.spawn('b', () => busyThenIncrement(store, 'counter', busy, incrementRacy))
    await Promise.all([a.finished, b.finished])
  }
}

async function timeRuns(runs: number, go: () => Promise<unknown>): Promise<number> {
  const rates: number[] = []
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now()
    await go()
    rates.push((runs * 1000) / (performance.now() - t0))
  }
  return median(rates)
}

interface Finder {
  readonly name: string
  /** Runs until the bug is found in trial `trial` (Infinity when the budget runs out). */
  runsToFind(trial: number, busy: number): Promise<number>
}

const finders: readonly Finder[] = [
  {
    name: 'musil random',
    async runsToFind(trial, busy) {
      const r = await explore(lostUpdate({ busy }), { seeds: seedRange(trial * 1_000_000, BUDGET) })
      return r.ok ? Number.POSITIVE_INFINITY : r.runs
    },
  },
  {
    name: 'musil PCT',
    async runsToFind(trial, busy) {
      const r = await explore(lostUpdate({ busy }), {
        seeds: seedRange(trial * 1_000_000, BUDGET),
        strategy: 'pct',
      })
      return r.ok ? Number.POSITIVE_INFINITY : r.runs
    },
  },
  {
    name: 'musil PCT, pctSteps 20',
    async runsToFind(trial, busy) {
      const r = await explore(lostUpdate({ busy }), {
        seeds: seedRange(trial * 1_000_000, BUDGET),
        strategy: 'pct',
        pctSteps: 20,
      })
      return r.ok ? Number.POSITIVE_INFINITY : r.runs
    },
  },
  {
    name: 'fast-check fc.scheduler',
    async runsToFind(trial, busy) {
      const d = await fc.check(fastCheckRace(busy, true), {
        seed: trial + 1,
        numRuns: BUDGET,
        endOnFailure: true,
      })
      return d.failed ? d.numRuns : Number.POSITIVE_INFINITY
    },
  },
]

async function raceBench(busy: number, label: string): Promise<Map<string, number>> {
  const runs = quick ? 5_000 : 20_000
  const throughput = new Map<string, number>([
    [
      'musil random',
      await timeRuns(runs, () => explore(musilRaceUnchecked(busy), { seeds: runs })),
    ],
    [
      'musil PCT',
      await timeRuns(runs, () =>
        explore(musilRaceUnchecked(busy), { seeds: runs, strategy: 'pct' }),
      ),
    ],
    [
      'musil PCT, pctSteps 20',
      await timeRuns(runs, () =>
        explore(musilRaceUnchecked(busy), { seeds: runs, strategy: 'pct', pctSteps: 20 }),
      ),
    ],
    [
      'fast-check fc.scheduler',
      await timeRuns(runs, () => fc.assert(fastCheckRace(busy, false), { numRuns: runs, seed: 1 })),
    ],
  ])
  const medians = new Map<string, number>()
  const widths = [26, 10, 12, 10, 10, 10]
  console.log(`${label} (same increment code; ${TRIALS} trials, budget ${fmt(BUDGET)} runs each)`)
  console.log(row(['strategy', 'runs/s', 'median runs', 'min', 'max', 'found'], widths))
  for (const finder of finders) {
    const counts: number[] = []
    for (let trial = 0; trial < TRIALS; trial++) counts.push(await finder.runsToFind(trial, busy))
    const found = counts.filter(Number.isFinite)
    const m = median(counts)
    medians.set(finder.name, m)
    console.log(
      row(
        [
          finder.name,
          fmt(throughput.get(finder.name) ?? 0),
          fmt(m, Number.isInteger(m) ? 0 : 1),
          fmt(Math.min(...counts)),
          fmt(Math.max(...counts)),
          `${found.length}/${counts.length}`,
        ],
        widths,
      ),
    )
  }
  console.log('')
  return medians
}

console.log(
  `musil explore benchmark  (node ${process.version}, fast-check ${fc.__version}${quick ? ', --quick' : ''})\n`,
)
await raftBench()
await raceBench(0, 'Lost update: two concurrent read-modify-write increments')
const narrow = await raceBench(
  NARROW,
  `Narrow window: the second task makes ${NARROW} round trips first`,
)
const pct = narrow.get('musil PCT')!
const fcMedian = narrow.get('fast-check fc.scheduler')!
const random = narrow.get('musil random')!
console.log(
  `Narrow window, median runs to find the bug: PCT ${fmt(pct, 1)} vs fast-check ${fmt(fcMedian, 1)} ` +
    `(${fmt(fcMedian / pct, 1)}x fewer runs); musil random ${fmt(random, 1)}`,
)
console.log(
  'PCT spreads its change points over the first pctSteps (default 100) scheduling decisions: on a run with\n' +
    'fewer decisions most of them are wasted, which is why the plain race, with ~5 decisions, favours random.',
)
console.log(
  pct < fcMedian
    ? 'PCT beats fast-check on the narrow window: yes'
    : 'PCT beats fast-check on the narrow window: NO',
)
process.exitCode = pct < fcMedian ? 0 : 1
