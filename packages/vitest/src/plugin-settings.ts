/**
 * What the `musil()` plugin reads in Vitest's main process: the replay seed (`-- --seed=N`,
 * `MUSIL_SEED`, `musil({ seed })`, an explicit `--sequence.seed`) and the CI shard
 * (`MUSIL_SHARD=i/n`), validated.
 *
 * The plugin loads this module through the project's own Vite module runner, never statically:
 * Vite bundles `vitest.config.ts` and hands every bare import (such as `@musil/core`) to Node,
 * which in a fresh clone of this repository would look for a `dist/` that no one has built. Run
 * through the module runner, `@musil/core` resolves like it does in tests (to its sources here,
 * to its compiled files in a user's project).
 *
 * @module
 */
import { nearestKey } from '@musil/core/internal'
import type { ProvidedSeed, Shard } from './context.ts'
import { SeedConfigError } from './errors.ts'
import { checkPluginOptions, type MusilPluginOptions } from './plugin-options.ts'
import { parseSeed, parseShard } from './seeds.ts'

/** The arguments after a bare `--` (Vitest ignores them; npm strips one `--`). */
export function passThroughArgs(argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf('--')
  return i < 0 ? [] : argv.slice(i + 1)
}

/**
 * A flag after `--` that looks like a mistyped `--seed` (`--seeds=6`, `--sed 6`) would be
 * ignored, and the test would run another seed and maybe pass: refuse it. Other flags may be
 * someone else's, so they pass through.
 */
function refuseMistypedSeedFlag(arg: string): void {
  const flag = /^--?([A-Za-z-]+)(=.*)?$/.exec(arg)?.[1]
  if (flag === undefined || (flag === 'seed' && arg.startsWith('--'))) return
  if (nearestKey(flag, ['seed']) === 'seed') {
    throw new SeedConfigError(
      arg,
      `unknown flag after --; did you mean --seed=N (e.g. npm test -- -- --seed=6)?`,
    )
  }
}

/** The seed asked for on the command line or in the environment, with where it came from. */
export function requestedSeed(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  configSeed: number | undefined,
  sequenceSeed: number | undefined,
): ProvidedSeed | null {
  const tail = passThroughArgs(argv)
  for (let i = 0; i < tail.length; i++) {
    const a = tail[i]!
    refuseMistypedSeedFlag(a)
    if (a.startsWith('--seed=')) return { seed: parseSeed(a.slice(7), '--seed'), source: '--seed' }
    if (a === '--seed') return { seed: parseSeed(tail[i + 1] ?? '', '--seed'), source: '--seed' }
  }
  const fromEnv = env.MUSIL_SEED
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { seed: parseSeed(fromEnv, 'MUSIL_SEED'), source: 'MUSIL_SEED' }
  }
  if (configSeed !== undefined)
    return { seed: parseSeed(configSeed, 'musil({ seed })'), source: 'config' }
  if (sequenceSeed !== undefined) {
    return { seed: parseSeed(sequenceSeed, '--sequence.seed'), source: '--sequence.seed' }
  }
  return null
}

/** The settings of one Vitest run, as the plugin provides them to tests. */
export interface PluginSettings {
  /** The replay seed, when one was asked for. */
  readonly seed: ProvidedSeed | null
  /** The CI shard, when `MUSIL_SHARD` is set. */
  readonly shard: Shard | null
}

/**
 * Validates the plugin's options and reads its settings.
 *
 * @throws {OptionsError} for an unknown key in `musil({ … })`
 * @throws {SeedConfigError} naming a malformed seed or shard setting
 */
export function pluginSettings(
  options: MusilPluginOptions,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  sequenceSeed: number | undefined,
): PluginSettings {
  checkPluginOptions(options)
  return {
    seed: requestedSeed(argv, env, options.seed, sequenceSeed),
    shard: env.MUSIL_SHARD?.trim() ? parseShard(env.MUSIL_SHARD) : null,
  }
}
