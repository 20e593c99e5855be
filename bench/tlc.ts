/**
 * Runs TLC on the bench's TwoPhase model, for check.bench.ts's side-by-side row. TLC is not part
 * of musil: the jar is one you built (bench/README.md says how), given by `TLA2TOOLS`, and the
 * TwoPhase specification is read from a checkout of tlaplus/Examples given by `TLA_EXAMPLES`.
 * Only the model wrapper (bench/tla/MCTwoPhase.tla and .cfg: seven resource managers) is ours.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What one TLC run printed, and what it cost. */
export interface TlcRun {
  distinct: number
  generated: number
  depth: number
  /** Wall-clock time of the whole java process (JVM start-up and parsing included). */
  wallMs: number
  /** CPU time (user + system, all threads) of the java process, or NaN when unknown. */
  cpuMs: number
}

/** Where the TLC row gets its inputs, or why it cannot run. */
export function tlcSetup(rm: number): { jar: string; specDir: string } | string {
  const jar = process.env.TLA2TOOLS
  const examples = process.env.TLA_EXAMPLES
  if (!jar || !examples) {
    return 'TLC row skipped: set TLA2TOOLS=/path/to/tla2tools.jar and TLA_EXAMPLES=/path/to/a/checkout/of/tlaplus/Examples (see bench/README.md)'
  }
  if (rm !== 7)
    return `TLC row skipped: bench/tla/MCTwoPhase.cfg has 7 resource managers, not ${rm}`
  const specDir = join(examples, 'specifications', 'transaction_commit')
  if (!existsSync(jar)) return `TLC row skipped: TLA2TOOLS=${jar} does not exist`
  if (!existsSync(join(specDir, 'TwoPhase.tla'))) {
    return `TLC row skipped: ${specDir}/TwoPhase.tla not found; TLA_EXAMPLES must be a checkout of tlaplus/Examples`
  }
  return { jar, specDir }
}

/**
 * CPU time (ms) of the terminated children this process has waited for, from Linux's
 * /proc/self/stat (cutime + cstime, in clock ticks): Node reports no child's resource usage
 * itself. NaN elsewhere.
 */
function childrenCpuMs(ticksPerSecond: number): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // Fields after the command name (which may contain spaces) start at field 3, `state`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond
  } catch {
    return Number.NaN
  }
}

function clockTicks(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const n = Number(r.stdout?.trim())
  return Number.isFinite(n) && n > 0 ? n : 100
}

const count = (out: string, re: RegExp): number => {
  const m = re.exec(out)
  if (!m) throw new Error(`TLC's output has no match for ${re}:\n${out.slice(-2000)}`)
  return Number(m[1])
}

/**
 * Runs TLC with one worker on MCTwoPhase in a scratch folder (the wrapper next to TwoPhase.tla
 * and TCommit.tla, TLC's metadata there too) and returns its counts and costs. Extra JVM flags
 * come from `TLC_JAVA_OPTS` (default `-XX:+UseParallelGC`, as TLC's documentation advises).
 */
export function runTlc(jar: string, specDir: string): TlcRun {
  const dir = mkdtempSync(join(tmpdir(), 'musil-tlc-'))
  try {
    const here = fileURLToPath(new URL('./tla/', import.meta.url))
    for (const f of ['MCTwoPhase.tla', 'MCTwoPhase.cfg']) copyFileSync(join(here, f), join(dir, f))
    for (const f of ['TwoPhase.tla', 'TCommit.tla']) copyFileSync(join(specDir, f), join(dir, f))
    const javaOpts = (process.env.TLC_JAVA_OPTS ?? '-XX:+UseParallelGC')
      .split(/\s+/)
      .filter(Boolean)
    const args = [
      ...javaOpts,
      '-jar',
      jar,
      '-workers',
      '1',
      '-metadir',
      join(dir, 'states'),
      '-config',
      'MCTwoPhase.cfg',
      'MCTwoPhase.tla',
    ]
    const ticks = clockTicks()
    const cpu0 = childrenCpuMs(ticks)
    const t0 = performance.now()
    const r = spawnSync('java', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 })
    const wallMs = performance.now() - t0
    const cpuMs = childrenCpuMs(ticks) - cpu0
    if (r.error) throw new Error(`could not run java: ${r.error.message}`)
    const out = `${r.stdout}${r.stderr}`
    if (r.status !== 0) throw new Error(`TLC exited with ${r.status}:\n${out.slice(-2000)}`)
    return {
      generated: count(out, /(\d+) states generated, \d+ distinct states found/),
      distinct: count(out, /\d+ states generated, (\d+) distinct states found/),
      depth: count(out, /depth of the complete state graph search is (\d+)/),
      wallMs,
      cpuMs,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
