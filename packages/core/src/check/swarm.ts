/**
 * Swarm verification (Holzmann, Joshi, Groce, "Swarm Verification Techniques", IEEE TSE 2011):
 * when a model is too large to search exhaustively, run n small searches that differ on
 * purpose instead of one big one, each on its own machine (a CI matrix), and merge what they
 * report. Shard i of n searches with its own seed: its own random order of actions, its own
 * hash functions for the bitstate table, and one of two strategies (odd shards a depth-first
 * search, even shards random-restart dives), within a budget of states or time.
 *
 * A shard keeps no states, only a bitstate table (two bits a state, Spin's `-DBITSTATE -k2`):
 * two states may share their bits, so a shard can skip a state it never saw and its count of
 * states covered is a lower bound. That is the price of searching past memory, and the reason a
 * swarm never claims completeness: its verdict always says `exhaustive: no`.
 *
 * A violation is reported as the shard's seed and the choices that lead to it (the number of
 * the initial state, then of the successor taken at each step, in the model's own order), so
 * {@link replaySwarmTrace} rebuilds the trace on any machine from the report alone.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SeedConfigError, SwarmReportError, UserCodeError } from '../errors.ts'
import { instanceLabel } from '../model/action.ts'
import type { Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { runConstraint, runTerminal, type Successor, successors } from '../model/successors.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { checkSeed } from '../random/seed.ts'
import { RandomStream, substreamSeed } from '../random/stream.ts'
import { modelDigest } from './checkpoint.ts'
import type { SafetyViolation, Step } from './types.ts'
import { describeUserError, failingInvariant } from './violations.ts'

/** One shard of a swarm: `index` from 1 to `count`. */
export interface SwarmShard {
  readonly index: number
  readonly count: number
}

/** Options of {@link swarmShard}. */
export interface SwarmOptions {
  /** Which shard to run: `{ index, count }` or `'i/n'`. Default: `MUSIL_SHARD`, else `1/1`. */
  shard?: SwarmShard | string
  /** The swarm's seed; each shard derives its own from it (default 0). */
  seed?: number
  /** Stop after covering this many states (default 100,000). */
  maxStates?: number
  /** Stop after this many milliseconds (default: no time limit). */
  timeMs?: number
  /** The longest path a shard follows from an initial state, in steps (default 10,000). */
  depth?: number
  /** log2 of the bits in the bitstate table (default 24: 2 MiB). */
  bitstateBits?: number
  /** Report states without successors as deadlocks (default true), unless `terminal` allows them. */
  deadlock?: boolean
}

/** The keys {@link SwarmOptions} may have. */
export const SWARM_OPTION_KEYS: readonly OptionKey<SwarmOptions>[] = keyList<SwarmOptions>()([
  'shard',
  'seed',
  'maxStates',
  'timeMs',
  'depth',
  'bitstateBits',
  'deadlock',
])

/** A violation a shard found, replayable from the report alone. */
export interface SwarmViolation {
  readonly kind: SafetyViolation<unknown>['kind']
  readonly name: string
  readonly message: string
  /** The shard that found it and its seed. */
  readonly shard: SwarmShard
  readonly seed: number
  /** The initial state's number, then the number of the successor taken at each step. */
  readonly choices: readonly number[]
  /** Steps of the trace (`choices.length - 1`). */
  readonly steps: number
}

/** What one shard reports: plain JSON, written by {@link writeSwarmReport}. */
export interface SwarmShardReport {
  readonly format: 'musil-swarm-shard'
  readonly version: 1
  readonly model: string
  /** The digest of the model and `deadlock` option: shards of another model do not merge. */
  readonly digest: string
  readonly shard: SwarmShard
  /** The swarm's seed, and this shard's own (derived from it and the shard index). */
  readonly swarmSeed: number
  readonly seed: number
  readonly strategy: 'depth-first' | 'random-restart'
  /** States whose bitstate bits this shard set: a lower bound of the distinct states it saw. */
  readonly statesCovered: number
  /** Successors produced, duplicates included. */
  readonly generated: number
  /** The longest path followed, in states. */
  readonly maxDepth: number
  readonly durationMs: number
  /** Why the shard stopped. */
  readonly stoppedBy: 'violation' | 'maxStates' | 'timeMs' | 'exhausted'
  /** Always false: a swarm samples. */
  readonly exhaustive: false
  readonly violation?: SwarmViolation
}

