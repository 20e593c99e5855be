/**
 * The replay command printed with every failure: one line a user can paste into a shell to run
 * exactly that test with exactly that seed.
 *
 * @module
 */
import { isAbsolute, relative, sep } from 'node:path'
import { formatValue, OptionsError } from '@musil/core'
import { checkOptions, checkSeed, keyList, type OptionKey } from '@musil/core/internal'

/** Escapes `text` for use inside a regular expression, so `-t` matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Quotes `text` for a POSIX shell: bare when it is made of safe characters, otherwise in single
 * quotes (a single quote inside becomes `'\''`).
 */
export function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/**
 * The name `vitest -t` matches a test against: its suite names and its own name joined by one
 * space (Vitest's `getTaskFullName`), not the `a > b` form reporters print.
 */
export function fullTestName(task: {
  name: string
  suite?: { name: string; suite?: unknown }
}): string {
  const names: string[] = [task.name]
  let suite = task.suite as { name: string; suite?: unknown } | undefined
  while (suite) {
    if (suite.name) names.unshift(suite.name)
    suite = suite.suite as { name: string; suite?: unknown } | undefined
  }
  return names.join(' ')
}

/** What a replay command needs. */
export interface ReplayTarget {
  /** Absolute path of the test file. */
  readonly file: string
  /**
   * The name `vitest -t` matches the test by: its suite names and its own name joined by one
   * space (`outer inner leaf (seed 1)`), not the `a > b` form reporters print.
   */
  readonly fullName: string
  /** The seed to replay; omitted for tests without one (model checks). */
  readonly seed?: number
  /** Directory the command is run from (the project root); paths are printed relative to it. */
  readonly root?: string
}

/** The keys {@link ReplayTarget} may have: anything else is a typo `replayCommand` rejects. */
export const REPLAY_TARGET_KEYS: readonly OptionKey<ReplayTarget>[] = keyList<ReplayTarget>()([
  'file',
  'fullName',
  'seed',
  'root',
])

/**
 * `MUSIL_SEED=17 npx vitest run test/gossip.test.ts -t '^gossip converges \(seed 17\)$'`
 *
 * The environment variable is the contract because it reaches every pool and survives `npm
 * test`; `-t` is anchored and escaped so only this test runs. The file and the pattern are
 * quoted for a POSIX shell; the seed must be a seed, so nothing unquoted comes from the caller.
 *
 * @throws {OptionsError} when `target` has an unknown key, or `file`, `fullName` or `root` is not
 *   a string.
 * @throws {SeedConfigError} when `seed` is given and is not a seed (a non-negative safe integer).
 */
export function replayCommand(target: ReplayTarget): string {
  checkOptions(target, 'replayCommand()', REPLAY_TARGET_KEYS)
  for (const key of ['file', 'fullName', 'root'] as const) {
    const value: unknown = target[key]
    if (typeof value !== 'string' && (key !== 'root' || value !== undefined)) {
      throw new OptionsError(
        `replayCommand(): '${key}' must be a string, got ${formatValue(value)}`,
        'replayCommand()',
        key,
      )
    }
  }
  if (target.seed !== undefined) checkSeed(target.seed, 'replayCommand() seed')
  const file =
    target.root !== undefined && isAbsolute(target.file)
      ? relative(target.root, target.file).split(sep).join('/')
      : target.file
  const parts = [
    ...(target.seed === undefined ? [] : [`MUSIL_SEED=${target.seed}`]),
    'npx vitest run',
    shellQuote(file),
    '-t',
    shellQuote(`^${escapeRegExp(target.fullName)}$`),
  ]
  return parts.join(' ')
}
