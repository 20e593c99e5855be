/**
 * The HTML report of a run's failing simulations: per failure the test, the seed, the replay
 * command, the history of a linearizability failure as a picture, the minimised trace and its
 * Mermaid sequence diagram. Every piece of user data is escaped; the only script is Mermaid's
 * renderer, which reads the diagrams as text. The history's picture is inline SVG, drawn here
 * in Node: it needs no script and nothing from the network.
 *
 * @module
 */
import type { HistoryDiagram } from '@musil/core'
import type { ReportedFailure } from './context.ts'

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
  /** A sweep's failing seeds. */
  readonly failingSeeds?: readonly number[]
  readonly failingSeedsTotal?: number
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  )
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
      '<h3>sequence diagram</h3>',
      `<pre class="mermaid">${escapeHtml(f.mermaid)}</pre>`,
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
  title = 'musil: failing simulations',
  drawHistory?: HistoryDrawer,
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
code.cmd { user-select: all; }
section { border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 1.5rem; }
div.history { overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${entries.length} failing test(s). Paste a replay command into a shell at the project root to rerun that seed.</p>
${entries.map((e, i) => section(e, i, drawHistory)).join('\n')}
<script type="module">
import mermaid from 'https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs'
mermaid.initialize({ startOnLoad: true, securityLevel: 'strict' })
</script>
</body>
</html>
`
}
