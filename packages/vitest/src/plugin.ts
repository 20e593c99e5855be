/// <reference types="vitest/config" />
/**
 * The `musil()` Vitest plugin. In Vitest's main process it reads the replay seed (`-- --seed=N`,
 * `MUSIL_SEED`, an explicit `--sequence.seed`), the CI shard (`MUSIL_SHARD=i/n`), the export
 * conditions sweep workers need, and the memory of failing seeds, and `provide`s them to the
 * tests; it registers the matchers in every test file and installs the {@link MusilReporter}.
 *
 * @module
 */
/// <reference types="vitest/config" />
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import type { VitestPluginContext } from 'vitest/node'
import type { ProvidedSeed, Shard } from './context.ts'
import { readMemory } from './failing-seeds.ts'
import { MusilReporter, type MusilReporterOptions } from './reporter.ts'
import { parseSeed, parseShard } from './seeds.ts'

/** Options of the {@link musil} plugin. */
export interface MusilPluginOptions {
  /** Register the matchers in every test file (default true). */
  registerMatchers?: boolean
  /** A seed for every simulation test without `.each` (below `MUSIL_SEED` and `-- --seed`). */
  seed?: number
  /** The reporter's options, or `false` to leave the reporters alone. */
  reporter?: MusilReporterOptions | false
}

/** Path of the setup file next to this module: compiled `.js` in a package, `.ts` in the repo. */
function setupFile(): string {
  const js = fileURLToPath(new URL('./setup.js', import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL('./setup.ts', import.meta.url))
}

/** Conditions every resolver knows; the rest are custom (e.g. `@musil/source`) and must reach workers. */
const STANDARD_CONDITIONS = new Set([
  'import',
  'require',
  'node',
  'default',
  'module',
  'browser',
  'development',
  'production',
  'development|production',
  'types',
])

/** The arguments after a bare `--` (Vitest ignores them; npm strips one `--`). */
export function passThroughArgs(argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf('--')
  return i < 0 ? [] : argv.slice(i + 1)
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

const installed = new WeakSet<object>()

/**
 * The musil Vitest plugin.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { musil } from '@musil/vitest/plugin'
 * export default defineConfig({ plugins: [musil()] })
 */
export function musil(options: MusilPluginOptions = {}): Plugin {
  return {
    name: 'musil',
    config() {
      if (options.registerMatchers === false) return
      return { test: { setupFiles: [setupFile()] } }
    },
    configureVitest({ vitest, project }: VitestPluginContext) {
      const root = vitest.config.root
      // `--sequence.seed` counts only when given explicitly: with shuffling on, Vitest fills in
      // Date.now(), which is no one's choice of simulation seed.
      const explicitSequenceSeed = process.argv.some((a) => a.startsWith('--sequence.seed'))
      const seed = requestedSeed(
        process.argv,
        process.env,
        options.seed,
        explicitSequenceSeed ? vitest.config.sequence.seed : undefined,
      )
      // Provide only what is present, so a `test.provide` in the config is not clobbered.
      if (seed) project.provide('musil:seed', seed)
      const shard: Shard | null = process.env.MUSIL_SHARD?.trim()
        ? parseShard(process.env.MUSIL_SHARD)
        : null
      if (shard) project.provide('musil:shard', shard)
      const ssr = project.vite.config.ssr?.resolve?.conditions ?? []
      const conditions = [...new Set([...ssr, ...(project.vite.config.resolve.conditions ?? [])])]
      project.provide(
        'musil:conditions',
        conditions.filter((c) => !STANDARD_CONDITIONS.has(c)),
      )
      project.provide('musil:root', root)
      project.provide(
        'musil:memory',
        readMemory(root, (m) => vitest.logger.warn(m)),
      )
      if (options.reporter !== false && !installed.has(vitest)) {
        installed.add(vitest)
        const reporters = vitest.config.reporters as unknown[]
        if (!reporters.some((r) => MusilReporter.is(r))) {
          reporters.push(new MusilReporter(options.reporter ?? {}))
        }
      }
    },
  }
}
