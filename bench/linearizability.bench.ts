/**
 * Linearizability checking throughput: `checkLinearizability` on register and key-value
 * histories of 1k to 100k operations from 2 to 50 clients (bench/linearizability-histories.ts:
 * generated from a seed by running a linearizable object concurrently, plus variants with one
 * impossible read), and, when `PORCUPINE_DIR` names a Porcupine checkout and Go is installed,
 * Porcupine on the same histories in the same run (bench/porcupine/, built here), with the ratio
 * of the two times. Porcupine runs on one core (GOMAXPROCS=1, as musil's checker does) and, for
 * information, on every core (it checks partitions on goroutines). Both verdicts must agree
 * with the one the history was built to have; the bench fails otherwise.
 *
 *   npx tsx --conditions=@musil/source bench/linearizability.bench.ts
 *   PORCUPINE_DIR=/tmp/porcupine npm run bench -- linearizability
 *   (REPS=n: fastest of n runs, default 3; TIMEOUT_MS: budget per check, default 60000)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  checkLinearizability,
  keyValueSpec,
  type LinearizabilityVerdict,
  type Operation,
  registerSpec,
  type SequentialSpec,
} from '@musil/core'
import {
  type HistoryShape,
  type KeyValueOp,
  keyValueHistory,
  type RegisterOp,
  registerHistory,
  withImpossibleRead,
} from './linearizability-histories.ts'
import { keyValueToHarness, registerToHarness } from './porcupine-data.ts'
import {
  buildPorcupineHarness,
  type PorcupineVerdict,
  runPorcupine,
  writeHarnessHistory,
} from './porcupine-harness.ts'

const REPS = Number(process.env.REPS ?? 3)
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 60_000)
const SEED = Number(process.env.SEED ?? 1)

interface Case {
  readonly name: string
  readonly clients: number
  readonly expected: LinearizabilityVerdict
  readonly model: 'register' | 'kv'
  readonly history: readonly Operation<unknown, unknown>[]
}

/** A case of `model`: the generated history, or with one impossible read at `impossibleAt`. */
function historyCase(
  model: Case['model'],
  name: string,
  shape: Omit<HistoryShape, 'seed'>,
  impossibleAt?: number,
): Case {
  const full = { seed: SEED, ...shape }
  const h = (
    model === 'register' ? registerHistory(full) : keyValueHistory(full)
  ) as Case['history']
  const impossible = model === 'register' ? 99 : '!'
  return {
    name,
    clients: shape.clients,
    model,
    expected: impossibleAt === undefined ? 'linearizable' : 'not-linearizable',
    history:
      impossibleAt === undefined
        ? h
        : withImpossibleRead(h as Operation<{ op: string }, unknown>[], impossibleAt, impossible),
  }
}
const register = historyCase.bind(null, 'register')
const keyValue = historyCase.bind(null, 'kv')

// Busy clients (think time 20 against latency 100) keep nearly every client in flight; at 50
// clients on one register that is beyond any checker (the configurations grow as 2^50), so
// the 50-client registers think for 1000 (about 5 in flight, at random).
const cases: Case[] = [
  register('register 1k, 2 clients', { operations: 1_000, clients: 2 }),
  register('register 1k, 10 clients', { operations: 1_000, clients: 10 }),
  register('register 10k, 10 clients', { operations: 10_000, clients: 10 }),
  register('register 10k, 50 clients', { operations: 10_000, clients: 50, think: 1_000 }),
  register('register 100k, 2 clients', { operations: 100_000, clients: 2 }),
  register('register 100k, 50 clients', { operations: 100_000, clients: 50, think: 1_000 }),
  register('register 10k, 10 cl., 5% info', { operations: 10_000, clients: 10, unknown: 0.05 }),
  keyValue('kv 10k, 50 clients, 100 keys', { operations: 10_000, clients: 50, keys: 100 }),
  keyValue('kv 100k, 50 clients, 100 keys', { operations: 100_000, clients: 50, keys: 100 }),
  keyValue('kv 100k, 2 clients, 10 keys', { operations: 100_000, clients: 2, keys: 10 }),
  register('NOT register 1k, 10 clients', { operations: 1_000, clients: 10 }, 0.5),
  register('NOT register 10k, 10 clients', { operations: 10_000, clients: 10 }, 0.5),
  keyValue('NOT kv 100k, 50 cl., 100 keys', { operations: 100_000, clients: 50, keys: 100 }, 0.5),
]

