/**
 * Parity with Porcupine on its own test data: every history of a Porcupine checkout's
 * `test_data/` (Jepsen etcd register logs, key-value logs) is read by musil's readers and
 * checked by `checkLinearizability`, and the same operations are checked by Porcupine itself
 * (the Go harness); both verdicts are compared with each other and with the verdict Porcupine's
 * own tests expect (read from the checkout's `porcupine_test.go`). Any disagreement is printed
 * and fails the script.
 *
 * Run: PORCUPINE_DIR=/path/to/porcupine npx tsx --conditions=@musil/source bench/porcupine-parity.ts
 * (REPEAT=n times each check n times and keeps the fastest; PORCUPINE_PROCS sets GOMAXPROCS.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  checkLinearizability,
  type EdnValue,
  keyValueSpec,
  type LinearizabilityVerdict,
  registerSpec,
} from '@musil/core'
import { keyValueToHarness, readEtcdLog, readKvLog, registerToHarness } from './porcupine-data.ts'
import { buildPorcupineHarness, runPorcupine, writeHarnessHistory } from './porcupine-harness.ts'

const dir = process.env.PORCUPINE_DIR
const REPEAT = Number(process.env.REPEAT ?? 3)
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 60_000)
const PROCS =
  process.env.PORCUPINE_PROCS === undefined ? undefined : Number(process.env.PORCUPINE_PROCS)

if (dir === undefined) {
  console.error('PORCUPINE_DIR must name a Porcupine checkout (see bench/README.md)')
  process.exit(2)
}
const build = buildPorcupineHarness(dir)
if (!build.ok) {
  console.error(`cannot run Porcupine: ${build.reason}`)
  process.exit(2)
}

/** Verdicts Porcupine's tests expect, by file name: `checkJepsen(t, 12, false)`, `checkKv(t, "c01-ok", true, true)`. */
function expectedVerdicts(): Map<string, LinearizabilityVerdict> {
  const tests = readFileSync(join(dir!, 'porcupine_test.go'), 'utf8')
  const expected = new Map<string, LinearizabilityVerdict>()
  const verdict = (b: string) => (b === 'true' ? 'linearizable' : 'not-linearizable')
  for (const m of tests.matchAll(/checkJepsen\(t, (\d+), (true|false)\)/g)) {
    expected.set(`etcd_${m[1]!.padStart(3, '0')}.log`, verdict(m[2]!))
  }
  for (const m of tests.matchAll(/checkKv\(t, "([^"]+)", (true|false), true\)/g)) {
    expected.set(`${m[1]}.txt`, verdict(m[2]!))
  }
  return expected
}

interface Row {
  readonly file: string
  readonly ops: number
  readonly expected: LinearizabilityVerdict | undefined
  readonly musil: LinearizabilityVerdict
  readonly musilMs: number
  porcupine?: LinearizabilityVerdict | 'error'
  porcupineMs?: number
}

function best<T extends { result: LinearizabilityVerdict }>(run: () => T): { r: T; ms: number } {
  let r: T | undefined
  let ms = Number.POSITIVE_INFINITY
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now()
    r = run()
    ms = Math.min(ms, performance.now() - t0)
  }
  return { r: r!, ms }
}

/** The unit tests' fixtures in Porcupine's formats, with their verdicts. */
const OWN_FIXTURES: readonly [string, LinearizabilityVerdict][] = [
  ['register-ok.log', 'linearizable'],
  ['register-stale-read.log', 'not-linearizable'],
  ['register-failed-cas.log', 'not-linearizable'],
  ['kv-ok.edn', 'linearizable'],
  ['kv-bad.edn', 'not-linearizable'],
]

const expected = expectedVerdicts()
const work = mkdtempSync(join(tmpdir(), 'musil-parity-'))
const rows: Row[] = []
const files: string[] = []

/**
 * Reads one history (a `.log` is a register log, anything else a key-value log), checks it
 * with musil, and writes it for the harness.
 */
