/**
 * The explorer's page as one self-contained HTML document: its script and style inlined, no
 * request to any other host, so the same page is served by `musil explore` and written as the
 * HTML report that opens from `file://`. A Content-Security-Policy lets only that one script
 * run (by its hash), so even a value that escaped escaping could not execute.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * Where the page's script and style are: next to this module in musil's sources; from the
 * compiled package (`dist/explore/page.js`) in the `src/explore/` it ships beside `dist`.
 */
function asset(name: string): string {
  const fromSource = /\.ts$/.test(new URL(import.meta.url).pathname)
  const url = new URL(fromSource ? `./${name}` : `../../src/explore/${name}`, import.meta.url)
  return readFileSync(url, 'utf8')
}

let assets: { script: string; style: string; hash: string } | undefined

/** The script, the style and the script's CSP hash, read once. */
function pageAssets(): { script: string; style: string; hash: string } {
  if (assets === undefined) {
    // A newline on each side: the hash covers exactly the text between the tags.
    const script = `\n${asset('app.js')}\n`
    // Inline, the script must not hold what would end its element or start a comment there.
    if (/<\/script|<!--|<script/i.test(script)) throw new Error('app.js holds a script tag')
    const hash = createHash('sha256').update(script).digest('base64')
    assets = { script, style: asset('app.css'), hash }
  }
  return assets
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  )
}

/**
 * JSON inside a `<script type="application/json">` element: `<` is written `\u003c`, so no
 * value can close the element (`</script>`) or open a comment, and the JSON still parses to the
 * same value. U+2028 and U+2029 are escaped too, for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The page's Content-Security-Policy: only its own script, no network but its own origin. */
export function pageCsp(): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${pageAssets().hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}

/** What {@link appPage} builds. */
export interface AppPageOptions {
  /** The page's title, escaped here. */
  readonly title: string
  /** Markup to show before the script runs (already escaped by whoever built it). */
  readonly body?: string
  /** Data for the report mode, embedded as JSON; without it the page is the live explorer. */
  readonly data?: unknown
  /** Wrap the body in `<main class="report">` (the report) or `<div id="app">` (the explorer). */
  readonly mode: 'report' | 'live'
}

/** The whole page. */
export function appPage(options: AppPageOptions): string {
  const { script, style } = pageAssets()
  const data =
    options.data === undefined
      ? ''
      : `<script type="application/json" id="musil-data">${jsonForScript(options.data)}</script>\n`
  const main =
    options.mode === 'report'
      ? `<main class="report">\n${options.body ?? ''}\n</main>`
      : `<div id="app">${options.body ?? ''}</div>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(pageCsp())}">
<title>${escapeHtml(options.title)}</title>
<style>
${style}</style>
</head>
<body>
${main}
${data}<script>${script}</script>
</body>
</html>
`
}
