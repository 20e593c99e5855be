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
import type { TestProject, VitestPluginContext } from 'vitest/node'
import { readMemory } from './failing-seeds.ts'
import type * as Settings from './plugin-settings.ts'
import { MusilReporter, type MusilReporterOptions } from './reporter.ts'

/** Options of the {@link musil} plugin. */
export interface MusilPluginOptions {
  /** Register the matchers in every test file (default true). */
  registerMatchers?: boolean
  /** A seed for every simulation test without `.each` (below `MUSIL_SEED` and `-- --seed`). */
  seed?: number
  /** The reporter's options, or `false` to leave the reporters alone. */
  reporter?: MusilReporterOptions | false
}

/**
 * Path of a module next to this one: compiled `.js` in a package, `.ts` in the repository.
 * @param name - the module's name without extension
 */
function siblingModule(name: string): string {
  const js = fileURLToPath(new URL(`./${name}.js`, import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
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

/**
 * Imports a module the way test files import it: through the project's SSR module runner, with
 * the project's resolve conditions. The plugin reaches `@musil/core` only this way, never with a
 * static import (see plugin-settings.ts for why).
 */
async function importLikeTests<T>(project: TestProject, path: string): Promise<T> {
  // Vitest makes the SSR environment runnable for this purpose; its own `project.import` uses an
  // environment without the user's `ssr.resolve.conditions`.
  const ssr = project.vite.environments.ssr as { runner?: { import(id: string): Promise<unknown> } }
  if (typeof ssr?.runner?.import === 'function') return (await ssr.runner.import(path)) as T
  return project.import<T>(path)
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
      return { test: { setupFiles: [siblingModule('setup')] } }
    },
    async configureVitest({ vitest, project }: VitestPluginContext): Promise<void> {
      const root = vitest.config.root
      // `--sequence.seed` counts only when given explicitly: with shuffling on, Vitest fills in
      // Date.now(), which is no one's choice of simulation seed.
      const explicitSequenceSeed = process.argv.some((a) => a.startsWith('--sequence.seed'))
      const { pluginSettings } = await importLikeTests<typeof Settings>(
        project,
        siblingModule('plugin-settings'),
      )
      const { seed, shard } = pluginSettings(
        process.argv,
        process.env,
        options.seed,
        explicitSequenceSeed ? vitest.config.sequence.seed : undefined,
      )
      // Provide only what is present, so a `test.provide` in the config is not clobbered.
      if (seed) project.provide('musil:seed', seed)
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
