/**
 * Model-checking throughput on TLA+'s TwoPhase (two-phase commit), the same model code in three
 * searches, timed in one process:
 *
 *   (a) floor: the successors of every reachable state generated once, no deduplication;
 *   (b) musil's `check`;
 *   (c) a naive BFS whose visited set is a `Set` of `JSON.stringify` keys;
 *   (f) TLC on the same model, when TLA2TOOLS and TLA_EXAMPLES are set (bench/README.md).
 *
 * Prints distinct and generated states/s, bytes per visited state, and the ratios b/a (how
 * close musil gets to the cost of the model code itself, in wall and in CPU time) and c/b
 * (speed-up over naive).
 *
 *   npx tsx --conditions=@musil/source bench/check.bench.ts [--rm 7] [--reps 3] [--parallel-rm 8]
 *   (--parallel-rm 0 skips the checkParallel rows)
 *   (add node's --expose-gc for steadier heap figures)
 */
import { loadavg } from 'node:os'
import { check, checkParallel, type Model, successors } from '@musil/core'
import {
  type TwoPhaseState,
  twoPhaseCommit,
} from '../examples/two-phase-commit/two-phase-commit.ts'
import { runTlc, tlcSetup } from './tlc.ts'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const RM = arg('rm', 7)
const REPS = arg('reps', 3)
const EXPECTED: Record<number, [number, number]> = {
  3: [288, 11],
  5: [8832, 17],
  6: [50816, 20],
  7: [296448, 23],
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** A JSON key a user would write: sets as sorted arrays. */
const naiveKey = (s: unknown): string =>
  JSON.stringify(s, (_k, v) => (v instanceof Set ? [...v].sort() : v))

function naiveBfs<S>(model: Model<S>): { distinct: number; generated: number; states: S[] } {
  const seen = new Set<string>()
  const states: S[] = []
  let generated = 0
  let frontier: S[] = []
  for (const s of model.init) {
    generated++
    const k = naiveKey(s)
    if (!seen.has(k)) {
      seen.add(k)
      frontier.push(s)
      states.push(s)
    }
  }
  while (frontier.length > 0) {
    const next: S[] = []
    for (const s of frontier) {
      for (const a of model.actions) {
        const params = a.kind === 'single' ? [undefined] : [...a.domain(s)]
        for (const p of params) {
          if (!(a.kind === 'single' ? a.guard(s) : a.guard(s, p))) continue
          const t = a.kind === 'single' ? a.effect(s) : a.effect(s, p)
          generated++
          const k = naiveKey(t)
          if (seen.has(k)) continue
          seen.add(k)
          next.push(t)
          states.push(t)
        }
      }
    }
    frontier = next
  }
  return { distinct: seen.size, generated, states }
}

/** The floor: every reachable state's successors, generated once, with no visited set at all. */
function floor<S>(model: Model<S>, states: readonly S[]): number {
  let generated = 0
  for (const s of states) {
    for (const a of model.actions) {
      if (a.kind === 'single') {
        if (a.guard(s)) {
          a.effect(s)
          generated++
        }
      } else {
        for (const p of a.domain(s)) {
          if (a.guard(s, p)) {
            a.effect(s, p)
            generated++
          }
        }
      }
    }
  }
  return generated
}

/** Wall and CPU time (this process, user + system) of `f`. */
function time<T>(f: () => T): { ms: number; cpuMs: number; value: T } {
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const value = f()
  const cpu = process.cpuUsage(cpu0)
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, value }
}

const model: Model<TwoPhaseState> = twoPhaseCommit(RM)
console.log(
  `TwoPhase, ${RM} resource managers, ${REPS} repetitions each (median), node ${process.version}`,
)

// Reachable states for the floor, collected once (untimed).
const reachable = naiveBfs(model).states
void successors

const floorMs: number[] = []
const musilMs: number[] = []
const floorCpu: number[] = []
const musilCpu: number[] = []
const naiveMs: number[] = []
let musil = check(model)
let naiveHeap = 0
let naive = { distinct: 0, generated: 0 }
for (let r = 0; r < REPS; r++) {
  gc()
  const f = time(() => floor(model, reachable))
  floorMs.push(f.ms)
  floorCpu.push(f.cpuMs)
  gc()
  const m = time(() => check(model))
  musilMs.push(m.ms)
  musilCpu.push(m.cpuMs)
  musil = m.value
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const n = time(() => naiveBfs(model))
  naiveMs.push(n.ms)
  naive = n.value
  naiveHeap = Math.max(naiveHeap, process.memoryUsage().heapUsed - heap0)
}

