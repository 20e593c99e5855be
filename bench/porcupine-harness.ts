/**
 * Porcupine, run from musil's benchmarks: builds the Go harness in `bench/porcupine/` against
 * the Porcupine checkout named by `PORCUPINE_DIR`, writes histories in the harness's JSON-lines
 * format, and reads back its verdicts and times. Nothing of Porcupine is kept in this
 * repository: the checkout is the user's, and the build happens in a temporary directory.
 *
 * The harness format holds the two models both checkers are compared on: a register
 * (read / write / cas over integers, `null` for never written) and a key-value store
 * (get / put / append over strings, partitioned by key).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LinearizabilityVerdict, Operation } from '@musil/core'

/** One operation in the harness format (see bench/porcupine/main.go). */
export type HarnessOperation =
  | { f: 'read'; out: number | null }
  | { f: 'write'; value: number }
  | { f: 'cas'; from: number; to: number; ok: boolean }
  | { f: 'get'; key: string; out: string }
  | { f: 'put' | 'append'; key: string; value: string }

/** The model a harness file is checked against. */
export type HarnessModel = 'register' | 'kv'

/** What the harness printed for one file. */
export interface PorcupineVerdict {
  readonly file: string
  readonly operations: number
  readonly result: LinearizabilityVerdict | 'error'
  readonly ms: number
  readonly error?: string
}

/**
 * Writes a history for the harness: `toHarness` turns each operation into the harness's
 * fields; call and return times are copied (an unknown return, `Infinity`, is written as -1).
 * Times must be integers: Porcupine's are `int64`.
 */
export function writeHarnessHistory<I, O>(
  path: string,
  model: HarnessModel,
  history: readonly Operation<I, O>[],
  toHarness: (op: Operation<I, O>) => HarnessOperation,
): void {
  const clients = new Map<number | string, number>()
  const lines = [JSON.stringify({ model })]
  for (const op of history) {
    let client = clients.get(op.client)
    if (client === undefined) clients.set(op.client, (client = clients.size))
    if (!Number.isInteger(op.call) || !(Number.isInteger(op.return) || op.return === Infinity)) {
      throw new Error(`harness times must be integers, got call ${op.call} return ${op.return}`)
    }
    const ret = op.return === Infinity ? -1 : op.return
    lines.push(JSON.stringify({ client, call: op.call, return: ret, ...toHarness(op) }))
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
}

/** Why Porcupine cannot run here, or the path of the built harness. */
export type HarnessBuild = { ok: true; binary: string } | { ok: false; reason: string }

/**
 * Builds the harness against `PORCUPINE_DIR` (once per process). Needs Go (1.18 or later) on
 * the PATH; works offline, since Porcupine has no dependencies of its own.
 */
export function buildPorcupineHarness(dir = process.env.PORCUPINE_DIR): HarnessBuild {
  if (dir === undefined || dir === '') {
    return { ok: false, reason: 'PORCUPINE_DIR is not set (a checkout of Porcupine)' }
  }
  const porcupine = resolve(dir)
  if (!existsSync(join(porcupine, 'checker.go'))) {
    return { ok: false, reason: `PORCUPINE_DIR=${dir} holds no Porcupine checkout (no checker.go)` }
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (go.status !== 0) return { ok: false, reason: 'go is not on the PATH' }
  const work = join(tmpdir(), 'musil-porcupine-harness')
  mkdirSync(work, { recursive: true })
  copyFileSync(fileURLToPath(new URL('porcupine/main.go', import.meta.url)), join(work, 'main.go'))
  writeFileSync(
    join(work, 'go.mod'),
    [
      'module musil.local/porcupine-harness',
      '',
      'go 1.18',
      '',
      'require github.com/anishathalye/porcupine v0.0.0',
      '',
      `replace github.com/anishathalye/porcupine => ${porcupine}`,
      '',
    ].join('\n'),
  )
  const binary = join(work, 'porcupine-harness')
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' },
  })
  if (build.status !== 0) {
    return { ok: false, reason: `go build failed: ${build.stderr.trim() || build.stdout.trim()}` }
  }
  return { ok: true, binary }
}

/**
 * Runs the harness on `files`: each is checked `repeat` times and the fastest time reported.
 * `procs` sets GOMAXPROCS (Porcupine checks partitions on goroutines; 1 compares a single
 * core with musil's single thread).
 */
export function runPorcupine(
  binary: string,
  files: readonly string[],
  options: { timeoutMs?: number; repeat?: number; procs?: number } = {},
): PorcupineVerdict[] {
  const args = [`-repeat=${options.repeat ?? 1}`]
  if (options.timeoutMs !== undefined) args.push(`-timeout=${options.timeoutMs}ms`)
  const env = { ...process.env }
  if (options.procs !== undefined) env.GOMAXPROCS = String(options.procs)
  const run = spawnSync(binary, [...args, ...files], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 26,
  })
  if (run.status !== 0) throw new Error(`porcupine-harness failed: ${run.stderr}`)
  return run.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PorcupineVerdict)
}
