/**
 * The HTML report of a run's failing tests: per failure the test, the seed, the replay command,
 * the history of a linearizability failure as a picture (the operation timeline), the minimised
 * trace, and the explorer's read-only mode over it: a simulation failure as a sequence diagram
 * with a stepper, a model failure as its counterexample one step at a time with the state diff.
 *
 * The page is whole without its script (every section is written here, escaped), and the
 * script is the explorer's own, inlined with the failures as JSON, so the file opens from
 * `file://` with no server and nothing fetched from the network. The history's picture is inline
 * SVG, drawn in Node.
 *
 * @module
 */
import type { HistoryDiagram } from '@musil/core'
import type { ReportedCounterexample, ReportedFailure } from './context.ts'
import { appPage, escapeHtml } from './explore/page.ts'

export { escapeHtml }

/**
 * Draws a history's diagram as an SVG element (`historyDiagramToSvg` from `@musil/core`, which
 * escapes what it draws); without one the report shows the history as text only.
 */
export type HistoryDrawer = (diagram: HistoryDiagram) => string

/** One failing test in the report. */
export interface ReportEntry {
  /** `file > suite > test`. */
  readonly test: string
  readonly seed?: number
  readonly replay?: string
  /** The test's error message, when the failure is not a simulation report (e.g. a thrown error). */
  readonly error?: string
  readonly failure?: ReportedFailure
  /** A model check's counterexample (`toBeSafe`, `modelTest`). */
  readonly counterexample?: ReportedCounterexample
  /** A sweep's failing seeds. */
  readonly failingSeeds?: readonly number[]
  readonly failingSeedsTotal?: number
}

function section(e: ReportEntry, i: number, draw: HistoryDrawer | undefined): string {
  const f = e.failure
  const rows: string[] = []
  if (e.seed !== undefined) rows.push(`<dt>seed</dt><dd><code>${e.seed}</code></dd>`)
  if (f) rows.push(`<dt>failure</dt><dd>${escapeHtml(`${f.kind}: ${f.detail}`)}</dd>`)
  if (f?.originalDetail !== undefined) {
    const what = `the seed's own run, with every fault, fails otherwise: ${f.originalDetail}`
    rows.push(`<dt>unminimised</dt><dd>${escapeHtml(what)}</dd>`)
  }
  if (e.failingSeeds && e.failingSeeds.length > 0) {
    const total = e.failingSeedsTotal ?? e.failingSeeds.length
    const more = total > e.failingSeeds.length ? ` … (${total} in all)` : ''
    rows.push(`<dt>failing seeds</dt><dd>${escapeHtml(e.failingSeeds.join(', '))}${more}</dd>`)
  }
  if (e.replay)
    rows.push(`<dt>replay</dt><dd><code class="cmd">${escapeHtml(e.replay)}</code></dd>`)
  const parts = [
    `<section id="failure-${i + 1}">`,
    `<h2>${escapeHtml(e.test)}</h2>`,
    `<dl>${rows.join('')}</dl>`,
  ]
  if (e.error && !f) parts.push(`<h3>error</h3><pre>${escapeHtml(e.error)}</pre>`)
  if (e.counterexample) {
    const c = e.counterexample
    const lines = c.steps.map(
      (step, k) =>
        `${k}  ${step.label}  ${k === 0 ? step.state : step.changes.join(', ') || '(no change)'}`,
    )
    parts.push(
      `<h3>counterexample of ${escapeHtml(c.model)}: ${escapeHtml(c.headline)}</h3>`,
      `<pre class="counterexample">${escapeHtml(lines.join('\n'))}</pre>`,
    )
  }
  if (f) {
    const note =
      f.originalLength !== undefined ? ` (minimised from ${f.originalLength} events)` : ''
    // A linearizability failure: the clients' operations first, then the events behind them.
    if (f.historyDiagram !== undefined && draw !== undefined) {
      parts.push('<h3>history</h3>', `<div class="history">${draw(f.historyDiagram)}</div>`)
      if (f.history !== undefined) {
        parts.push(
          '<details><summary>as text</summary>',
          `<pre class="history">${escapeHtml(f.history)}</pre>`,
          '</details>',
        )
      }
    } else if (f.history !== undefined) {
      parts.push('<h3>history</h3>', `<pre class="history">${escapeHtml(f.history)}</pre>`)
    }
    parts.push(
      `<h3>trace${escapeHtml(note)}</h3>`,
      `<pre class="trace">${escapeHtml(f.trace)}</pre>`,
      '<details><summary>as a Mermaid sequence diagram</summary>',
      `<pre class="mermaid">${escapeHtml(f.mermaid)}</pre>`,
      '</details>',
    )
  }
  parts.push('</section>')
  return parts.join('\n')
}

/**
 * The whole page. `title` and every entry field are escaped. `drawHistory` draws the history of
 * a linearizability failure (its `historyDiagram`) as a picture; without it, as text.
 */
export function renderHtmlReport(
  entries: readonly ReportEntry[],
  title = 'musil: failing tests',
  drawHistory?: HistoryDrawer,
): string {
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${entries.length} failing test(s). Paste a replay command into a shell at the project root to rerun that seed.</p>`,
    ...entries.map((e, i) => section(e, i, drawHistory)),
  ].join('\n')
  // The explorer's read-only mode needs the failures as data: only what it draws.
  const data = {
    entries: entries.map((e) => ({
      ...(e.counterexample !== undefined && { counterexample: e.counterexample }),
      ...(e.failure?.events !== undefined && { failure: { events: e.failure.events } }),
    })),
  }
  return appPage({ title, body, data, mode: 'report' })
}