const DEFAULT_MAX_STATES = 100_000
const DEFAULT_DEPTH = 10_000
const DEFAULT_BITS = 24
/** A dive ends after this many steps in a row over states it had seen. */
const STALE_STEPS = 256
/** The clock is read once per this many states. */
const CLOCK_EVERY = 1024

/**
 * `MUSIL_SHARD=i/n` (1 <= i <= n) as a shard.
 *
 * @throws {SeedConfigError} when it is malformed or out of range.
 */
export function parseShard(raw: string, source = 'MUSIL_SHARD'): SwarmShard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw)
  if (!m) {
    throw new SeedConfigError(source, `'${raw}' is not a shard; write i/n, e.g. MUSIL_SHARD=1/4`)
  }
  const index = Number(m[1])
  const count = Number(m[2])
  if (count < 1 || index < 1 || index > count) {
    throw new SeedConfigError(
      source,
      `'${raw}' is out of range; the index runs from 1 to the count, e.g. 1/4 .. 4/4`,
    )
  }
  return { index, count }
}

function resolveShard(shard: SwarmShard | string | undefined): SwarmShard {
  if (typeof shard === 'string') return parseShard(shard, 'swarm shard')
  if (shard !== undefined) return parseShard(`${shard.index}/${shard.count}`, 'swarm shard')
  const raw = process.env.MUSIL_SHARD
  return raw !== undefined && raw.trim() !== '' ? parseShard(raw) : { index: 1, count: 1 }
}

/**
 * Runs one shard of a swarm search of `model` and reports what it covered and any violation.
 * The same options and shard give the same report (but `durationMs`), unless `timeMs` cut it.
 *
 * @example
 * // In CI job i of n, with MUSIL_SHARD=i/n set by the matrix:
 * const report = swarmShard(model, { maxStates: 1_000_000 })
 * writeSwarmReport(report, 'swarm-reports')
 */
export function swarmShard<S>(model: Model<S>, opts: SwarmOptions = {}): SwarmShardReport {
  checkOptions(opts, 'swarmShard()', SWARM_OPTION_KEYS)
  for (const k of ['maxStates', 'timeMs', 'depth'] as const) {
    const v = opts[k]
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`swarmShard(): ${k} must be a positive integer, got ${String(v)}`)
    }
  }
  if (opts.seed !== undefined) checkSeed(opts.seed, 'swarmShard()')
  const shard = resolveShard(opts.shard)
  const swarmSeed = opts.seed ?? 0
  const seed = substreamSeed(swarmSeed, `swarm-shard:${shard.index}`)
  const run = new ShardSearch(model, opts, seed, shard)
  const started = performance.now()
  const stoppedBy = run.run(started)
  const v = run.violation
  return {
    format: 'musil-swarm-shard',
    version: 1,
    model: model.name,
    digest: modelDigest(model, { deadlock: opts.deadlock !== false }),
    shard,
    swarmSeed,
    seed,
    strategy: run.strategy,
    statesCovered: run.covered,
    generated: run.generated,
    maxDepth: run.maxDepth,
    durationMs: performance.now() - started,
    stoppedBy,
    exhaustive: false,
    ...(v && {
      violation: {
        kind: v.kind,
        name: v.name,
        message: v.message,
        shard,
        seed,
        choices: v.choices,
        steps: v.choices.length - 1,
      },
    }),
  }
}

/** Successors in the model's order, undefined where the constraint rejects one. */
type Next<S> = (Successor<S> | undefined)[]