function add(name: string, text: string, verdict: LinearizabilityVerdict | undefined): void {
  const out = join(work, `${name}.jsonl`)
  let measured: { r: { result: LinearizabilityVerdict }; ms: number }
  let ops: number
  if (name.endsWith('.log')) {
    const history = readEtcdLog(text, name)
    const spec = registerSpec<EdnValue>()
    measured = best(() => checkLinearizability(history, spec, { timeoutMs: TIMEOUT_MS }))
    writeHarnessHistory(out, 'register', history, registerToHarness)
    ops = history.length
  } else {
    const history = readKvLog(text, name)
    const spec = keyValueSpec()
    measured = best(() => checkLinearizability(history, spec, { timeoutMs: TIMEOUT_MS }))
    writeHarnessHistory(out, 'kv', history, keyValueToHarness)
    ops = history.length
  }
  rows.push({ file: name, ops, expected: verdict, musil: measured.r.result, musilMs: measured.ms })
  files.push(out)
}

try {
  for (const [sub, pattern] of [
    ['jepsen', /^etcd_\d+\.log$/],
    ['kv', /\.txt$/],
  ] as const) {
    const from = join(dir, 'test_data', sub)
    for (const name of readdirSync(from)
      .filter((f) => pattern.test(f))
      .sort()) {
      add(name, readFileSync(join(from, name), 'utf8'), expected.get(name))
    }
  }
  // musil's own small fixtures in the same formats (the unit tests' verdicts, with failures
  // kept as Porcupine reads them): Porcupine must agree with them too.
  const fixtures = new URL('../packages/core/test/linearizability/fixtures/', import.meta.url)
  for (const [name, verdict] of OWN_FIXTURES) {
    add(name, readFileSync(new URL(name, fixtures), 'utf8'), verdict)
  }
  const verdicts = runPorcupine(build.binary, files, {
    repeat: REPEAT,
    timeoutMs: TIMEOUT_MS,
    ...(PROCS !== undefined && { procs: PROCS }),
  })
  verdicts.forEach((v, i) => {
    rows[i]!.porcupine = v.result
    rows[i]!.porcupineMs = v.ms
    if (v.error !== undefined) console.error(`${rows[i]!.file}: ${v.error}`)
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}

const short = (v: string | undefined) =>
  v === 'linearizable' ? 'ok' : v === 'not-linearizable' ? 'ILLEGAL' : (v ?? '-')
console.log(
  `${'file'.padEnd(24)}${'ops'.padStart(6)}  ${'expected'.padEnd(9)}${'musil'.padEnd(9)}${'porcupine'.padEnd(10)}${'musil ms'.padStart(10)}${'porc. ms'.padStart(10)}  agree`,
)
let disagreements = 0
let musilTotal = 0
let porcupineTotal = 0
for (const row of rows) {
  const agree =
    row.musil === row.porcupine && (row.expected === undefined || row.expected === row.musil)
  if (!agree) disagreements++
  musilTotal += row.musilMs
  porcupineTotal += row.porcupineMs ?? 0
  console.log(
    `${row.file.padEnd(24)}${String(row.ops).padStart(6)}  ${short(row.expected).padEnd(9)}${short(row.musil).padEnd(9)}${short(row.porcupine).padEnd(10)}${row.musilMs.toFixed(2).padStart(10)}${(row.porcupineMs ?? 0).toFixed(2).padStart(10)}  ${agree ? 'yes' : 'NO'}`,
  )
}
const checked = rows.filter((r) => r.expected !== undefined).length
console.log(
  `\n${rows.length} histories (${checked} with a known verdict: Porcupine's tests, musil's fixtures), ${disagreements} disagreement(s); total ms musil ${musilTotal.toFixed(1)}, Porcupine ${porcupineTotal.toFixed(1)} (fastest of ${REPEAT} each, GOMAXPROCS ${PROCS ?? 'default'})`,
)
process.exitCode = disagreements === 0 ? 0 : 1
