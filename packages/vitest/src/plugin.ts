/**
 * The `musil()` Vitest plugin: registers musil's matchers in every test file through a setup
 * file, so `expect(model).toBeSafe()` needs no import.
 *
 * @module
 */
/// <reference types="vitest/config" />
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'

/** Options of the {@link musil} plugin. */
export interface MusilPluginOptions {
  /** Register the matchers in every test file (default true). */
  registerMatchers?: boolean
}

/** Path of the setup file next to this module: compiled `.js` in a package, `.ts` in the repo. */
function setupFile(): string {
  const js = fileURLToPath(new URL('./setup.js', import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL('./setup.ts', import.meta.url))
}

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
  }
}
