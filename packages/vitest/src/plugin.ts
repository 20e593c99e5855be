/**
 * The `musil()` Vitest plugin. Placeholder until the plugin slice lands: it registers the
 * plugin name so configs can already list it.
 *
 * @module
 */
import type { Plugin } from 'vite'

/** Options of the {@link musil} plugin. */
export interface MusilPluginOptions {
  /** A seed to use for every simulation test (overridden by MUSIL_SEED). */
  seed?: number
}

/** The musil Vitest plugin: `plugins: [musil()]` in `vitest.config.ts`. */
export function musil(options: MusilPluginOptions = {}): Plugin {
  void options
  return { name: 'musil' }
}
