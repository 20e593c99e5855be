/**
 * `MusilReporter`: at the end of a run it lists every failing seed with the command that replays
 * it, writes the HTML report of the failures, and updates the memory of failing seeds. The
 * `musil()` plugin installs it unless told not to.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import type { MusilTaskMeta } from './context.ts'
import {
  failingSeedsLine,
  readMemory,
  type SeedOutcome,
  updateMemory,
  writeMemory,
} from './failing-seeds.ts'
import { type HistoryDrawer, type ReportEntry, renderHtmlReport } from './html-report.ts'
import type * as PluginOptions from './plugin-options.ts'
import type { MusilReporterOptions } from './plugin-options.ts'
import type * as ReportDrawing from './report-drawing.ts'
import { importLikeTests } from './runner-import.ts'

export type { MusilReporterOptions }

const BRAND = Symbol.for('musil.reporter')

/**
 * The musil reporter. The `musil()` plugin installs one; add it to `reporters` yourself to place
 * it among your own reporters, and the plugin installs no second one (musil's tests still need
 * the plugin: they fail without it).
 *
 * @example
 * // vitest.config.ts
 * import { MusilReporter } from '@musil/vitest/reporter'
 * export default defineConfig({
 *   plugins: [musil()],
 *   test: { reporters: ['default', new MusilReporter({ html: 'reports/musil.html' })] },
 * })
 */
export class MusilReporter implements Reporter {
  readonly options: MusilReporterOptions
  #vitest: Vitest | undefined
  #drawHistory: HistoryDrawer | undefined

  constructor(options: MusilReporterOptions = {}) {
    this.options = options
    // A footprint rather than `instanceof`: the plugin and the config may load different copies.
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** True when `r` is a musil reporter, from whichever copy of the package. */
  static is(r: unknown): r is MusilReporter {
    return typeof r === 'object' && r !== null && (r as Record<symbol, unknown>)[BRAND] === true
  }

  async onInit(vitest: Vitest): Promise<void> {
    this.#vitest = vitest
    // Checked here, not in the constructor: the check lives in @musil/core, which this module
    // must not import statically (see runner-import.ts).
    const { checkReporterOptions } = await importLikeTests<typeof PluginOptions>(
      vitest.getRootProject(),
      'plugin-options',
    )
    checkReporterOptions(this.options, 'new MusilReporter()')
    if (this.options.html !== false) {
      const drawing = await importLikeTests<typeof ReportDrawing>(
        vitest.getRootProject(),
        'report-drawing',
      )
      this.#drawHistory = drawing.historyDiagramToSvg
    }
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const vitest = this.#vitest
    const root = vitest?.config.root ?? process.cwd()
    const log = (line: string): void => (vitest ? vitest.logger.log(line) : console.log(line))
    const entries: ReportEntry[] = []
    /** Each entry's line in the list: the test, and its seed unless its name already says it. */
    const headings: string[] = []
    const outcomes: SeedOutcome[] = []
    /** Tests that passed on a search that was not exhaustive, with what it covered. */
    const sampled: string[] = []
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state !== 'passed' && state !== 'failed') continue
        const meta = test.meta().musil as MusilTaskMeta | undefined
        if (meta?.memoryKey !== undefined) {
          outcomes.push({
            key: meta.memoryKey,
            passed: state === 'passed',
            ...(meta.seed !== undefined && { seed: meta.seed }),
            ...(meta.failingSeeds !== undefined && { failingSeeds: meta.failingSeeds }),
          })
        }
        if (state === 'passed' && meta?.coverage !== undefined) {
          sampled.push(`  ${relative(root, module.moduleId)} > ${test.fullName}: ${meta.coverage}`)
        }
        if (state !== 'failed' || meta === undefined) continue
        const name = `${relative(root, module.moduleId)} > ${test.fullName}`
        const error = test.result().errors?.[0]?.message
        // A `.each` test's name carries its seed (`(seed 3)` or the `$seed` token): once is enough.
        const seedInName = meta.seedSource === 'each'
        headings.push(meta.seed !== undefined && !seedInName ? `${name} (seed ${meta.seed})` : name)
        entries.push({
          test: name,
          ...(meta.seed !== undefined && { seed: meta.seed }),
          ...(meta.replay !== undefined && { replay: meta.replay }),
          ...(meta.failure !== undefined && { failure: meta.failure }),
          ...(meta.counterexample !== undefined && { counterexample: meta.counterexample }),
          ...(meta.failingSeeds !== undefined && { failingSeeds: meta.failingSeeds }),
          ...(meta.failingSeedsTotal !== undefined && {
            failingSeedsTotal: meta.failingSeedsTotal,
          }),
          ...(error !== undefined && { error }),
        })
      }
    }
    if (this.options.memory !== false && outcomes.length > 0) {
      writeMemory(root, updateMemory(readMemory(root, log), outcomes))
    }
    if (sampled.length > 0) {
      log('')
      log(`[musil] ${sampled.length} model test(s) passed on a search that was not exhaustive:`)
      for (const line of sampled) log(line)
    }
    if (entries.length === 0) return
    log('')
    log(`[musil] ${entries.length} failing musil test(s); replay with:`)
    for (const [i, e] of entries.entries()) {
      log(`  ${headings[i]}`)
      if (e.replay) log(`    ${e.replay}`)
      if (e.failingSeeds && e.failingSeeds.length > 1) {
        log(`    ${failingSeedsLine(e.failingSeeds, e.failingSeedsTotal)}`)
      }
    }
    const html = this.options.html ?? '.musil/report.html'
    if (html !== false) {
      const path = isAbsolute(html) ? html : join(root, html)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, renderHtmlReport(entries, undefined, this.#drawHistory))
      // A link a terminal makes clickable: the report opens from the file, with no server.
      log(`[musil] wrote ${relative(root, path)}: ${pathToFileURL(path).href}`)
    }
  }
}