/** One frame of the depth-first stack: a state, its successors in shard order, the next one. */
interface Frame<S> {
  readonly state: S
  readonly next: Next<S>
  /** Numbers of the successors in the model's order, shuffled for this shard. */
  readonly order: number[]
  at: number
  /** The choice that led here. */
  readonly choice: number
}

class ShardSearch<S> {
  readonly model: Model<S>
  readonly rng: RandomStream
  readonly key
  readonly bits: Int32Array
  readonly mask: number
  readonly salt: number
  readonly maxStates: number
  readonly timeMs: number
  readonly depth: number
  readonly deadlock: boolean
  readonly strategy: 'depth-first' | 'random-restart'
  readonly names: string[]
  readonly predicates: ((s: S) => boolean)[]
  /** The shard's order of actions: successors are tried by action in this order. */
  readonly actionRank: number[]
  covered = 0
  generated = 0
  maxDepth = 0
  violation:
    | { kind: SafetyViolation<S>['kind']; name: string; message: string; choices: number[] }
    | undefined

  constructor(model: Model<S>, opts: SwarmOptions, seed: number, shard: SwarmShard) {
    this.model = model
    this.rng = new RandomStream(seed, 'swarm')
    this.key = keyFingerprinter(model)
    const bits = opts.bitstateBits ?? DEFAULT_BITS
    if (!(Number.isInteger(bits) && bits >= 10 && bits <= 32)) {
      throw new RangeError(
        `swarmShard(): bitstateBits must be an integer from 10 to 32, got ${bits}`,
      )
    }
    this.bits = new Int32Array(2 ** (bits - 5))
    this.mask = bits === 32 ? 0xffffffff : 2 ** bits - 1
    this.salt = seed | 0
    this.maxStates = opts.maxStates ?? DEFAULT_MAX_STATES
    this.timeMs = opts.timeMs ?? Number.POSITIVE_INFINITY
    this.depth = opts.depth ?? DEFAULT_DEPTH
    this.deadlock = opts.deadlock !== false
    this.strategy = shard.index % 2 === 1 ? 'depth-first' : 'random-restart'
    this.names = Object.keys(model.invariants)
    this.predicates = this.names.map((n) => model.invariants[n]!)
    this.actionRank = this.shuffled(model.actions.length)
  }