const specs: Record<Case['model'], SequentialSpec<unknown, unknown, unknown>> = {
  register: registerSpec<number>() as SequentialSpec<unknown, unknown, unknown>,
  kv: keyValueSpec() as SequentialSpec<unknown, unknown, unknown>,
}

interface Measured {
  readonly verdict: LinearizabilityVerdict
  readonly ms: number
  readonly visited: number
}

function measureMusil(c: Case): Measured {
  let best: Measured | undefined
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now()
    const r = checkLinearizability(c.history, specs[c.model], { timeoutMs: TIMEOUT_MS })
    const ms = performance.now() - t0
    if (best === undefined || ms < best.ms)
      best = { verdict: r.result, ms, visited: r.stats.visited }
    if (r.result === 'unknown') break
  }
  return best!
}

// Porcupine first (a child process, so musil's heap is not yet full of results), then musil.
const build = buildPorcupineHarness()
let porcupineOne: PorcupineVerdict[] | undefined
let porcupineAll: PorcupineVerdict[] | undefined
const cores = availableParallelism()
if (build.ok) {
  const work = mkdtempSync(join(tmpdir(), 'musil-lin-bench-'))
  try {
    const files = cases.map((c, i) => {
      const file = join(work, `${i}.jsonl`)
      if (c.model === 'register') {
        writeHarnessHistory(file, 'register', c.history as RegisterOp[], registerToHarness)
      } else {
        writeHarnessHistory(file, 'kv', c.history as KeyValueOp[], keyValueToHarness)
      }
      return file
    })
    const options = { repeat: REPS, timeoutMs: TIMEOUT_MS }
    porcupineOne = runPorcupine(build.binary, files, { ...options, procs: 1 })
    if (cores > 1) porcupineAll = runPorcupine(build.binary, files, { ...options, procs: cores })
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const short = (v: string | undefined): string =>
  v === 'linearizable' ? 'ok' : v === 'not-linearizable' ? 'ILLEGAL' : (v ?? '-')
const num = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

console.log(
  `Linearizability: seed ${SEED}, fastest of ${REPS}, budget ${TIMEOUT_MS} ms, node ${process.version}${build.ok ? '' : `\nPorcupine not run: ${build.reason}`}`,
)
console.log('')
console.log(
  `${'history'.padEnd(31)}${'verdict'.padEnd(9)}${'musil ms'.padStart(10)}${'ops/s'.padStart(12)}${'configs'.padStart(11)}${build.ok ? `${'porc. ms'.padStart(10)}${'porc/musil'.padStart(11)}${cores > 1 ? `${`porc. ${cores} cores`.padStart(16)}` : ''}` : ''}`,
)
let wrong = 0
const ratios: number[] = []
cases.forEach((c, i) => {
  const m = measureMusil(c)
  const one = porcupineOne?.[i]
  const all = porcupineAll?.[i]
  const agree =
    m.verdict === c.expected &&
    (one === undefined || one.result === c.expected) &&
    (all === undefined || all.result === c.expected)
  if (!agree) wrong++
  let line = `${c.name.padEnd(31)}${short(m.verdict).padEnd(9)}${num(m.ms, 1).padStart(10)}${num((c.history.length / m.ms) * 1000).padStart(12)}${num(m.visited).padStart(11)}`
  if (one !== undefined) {
    const ratio = one.ms / m.ms
    if (m.verdict === c.expected && one.result === c.expected) ratios.push(ratio)
    line += `${num(one.ms, 1).padStart(10)}${`${ratio.toFixed(2)}x`.padStart(11)}`
    if (all !== undefined) line += `${num(all.ms, 1).padStart(16)}`
    if (one.result !== c.expected) line += `  Porcupine: ${one.result}`
  }
  if (m.verdict !== c.expected) line += `  musil: ${m.verdict}, built to be ${c.expected}`
  console.log(line)
})
console.log('')
if (ratios.length > 0) {
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
  console.log(
    `porc/musil = Porcupine's time (1 core) over musil's: above 1 musil is faster. Geometric mean over ${ratios.length} histories: ${geo.toFixed(2)}x; min ${Math.min(...ratios).toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x`,
  )
}
if (wrong > 0) {
  console.log(`${wrong} histories got a verdict other than the one they were built to have`)
  process.exitCode = 1
}
