/**
 * Seed sweeps over worker threads: 10,000 seeds of a target run in process (a plain loop over
 * `runSeed`-equivalent `simulate`/`explore` calls, no threads), then swept by `sweep` on 1 and on
 * 2 worker threads. Prints medians and the 2-thread speed-up against 1 thread, and checks that
 * every configuration found the same failing seeds (none here: both targets are correct).
 *
 * Run: npx tsx --conditions=@musil/source bench/sweep.bench.ts   (SEEDS=..., ROUNDS=...)
 */
import { availableParallelism } from 'node:os'
import { explore, simulate } from '@musil/core'
import { sweep } from '../packages/vitest/src/sweep/sweep.ts'
import { raftElection, routeDelivery } from './sweep-targets.ts'

const SEEDS = Number(process.env.SEEDS ?? 10_000)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const module = new URL('./sweep-targets.ts', import.meta.url)
const conditions = ['@musil/source']

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function inProcess(name: 'routeDelivery' | 'raftElection'): Promise<number> {
  const t0 = performance.now()
  const r =
    name === 'routeDelivery'
      ? simulate(routeDelivery.factory, { ...routeDelivery.options, seeds: SEEDS })
      : await explore(raftElection.scenario, { ...raftElection.options, seeds: SEEDS })
  if (!r.ok || r.runs !== SEEDS)
    throw new Error(`${name} failed in process: ${JSON.stringify(r.failure)}`)
  return performance.now() - t0
}

async function swept(name: string, threads: number): Promise<{ ms: number; failing: string }> {
  const r = await sweep({ module, export: name, seeds: SEEDS, threads, conditions })
  if (r.runs !== SEEDS) throw new Error(`${name}: ran ${r.runs} of ${SEEDS} seeds`)
  return { ms: r.durationMs, failing: JSON.stringify(r.failingSeeds) }
}

console.log(
  `sweep: ${SEEDS} seeds, median of ${ROUNDS} rounds, ${availableParallelism()} cores, Node ${process.version}`,
)
console.log('target          in process   1 thread   2 threads   2 vs 1   2 vs in-process')
for (const name of ['routeDelivery', 'raftElection'] as const) {
  const base: number[] = []
  const one: number[] = []
  const two: number[] = []
  const failing = new Set<string>()
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await inProcess(name))
    const a = await swept(name, 1)
    const b = await swept(name, 2)
    one.push(a.ms)
    two.push(b.ms)
    failing.add(a.failing).add(b.failing)
  }
  if (failing.size !== 1) throw new Error(`${name}: thread counts disagree on the failing seeds`)
  const [m0, m1, m2] = [median(base), median(one), median(two)]
  console.log(
    `${name.padEnd(14)} ${`${m0.toFixed(0)} ms`.padStart(11)} ${`${m1.toFixed(0)} ms`.padStart(10)} ${`${m2.toFixed(0)} ms`.padStart(11)} ${`${(m1 / m2).toFixed(2)}x`.padStart(8)} ${`${(m0 / m2).toFixed(2)}x`.padStart(17)}`,
  )
}