  shuffled(n: number): number[] {
    const a = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) {
      const j = this.rng.int(0, i)
      const t = a[i]!
      a[i] = a[j]!
      a[j] = t
    }
    return a
  }

  /** Marks `s` in the bitstate table; true when it was not marked yet. */
  mark(s: S): boolean {
    const { key } = this
    key(s)
    // Two positions from the 64-bit fingerprint, salted per shard: each shard's table collides
    // on different pairs of states (Holzmann's hash diversification).
    const p1 = ((key.fp.lo ^ this.salt) >>> 0) & this.mask
    const p2 = (Math.imul(key.fp.hi ^ (this.salt >>> 7), 0x9e3779b1) >>> 0) & this.mask
    const w1 = p1 >>> 5
    const b1 = 1 << (p1 & 31)
    const w2 = p2 >>> 5
    const b2 = 1 << (p2 & 31)
    const seen = (this.bits[w1]! & b1) !== 0 && (this.bits[w2]! & b2) !== 0
    if (seen) return false
    this.bits[w1]! |= b1
    this.bits[w2]! |= b2
    this.covered++
    return true
  }

  /** Marks and checks a state reached by `choices`; true when it is new and violates nothing. */
  visit(s: S, choices: () => number[]): boolean {
    if (!this.mark(s)) return false
    const failed = failingInvariant(this.names, this.predicates, s)
    if (failed === undefined) return true
    const steps = choices()
    if (failed.error === undefined) {
      this.violation = {
        kind: 'invariant',
        name: failed.name,
        message: `invariant ${failed.name} is violated after ${steps.length - 1} steps`,
        choices: steps,
      }
    } else {
      this.errorAt(failed.error, steps)
    }
    return false
  }

  errorAt(e: UserCodeError, choices: number[]): void {
    const info = describeUserError(e)
    this.violation = {
      kind: 'error',
      name: info.label,
      message: `${info.origin} of ${info.label} threw after ${choices.length - 1} steps: ${info.message}`,
      choices,
    }
  }

  /**
   * The successors of `s` in the model's order (so that a choice is a position in it), each
   * undefined where the constraint rejects it; undefined after recording a violation.
   */
  expand(s: S, choices: () => number[]): Next<S> | undefined {
    const { model } = this
    try {
      const all = successors(model, s)
      this.generated += all.length
      if (all.length === 0 && this.deadlock && !runTerminal(model, s)) {
        this.violation = {
          kind: 'deadlock',
          name: 'deadlock',
          message: `deadlock: a reachable state of ${model.name} has no enabled action and is not terminal`,
          choices: choices(),
        }
        return undefined
      }
      return all.map((x) => (runConstraint(model, x.state) ? x : undefined))
    } catch (e) {
      if (!(e instanceof UserCodeError)) throw e
      this.errorAt(e, choices())
      return undefined
    }
  }

  /** Successor numbers in this shard's order: by shuffled action rank, ties at random. */
  order(next: Next<S>): number[] {
    const rank = this.actionRank
    const of = (k: number): number => {
      const x = next[k]
      return x === undefined ? rank.length : rank[x.action]!
    }
    return this.shuffled(next.length).sort((a, b) => of(a) - of(b))
  }

  run(started: number): SwarmShardReport['stoppedBy'] {
    const inits = this.model.init
    this.generated += inits.length
    let visited = 0
    const outOfBudget = (): SwarmShardReport['stoppedBy'] | undefined => {
      if (this.violation !== undefined) return 'violation'
      if (this.covered >= this.maxStates) return 'maxStates'
      if (++visited % CLOCK_EVERY === 0 && performance.now() - started >= this.timeMs)
        return 'timeMs'
      return undefined
    }
    const starts = this.shuffled(inits.length).filter((i) => runConstraint(this.model, inits[i]!))
    if (this.strategy === 'depth-first') {
      for (const i of starts) {
        const stop = this.depthFirst(i, outOfBudget)
        if (stop !== undefined) return stop
      }
      return 'exhausted'
    }
    if (starts.length === 0) return 'exhausted'
    // Random restarts: dives from random initial states, each preferring unseen successors,
    // until the budget runs out (a dive that finds nothing new ends early).
    for (let idle = 0; idle < 64 * Math.max(1, starts.length); ) {
      const covered = this.covered
      const stop = this.dive(this.rng.pick(starts), outOfBudget)
      if (stop !== undefined) return stop
      idle = this.covered === covered ? idle + 1 : 0
    }
    return 'exhausted'
  }

  depthFirst(init: number, outOfBudget: () => SwarmShardReport['stoppedBy'] | undefined) {
    const s0 = this.model.init[init]!
    const stack: Frame<S>[] = []
    const path = (extra?: number): number[] => {
      const c = stack.map((f) => f.choice)
      return extra === undefined ? c : [...c, extra]
    }
    if (!this.visit(s0, () => [init])) return outOfBudget()
    const push = (s: S, choice: number): boolean => {
      stack.push({ state: s, next: [], order: [], at: 0, choice })
      const next = this.expand(s, () => path())
      if (next === undefined) return false
      const frame = stack.at(-1)!
      frame.next.push(...next)
      frame.order.push(...this.order(next))
      this.maxDepth = Math.max(this.maxDepth, stack.length)
      return true
    }
    if (!push(s0, init)) return outOfBudget()
    while (stack.length > 0) {
      const frame = stack.at(-1)!
      if (frame.at >= frame.order.length || stack.length > this.depth) {
        stack.pop()
        continue
      }
      const k = frame.order[frame.at++]!
      const x = frame.next[k]
      if (x === undefined) continue
      const t = x.state
      if (!this.visit(t, () => path(k))) {
        const stop = this.violation !== undefined ? 'violation' : undefined
        if (stop !== undefined) return stop
        continue
      }
      if (!push(t, k)) return outOfBudget()
      const stop = outOfBudget()
      if (stop !== undefined) return stop
    }
    return outOfBudget()
  }

  dive(init: number, outOfBudget: () => SwarmShardReport['stoppedBy'] | undefined) {
    let s: S = this.model.init[init] as S
    const choices = [init]
    let stale = 0
    this.visit(s, () => choices.slice())
    for (let step = 0; step < this.depth; step++) {
      const stop = outOfBudget()
      if (stop !== undefined) return stop
      const next = this.expand(s, () => choices.slice())
      if (next === undefined) return outOfBudget()
      // A dive orders successors at random at every step (no action preference): it climbs
      // wherever any action leads, which complements the depth-first shards' fixed ranks.
      const allowed = this.shuffled(next.length).filter((k) => next[k] !== undefined)
      if (allowed.length === 0) break
      // Prefer a successor this shard has not seen; with none left, wander on at random.
      let chosen = -1
      for (const k of allowed) {
        if (this.visit(next[k]!.state, () => [...choices, k])) {
          chosen = k
          break
        }
        if (this.violation !== undefined) return 'violation'
      }
      if (chosen < 0) {
        // Wandering over seen states finds nothing: give up the dive after a while.
        if (++stale > STALE_STEPS) break
        chosen = this.rng.pick(allowed)
      } else stale = 0
      choices.push(chosen)
      s = next[chosen]!.state
      this.maxDepth = Math.max(this.maxDepth, choices.length)
    }
    return outOfBudget()
  }
}

