/**
 * Detects a missing `musil()` plugin from inside a test. The plugin `provide`s `musil:root` (and
 * more) to every test; without it `-- --seed=N` would be silently ignored and there would be no
 * memory of failing seeds and no report, so musil's tests fail at once and say what to add.
 *
 * @module
 */
import { PluginMissingError } from '@musil/core'
import { provided } from './test-meta.ts'

/** True when the `musil()` plugin is installed in the project running this test. */
export function pluginInstalled(): boolean {
  return provided('musil:root') !== undefined
}

/**
 * Throws {@link PluginMissingError} unless the `musil()` plugin is installed; `what` names the
 * test that needs it, e.g. `simTest('route converges')`.
 */
export function requirePlugin(what: string): void {
  if (pluginInstalled()) return
  throw new PluginMissingError(
    `${what} needs the musil() Vitest plugin, which is not installed, so -- --seed=N, the memory of failing seeds and the report would be ignored`,
  )
}
