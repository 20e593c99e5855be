/**
 * Reads a Markdown page into its fenced code blocks and the `<!-- snippet: ... -->` comments
 * that tell the doc-snippet test what to do with them. Knows nothing of TypeScript: it only
 * finds fences, their languages and the comments written above them.
 */

/** A fenced code block, with the 1-based line numbers a failure must point at. */
export interface CodeBlock {
  /** The info string's first word (`ts`, `text`, ...), or `''` for a bare fence. */
  readonly lang: string
  /** Line of the opening fence. */
  readonly line: number
  /** The lines between the fences. */
  readonly lines: readonly string[]
  /** Line of the first line between the fences (`line + 1`). */
  readonly firstLine: number
  /** The snippet comments written directly above the fence (only blank lines in between). */
  readonly directives: readonly Directive[]
}

/** One `<!-- snippet: ... -->` comment. */
export interface Directive {
  /** The text after `snippet:`, up to `-->`, with its line breaks. */
  readonly text: string
  /** Line of the `<!--`. */
  readonly line: number
  /** For each line of `text`, the line of the page it was written on. */
  readonly lineOf: (i: number) => number
}

/** Everything the snippet test reads from one page. */
export interface Page {
  /** Path relative to the repository root, with `/` separators: `docs/guide/models.md`. */
  readonly path: string
  readonly blocks: readonly CodeBlock[]
  /** Snippet comments not written above a fence (page-wide ones such as `module`). */
  readonly loose: readonly Directive[]
  /** Every snippet comment, in page order, whether above a fence or not. */
  readonly directives: readonly Directive[]
  /** Comments that look meant for the snippet test but do not parse, as `path:line: why`. */
  readonly malformed: readonly string[]
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/
const SNIPPET_OPEN = /^\s*<!--\s*snippet:/
// A near miss (`<!-- snippets:`, `<!-- Snippet -->`) must not be silently ignored.
const LOOKS_LIKE_SNIPPET = /^\s*<!--\s*snippets?\b/i

/** Splits a Markdown page into fenced code blocks and snippet comments. */
export function parsePage(path: string, text: string): Page {
  const lines = text.split(/\r?\n/)
  const blocks: CodeBlock[] = []
  const loose: Directive[] = []
  const all: Directive[] = []
  const malformed: string[] = []
  // Comments seen since the last fence or prose line; they belong to the next fence.
  let pending: Directive[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence) {
      const [, , marks, lang] = fence
      const close = new RegExp(`^ {0,3}${marks![0]}{${marks!.length},}\\s*$`)
      let end = i + 1
      while (end < lines.length && !close.test(lines[end]!)) end++
      blocks.push({
        lang: lang!.toLowerCase(),
        line: i + 1,
        lines: lines.slice(i + 1, end),
        firstLine: i + 2,
        directives: pending,
      })
      pending = []
      i = end
      continue
    }
    if (SNIPPET_OPEN.test(line)) {
      let end = i
      while (end < lines.length && !lines[end]!.includes('-->')) end++
      if (end === lines.length) {
        malformed.push(`${path}:${i + 1}: snippet comment is never closed with -->`)
        break
      }
      const body = lines.slice(i, end + 1).join('\n')
      const text = body.slice(body.indexOf('snippet:') + 'snippet:'.length, body.lastIndexOf('-->'))
      const start = i + 1
      const directive: Directive = { text, line: start, lineOf: (k) => start + k }
      pending.push(directive)
      all.push(directive)
      i = end
      continue
    }
    if (LOOKS_LIKE_SNIPPET.test(line)) {
      malformed.push(
        `${path}:${i + 1}: write snippet comments as <!-- snippet: ... --> (found ${line.trim()})`,
      )
      continue
    }
    if (line.trim() !== '') {
      loose.push(...pending)
      pending = []
    }
  }
  loose.push(...pending)
  return { path, blocks, loose, directives: all, malformed }
}
