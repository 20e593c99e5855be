/**
 * The valid keys of the `musil()` plugin's options and of the reporter's, and the check that
 * rejects any other key. The plugin loads in Vitest's main process before `@musil/core` may be
 * resolvable, so this module imports nothing from it at run time: the caller hands in
 * `checkOptions` from `@musil/core` once it has loaded it.
 *
 * @module
 */
import type { CompleteKeyList, checkOptions } from '@musil/core'
import type { MusilPluginOptions } from './plugin.ts'
import type { MusilReporterOptions } from './reporter.ts'

const pluginKeys = ['registerMatchers', 'seed', 'reporter'] as const
const reporterKeys = ['html', 'memory'] as const

/**
 * The keys {@link MusilPluginOptions} may have. The annotation fails to compile when the list
 * and the type disagree, as `keyList` does for the other options.
 */
export const MUSIL_PLUGIN_OPTION_KEYS: CompleteKeyList<MusilPluginOptions, typeof pluginKeys> =
  pluginKeys

/** The keys {@link MusilReporterOptions} may have (`musil({ reporter })`, `new MusilReporter()`). */
export const MUSIL_REPORTER_OPTION_KEYS: CompleteKeyList<
  MusilReporterOptions,
  typeof reporterKeys
> = reporterKeys

/**
 * Rejects an unknown key in the options of `musil()`, and in its `reporter` options.
 *
 * @param check - `checkOptions` from `@musil/core`, loaded by the caller
 * @throws {OptionsError} naming the unknown key and the nearest valid one, e.g.
 *   `unknown option 'registerMatcher' in musil(); did you mean 'registerMatchers'?`
 *
 * @example
 * const { checkOptions } = await import('@musil/core')
 * checkPluginOptions(options, checkOptions)
 */
export function checkPluginOptions(options: unknown, check: typeof checkOptions): void {
  check(options, 'musil()', MUSIL_PLUGIN_OPTION_KEYS)
  const reporter = (options as MusilPluginOptions).reporter
  if (reporter !== undefined && reporter !== false) {
    check(reporter, 'musil({ reporter })', MUSIL_REPORTER_OPTION_KEYS)
  }
}
