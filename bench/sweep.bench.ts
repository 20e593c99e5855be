/**
 * Seed sweeps over worker threads: 10,000 seeds of a target run in process (a plain loop over
 * `runSeed`-equivalent `simulate`/`explore` calls, no threads), then swept by `sweep` on 1 and on
 * 2 worker threads (`mode: 'threads'`), then by `sweep`'s default (`mode: 'auto'`, 2 threads),
 * which stays in process while that is cheaper. Prints medians, the 2-thread speed-up against 1
 * thread and auto against in process, and checks that every configuration found the same failing
 * seeds (none here: both targets are correct).
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

async function swept(
  name: string,
  threads: number,
  mode: 'threads' | 'auto',
): Promise<{ ms: number; failing: string; mode: string }> {
  const r = await sweep({ module, export: name, seeds: SEEDS, threads, conditions, mode })
  if (r.runs !== SEEDS) throw new Error(`${name}: ran ${r.runs} of ${SEEDS} seeds`)
  return { ms: r.durationMs, failing: JSON.stringify(r.failingSeeds), mode: r.mode }
}

console.log(
  `sweep: ${SEEDS} seeds, median of ${ROUNDS} rounds, ${availableParallelism()} cores, Node ${process.version}`,
)
console.log(
  'target          in process   1 thread   2 threads   auto (2)   2 vs 1   auto vs in-process   auto ran',
)
for (const name of ['routeDelivery', 'raftElection'] as const) {
  const base: number[] = []
  const one: number[] = []
  const two: number[] = []
  const auto: number[] = []
  const modes = new Set<string>()
  const failing = new Set<string>()
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await inProcess(name))
    const a = await swept(name, 1, 'threads')
    const b = await swept(name, 2, 'threads')
    const c = await swept(name, 2, 'auto')
    one.push(a.ms)
    two.push(b.ms)
    auto.push(c.ms)
    modes.add(c.mode)
    failing.add(a.failing).add(b.failing).add(c.failing)
  }
  if (failing.size !== 1) throw new Error(`${name}: thread counts disagree on the failing seeds`)
  const [m0, m1, m2, ma] = [median(base), median(one), median(two), median(auto)]
  const ms = (x: number, w: number): string => `${x.toFixed(0)} ms`.padStart(w)
  console.log(
    `${name.padEnd(14)} ${ms(m0, 11)} ${ms(m1, 10)} ${ms(m2, 11)} ${ms(ma, 10)} ${`${(m1 / m2).toFixed(2)}x`.padStart(8)} ${`${(m0 / ma).toFixed(2)}x`.padStart(20)}   ${[...modes].join('/')}`,
  )
}