const [wantDistinct, wantDepth] = EXPECTED[RM] ?? [musil.stats.distinct, musil.stats.depth]
if (
  musil.stats.distinct !== wantDistinct ||
  musil.stats.depth !== wantDepth ||
  naive.distinct !== wantDistinct
) {
  throw new Error(
    `count mismatch: musil ${musil.stats.distinct}/${musil.stats.depth}, naive ${naive.distinct}, TLC ${wantDistinct}/${wantDepth}`,
  )
}

const { distinct, generated } = musil.stats
const a = median(floorMs)
const b = median(musilMs)
const c = median(naiveMs)
const rate = (n: number, ms: number) =>
  Math.round((n * 1000) / ms)
    .toLocaleString('en-US')
    .padStart(11)
console.log(
  `distinct ${distinct.toLocaleString('en-US')} (TLC ${wantDistinct.toLocaleString('en-US')}), generated ${generated.toLocaleString('en-US')}, depth ${musil.stats.depth} (TLC ${wantDepth})`,
)
console.log('')
console.log('search                         time ms   distinct/s  generated/s  bytes/state')
console.log(
  `(a) floor: successors only  ${a.toFixed(0).padStart(10)}  ${'-'.padStart(11)}  ${rate(generated, a)}            -`,
)
console.log(
  `(b) musil check             ${b.toFixed(0).padStart(10)}  ${rate(distinct, b)}  ${rate(generated, b)}  ${musil.stats.bytesPerState.toFixed(1).padStart(11)}`,
)
console.log(
  `(c) naive JSON.stringify BFS${c.toFixed(0).padStart(10)}  ${rate(distinct, c)}  ${rate(generated, c)}  ${(naiveHeap / distinct).toFixed(0).padStart(11)}`,
)
console.log('')
console.log(
  `b/a = ${(b / a).toFixed(2)}  (musil's cost over the model code itself; target 1.3, limit 2)`,
)
const cpuRatios = musilCpu.map((x, i) => x / floorCpu[i]!)
console.log(
  `CPU b/a = ${median(cpuRatios).toFixed(2)}  (each repetition: ${cpuRatios.map((x) => x.toFixed(2)).join(', ')}; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`,
)
console.log(`c/b = ${(c / b).toFixed(2)}  (speed-up over the naive BFS; at least 2.5)`)
console.log(
  `store: ${musil.stats.bytesPerState.toFixed(1)} bytes per visited state (at most 12); fingerprint collision probability ${musil.stats.collisionProbability.toExponential(1)}`,
)

// TLC side by side: the same model (TwoPhase, RM = r1..r7) in TLC with one worker, its whole
// java process (JVM start-up and parsing included, about 1.5 s) against musil's median check.
const tlc = tlcSetup(RM)
console.log('')
if (typeof tlc === 'string') {
  console.log(tlc)
} else {
  const t = runTlc(tlc.jar, tlc.specDir)
  const fmt = (n: number) => n.toLocaleString('en-US')
  const equal =
    t.distinct === distinct && t.generated === generated && t.depth === musil.stats.depth
  console.log(
    `TLC (1 worker): distinct ${fmt(t.distinct)}, generated ${fmt(t.generated)}, depth ${t.depth}; musil: distinct ${fmt(distinct)}, generated ${fmt(generated)}, depth ${musil.stats.depth} (${equal ? 'equal' : 'DIFFERENT'})`,
  )
  console.log('                               time ms   distinct/s    CPU ms')
  console.log(
    `(f) TLC, whole java process ${t.wallMs.toFixed(0).padStart(10)}  ${rate(t.distinct, t.wallMs)}  ${t.cpuMs.toFixed(0).padStart(8)}`,
  )
  console.log(
    `(b) musil check             ${b.toFixed(0).padStart(10)}  ${rate(distinct, b)}  ${median(musilCpu).toFixed(0).padStart(8)}`,
  )
  console.log(
    `f/b = ${(t.wallMs / b).toFixed(2)} wall, ${(t.cpuMs / median(musilCpu)).toFixed(2)} CPU  (TLC over musil; the goal is 10 per core)`,
  )
  if (!equal) throw new Error('TLC and musil disagree on the counts')
}