/**
 * Rebuilds the trace of a shard's violation from its choices, on any machine.
 *
 * @throws {SwarmReportError} when the choices do not lead to a state with that violation (the
 *   model changed since the shard ran).
 */
export function replaySwarmTrace<S>(model: Model<S>, v: SwarmViolation): Step<S>[] {
  const [first, ...rest] = v.choices
  const init = model.init[first ?? -1]
  const fail = (why: string): never => {
    throw new SwarmReportError(
      `cannot replay the ${v.kind} ${v.name} of shard ${v.shard.index}/${v.shard.count} on ${model.name}: ${why}; was the model changed since the shard ran?`,
    )
  }
  if (init === undefined) return fail(`there is no initial state ${String(first)}`)
  const trace: Step<S>[] = [{ action: 'init', state: init }]
  let s: S = init
  for (const k of rest) {
    const x = successors(model, s)[k]
    if (x === undefined) return fail(`step ${trace.length} has no successor ${k}`)
    trace.push({
      action: instanceLabel(model.actions[x.action]! as never, x.param),
      state: x.state,
    })
    s = x.state
  }
  if (v.kind === 'invariant' && model.invariants[v.name]?.(s) !== false) {
    return fail(`invariant ${v.name} holds at the end of the trace`)
  }
  if (v.kind === 'deadlock' && successors(model, s).length > 0) {
    return fail('the last state of the trace has successors')
  }
  return trace
}

/** The merged verdict of a swarm's shard reports. */
export interface SwarmVerdict {
  /** True when no shard found a violation and every shard reported. Never a proof. */
  readonly ok: boolean
  readonly exhaustive: false
  readonly model: string
  readonly swarmSeed: number
  /** Shards in the swarm (n), and the indexes of those whose report is missing. */
  readonly shards: number
  readonly missing: readonly number[]
  /** The sum of the shards' states covered (a state two shards saw counts twice). */
  readonly statesCovered: number
  readonly generated: number
  /** The violation of the first shard (by index) that found one. */
  readonly violation?: SwarmViolation
  /** One line a person can read, e.g. "no violation in 400000 states covered by 4 shards; exhaustive: no". */
  readonly summary: string
}

