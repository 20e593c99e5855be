/**
 * The `musil()` Vitest plugin. In Vitest's main process it reads the replay seed (`-- --seed=N`,
 * `MUSIL_SEED`, an explicit `--sequence.seed`), the CI shard (`MUSIL_SHARD=i/n`), the export
 * conditions sweep workers need, and the memory of failing seeds, and `provide`s them to the
 * tests; it registers the matchers in every test file and installs the {@link MusilReporter}.
 *
 * @module
 */
/// <reference types="vitest/config" />
import type { Plugin } from 'vite'
import type { VitestPluginContext } from 'vitest/node'
import { readMemory } from './failing-seeds.ts'
import type { MusilPluginOptions } from './plugin-options.ts'
import type * as Settings from './plugin-settings.ts'
import { MusilReporter } from './reporter.ts'
import { importLikeTests, siblingModule } from './runner-import.ts'

export type { MusilPluginOptions } from './plugin-options.ts'

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
  // The full check (unknown keys, with suggestions) runs in configureVitest, where @musil/core
  // can be loaded; this one only keeps `config()` from failing on a non-object first.
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `musil() expects an options object such as { seed: 1 } or nothing, got ${String(options)}`,
    )
  }
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
      const { pluginSettings } = await importLikeTests<typeof Settings>(project, 'plugin-settings')
      const { seed, shard } = pluginSettings(
        options,
        process.argv,
        process.env,
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
