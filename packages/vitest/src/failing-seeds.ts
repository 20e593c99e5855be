/**
 * The memory of failing seeds: `.musil/failing-seeds.json` under the project root, keyed by
 * `file > suite > test`. The reporter (one writer, in Vitest's main process) updates it after
 * each run; the plugin hands it to the tests, which run remembered seeds first until they pass.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { FailingSeedMemory } from './context.ts'

/** Where the memory lives, relative to the project root. */
export const MEMORY_FILE = '.musil/failing-seeds.json'

/** Most seeds remembered per test: enough to replay a regression, small enough to read. */
export const MAX_REMEMBERED = 100

interface MemoryFile {
  readonly version: 1
  readonly seeds: Record<string, number[]>
}

/** How many failing seeds a message or the reporter lists before it writes `…`. */
const LISTED = 20

/**
 * A sweep's failing seeds in one line, as the matchers and the reporter print them:
 * `failing seeds (74): 6, 12, 13, …`. `total` counts them when `seeds` is already capped.
 */
export function failingSeedsLine(seeds: readonly number[], total: number = seeds.length): string {
  const more = total > LISTED ? ', …' : ''
  return `failing seeds (${total}): ${seeds.slice(0, LISTED).join(', ')}${more}`
}

/** Path of the memory file of the project at `root`. */
export function memoryPath(root: string): string {
  return join(root, MEMORY_FILE)
}

/**
 * Reads the memory; a missing file is an empty memory. A file that is not musil's (or is
 * corrupt) is ignored with a warning rather than failing the run: it only orders seeds.
 */
export function readMemory(
  root: string,
  warn: (message: string) => void = () => {},
): FailingSeedMemory {
  const path = memoryPath(root)
  if (!existsSync(path)) return {}
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as MemoryFile
    if (data?.version !== 1 || data.seeds === null || typeof data.seeds !== 'object')
      throw new Error('unknown format')
    const out: Record<string, number[]> = {}
    for (const [key, list] of Object.entries(data.seeds)) {
      // The seed rule of @musil/core (`seedProblem`), restated: the plugin loads this module
      // before Vitest's module runner exists, so it cannot import @musil/core.
      if (Array.isArray(list)) out[key] = list.filter((s) => Number.isSafeInteger(s) && s >= 0)
    }
    return out
  } catch (e) {
    warn(
      `[musil] ignoring ${path}: ${e instanceof Error ? e.message : String(e)} (delete it to start afresh)`,
    )
    return {}
  }
}

/** Writes the memory atomically (write, then rename); an empty memory removes nothing but its keys. */
export function writeMemory(root: string, memory: FailingSeedMemory): void {
  const path = memoryPath(root)
  mkdirSync(dirname(path), { recursive: true })
  const seeds: Record<string, number[]> = {}
  for (const key of Object.keys(memory).sort()) {
    const list = memory[key]
    if (list && list.length > 0) seeds[key] = [...list]
  }
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify({ version: 1, seeds } satisfies MemoryFile, null, 2)}\n`)
  renameSync(tmp, path)
}

/** One test's outcome, as the memory needs it. */
export interface SeedOutcome {
  readonly key: string
  readonly passed: boolean
  /** The seed a single-seed test ran. */
  readonly seed?: number
  /** A sweep's failing seeds (all of them, ascending); undefined for single-seed tests. */
  readonly failingSeeds?: readonly number[]
}

/**
 * The memory after a run. A sweep's entry becomes its failing seeds (none when it passed). A
 * single-seed test that failed adds its seed in front; one that passed drops its seed, so a
 * remembered seed is retried until it passes and then forgotten.
 */
export function updateMemory(
  memory: FailingSeedMemory,
  outcomes: readonly SeedOutcome[],
): FailingSeedMemory {
  const next: Record<string, number[]> = {}
  for (const [k, v] of Object.entries(memory)) next[k] = [...v]
  for (const o of outcomes) {
    const before = next[o.key] ?? []
    let after: number[]
    if (o.failingSeeds !== undefined) after = o.passed ? [] : [...o.failingSeeds]
    else if (o.seed === undefined) after = before
    else if (o.passed) after = before.filter((s) => s !== o.seed)
    else after = [o.seed, ...before.filter((s) => s !== o.seed)]
    after = after.slice(0, MAX_REMEMBERED)
    if (after.length > 0) next[o.key] = after
    else delete next[o.key]
  }
  return next
}