/**
 * Merges the reports of a swarm's shards into one verdict. A swarm never claims completeness:
 * the summary always ends with `exhaustive: no`.
 *
 * @throws {SwarmReportError} when there is no report, or they are of different models, swarm
 *   seeds or shard counts, or a shard reported twice.
 */
export function mergeSwarmReports(reports: readonly SwarmShardReport[]): SwarmVerdict {
  if (reports.length === 0) throw new SwarmReportError('no swarm report to merge')
  for (const r of reports) {
    if (r?.format !== 'musil-swarm-shard') {
      throw new SwarmReportError(
        'a report to merge is not a musil swarm shard report (written by writeSwarmReport)',
      )
    }
  }
  const first = reports[0]!
  const seen = new Set<number>()
  for (const r of reports) {
    const what =
      r.digest !== first.digest
        ? `model ${r.model} (or its definition) differs from ${first.model}`
        : r.swarmSeed !== first.swarmSeed
          ? `swarm seed ${r.swarmSeed} differs from ${first.swarmSeed}`
          : r.shard.count !== first.shard.count
            ? `${r.shard.count} shards differ from ${first.shard.count}`
            : seen.has(r.shard.index)
              ? `shard ${r.shard.index}/${r.shard.count} reported twice`
              : undefined
    if (what !== undefined) {
      throw new SwarmReportError(
        `cannot merge swarm reports: ${what}; merge the reports of one swarm run`,
      )
    }
    seen.add(r.shard.index)
  }
  const n = first.shard.count
  const missing: number[] = []
  for (let i = 1; i <= n; i++) if (!seen.has(i)) missing.push(i)
  const byIndex = [...reports].sort((a, b) => a.shard.index - b.shard.index)
  const violation = byIndex.find((r) => r.violation !== undefined)?.violation
  const statesCovered = reports.reduce((a, r) => a + r.statesCovered, 0)
  const generated = reports.reduce((a, r) => a + r.generated, 0)
  const gap =
    missing.length > 0 ? `; missing shards: ${missing.map((i) => `${i}/${n}`).join(', ')}` : ''
  const summary =
    violation !== undefined
      ? `${violation.message} in shard ${violation.shard.index}/${n} (seed ${violation.seed}; replaySwarmTrace(model, verdict.violation) rebuilds the trace)${gap}; exhaustive: no`
      : `no violation in ${statesCovered} states covered by ${reports.length} shards${gap}; exhaustive: no`
  return {
    ok: violation === undefined && missing.length === 0,
    exhaustive: false,
    model: first.model,
    swarmSeed: first.swarmSeed,
    shards: n,
    missing,
    statesCovered,
    generated,
    ...(violation && { violation }),
    summary,
  }
}

/** Writes a shard's report as `swarm-<i>-of-<n>.json` in `dir` (created if missing); returns the path. */
export function writeSwarmReport(report: SwarmShardReport, dir: string): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `swarm-${report.shard.index}-of-${report.shard.count}.json`)
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}

/**
 * Reads shard reports from files and directories (every `swarm-*.json` in a directory, as CI
 * artifacts are usually downloaded into one).
 *
 * @throws {SwarmReportError} when a path is missing or a file is not JSON.
 */
export function readSwarmReports(paths: readonly string[]): SwarmShardReport[] {
  const files: string[] = []
  for (const p of paths) {
    if (!existsSync(p)) throw new SwarmReportError(`swarm report ${p} does not exist`)
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p, { recursive: true }) as string[]) {
        if (/(^|[\\/])swarm-[^\\/]*\.json$/.test(f)) files.push(join(p, f))
      }
    } else files.push(p)
  }
  return files.sort().map((f) => {
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as SwarmShardReport
    } catch (e) {
      throw new SwarmReportError(`swarm report ${f} is not JSON`, { cause: e })
    }
  })
}