// checkParallel: the same search on worker threads, 1 and 2 of them, on the larger model
// (--parallel-rm, default 8: 1.7 M states). Each run starts its threads and loads the model
// (tsx) in them: that start-up is part of the time. CPU time is the whole process's (all
// threads): `cores` = CPU / wall says how much of the machine the run got, since on a shared
// 2-core machine 2 workers cannot beat 1 by more than the cores they are given.
const PRM = arg('parallel-rm', 8)
// --parallel-rm 0: the single-thread rows (and TLC's) only.
if (PRM === 0) process.exit(0)
process.env.MUSIL_BENCH_RM = String(PRM)
const targets = new URL('./check-targets.ts', import.meta.url)
const larger = PRM === RM ? musil : check(twoPhaseCommit(PRM))
const bad = (await import('./check-targets.ts')).twoPhaseAllCommit()
const badCheck = check(bad)
const same = (a: typeof musil, b: typeof musil): boolean =>
  a.stats.distinct === b.stats.distinct &&
  a.stats.generated === b.stats.generated &&
  a.stats.depth === b.stats.depth &&
  a.violation?.trace.length === b.violation?.trace.length
const parallelMs: Record<number, number[]> = { 1: [], 2: [] }
const parallelCpu: Record<number, number[]> = { 1: [], 2: [] }
const ratios: number[] = []
for (let r = 0; r < REPS; r++) {
  for (const workers of [1, 2]) {
    gc()
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const p = await checkParallel({ module: targets, export: 'twoPhase' }, { workers })
    parallelMs[workers]!.push(performance.now() - t0)
    const cpu = process.cpuUsage(cpu0)
    parallelCpu[workers]!.push((cpu.user + cpu.system) / 1000)
    if (!same(p as typeof musil, larger)) {
      throw new Error(`checkParallel count mismatch with ${workers} worker(s)`)
    }
  }
  ratios.push(parallelMs[1]![r]! / parallelMs[2]![r]!)
}
const badRuns = [1, 2].map((workers) => ({
  workers,
  result: null as unknown as typeof musil,
}))
for (const run of badRuns) {
  run.result = (await checkParallel(
    { module: targets, export: 'twoPhaseAllCommit' },
    { workers: run.workers },
  )) as typeof musil
  if (!same(run.result, badCheck)) {
    throw new Error(`checkParallel differs from check on the violating variant (${run.workers})`)
  }
}
const p1 = median(parallelMs[1]!)
const p2 = median(parallelMs[2]!)
const c1 = median(parallelCpu[1]!)
const c2 = median(parallelCpu[2]!)
const ls = larger.stats
console.log('')
console.log(
  `checkParallel on TwoPhase ${PRM} RMs: distinct ${ls.distinct.toLocaleString('en-US')}, generated ${ls.generated.toLocaleString('en-US')}, depth ${ls.depth} (same as check, every run)`,
)
console.log('                               time ms   distinct/s    CPU ms  cores')
for (const [row, ms, cpu] of [
  ['(d) 1 worker ', p1, c1],
  ['(e) 2 workers', p2, c2],
] as const) {
  console.log(
    `${row}               ${ms.toFixed(0).padStart(10)}  ${rate(ls.distinct, ms)}  ${cpu.toFixed(0).padStart(8)}  ${(cpu / ms).toFixed(2).padStart(5)}`,
  )
}
console.log(
  `d/e = ${(p1 / p2).toFixed(2)}  (2 workers vs 1; target 1.7; each run: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
)
console.log(
  `CPU d/e = ${(c1 / c2).toFixed(2)}  (work of 1 worker over 2; 2 x this bounds d/e on two free cores)`,
)
const bs = badCheck.stats
console.log(
  `violating variant (${bad.name}): check and 1, 2 workers all stop at distinct ${bs.distinct.toLocaleString('en-US')}, generated ${bs.generated.toLocaleString('en-US')}, depth ${bs.depth}, counterexample of ${badCheck.violation?.trace.length} states`,
)
