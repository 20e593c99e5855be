/**
 * The options of the `musil()` plugin, their valid keys and the reporter's, and the check that
 * rejects any other key. The plugin loads this module through the project's module runner, never
 * statically (see plugin-settings.ts), so it may import `@musil/core`.
 *
 * @module
 */
import { type CompleteKeyList, checkOptions } from '@musil/core/internal'

/** Options of `MusilReporter` (the plugin's `reporter` option). */
export interface MusilReporterOptions {
  /** Where to write the HTML report, relative to the root. Default `.musil/report.html`; `false` for none. */
  readonly html?: string | false
  /** Update `.musil/failing-seeds.json` (default true). */
  readonly memory?: boolean
}

/** Options of the `musil()` plugin. */
export interface MusilPluginOptions {
  /** Register the matchers in every test file (default true). */
  registerMatchers?: boolean
  /** A seed for every simulation test without `.each` (below `MUSIL_SEED` and `-- --seed`). */
  seed?: number
  /** The reporter's options, or `false` to leave the reporters alone. */
  reporter?: MusilReporterOptions | false
}

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
 * @throws {OptionsError} naming the unknown key and the nearest valid one, e.g.
 *   `unknown option 'registerMatcher' in musil(); did you mean 'registerMatchers'?`
 */
export function checkPluginOptions(options: unknown): void {
  checkOptions(options, 'musil()', MUSIL_PLUGIN_OPTION_KEYS)
  const reporter = (options as MusilPluginOptions).reporter
  if (reporter !== undefined && reporter !== false)
    checkReporterOptions(reporter, 'musil({ reporter })')
}

/**
 * Rejects an unknown key in the reporter's options.
 * @param where - how the user gave them: `musil({ reporter })` or `new MusilReporter()`
 * @throws {OptionsError} naming the unknown key and the nearest valid one
 */
export function checkReporterOptions(options: unknown, where: string): void {
  checkOptions(options, where, MUSIL_REPORTER_OPTION_KEYS)
}
