/**
 * Compares what a page says a module prints with what it printed (see run.ts). Two kinds of
 * claim:
 *
 * - a block marked `<!-- snippet: output -->` must appear in the output as consecutive lines
 *   (Vitest prints more around a failure: a header, timings, the source frame; a page may show
 *   a script's output in pieces, with prose between), except that a shown line that is just
 *   `...` stands for any number of lines;
 * - a `// prints: text` comment at the end of a line of a script says that `text` is one line
 *   of what it logs; the claims of a module must be met in order.
 */
import { stripVTControlCharacters } from 'node:util'
import type { OutputClaim, SnippetModule } from './plan.ts'

/** How a claim compared with what its module printed. */
export interface Comparison {
  readonly ok: boolean
  /** The claimed text, normalised. */
  readonly expected: string
  /** What was printed where the claim should be (all of it, when nothing lines up). */
  readonly actual: string
}

/** One `// prints: text` comment. */
export interface PrintsClaim {
  /** The page line of the comment. */
  readonly line: number
  readonly text: string
}

const PRINTS = /\/\/\s*prints:\s?(.*)$/

/** The `// prints:` comments of a module's own lines (not of its prelude), in order. */
export function printsClaims(module: SnippetModule): PrintsClaim[] {
  const own = new Set(module.blocks.flatMap((b) => b.lines.map((_, i) => b.firstLine + i)))
  return module.lines.flatMap(({ text, line }) => {
    const m = own.has(line) ? PRINTS.exec(text) : null
    return m ? [{ line, text: m[1]!.trimEnd() }] : []
  })
}

/** Output as compared: no colours, no trailing spaces, no blank lines at either end. */
export function normaliseOutput(text: string): string[] {
  const lines = stripVTControlCharacters(text)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
  while (lines.length > 0 && lines[0] === '') lines.shift()
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  return lines
}

const isGap = (line: string) => line.trim() === '...'

function runAt(hay: readonly string[], needle: readonly string[], at: number): boolean {
  return needle.every((l, i) => hay[at + i] === l)
}

function indexOfRun(hay: readonly string[], needle: readonly string[], from: number): number {
  for (let at = from; at + needle.length <= hay.length; at++) if (runAt(hay, needle, at)) return at
  return -1
}

/**
 * True when the lines of `shown` appear in `printed`, consecutively, except that a `...` line in
 * `shown` stands for any number of printed lines.
 */
export function outputMatches(printed: readonly string[], shown: readonly string[]): boolean {
  const parts: string[][] = [[]]
  for (const line of shown) {
    if (isGap(line)) parts.push([])
    else parts.at(-1)!.push(line)
  }
  let from = 0
  for (const part of parts) {
    const at = indexOfRun(printed, part, from)
    if (at < 0) return false
    from = at + part.length
  }
  return true
}

/** The printed lines lined up with the first shown line, for a readable diff. */
function closest(printed: readonly string[], shown: readonly string[]): readonly string[] {
  const anchor = shown.find((l) => !isGap(l) && l !== '')
  const at = anchor === undefined ? -1 : printed.indexOf(anchor)
  const start = at < 0 ? 0 : Math.max(0, at - shown.indexOf(anchor!))
  return at < 0 ? printed : printed.slice(start, start + shown.length)
}

/**
 * Compares a shown block with the lines its module printed: a readable diff when they differ
 * (the printed lines lined up with the first shown line).
 */
export function compareShown(claim: OutputClaim, printed: readonly string[]): Comparison {
  const shown = normaliseOutput(claim.block.lines.join('\n'))
  const ok = outputMatches(printed, shown)
  const expected = shown.join('\n')
  const near = closest(printed, shown).join('\n')
  // A failed match never reads as the shown text (it could, around a `...` line).
  const actual = ok ? expected : near === expected ? printed.join('\n') : near
  return { ok, expected, actual }
}

/** Checks a module's `// prints:` claims, in order, against the lines it logged. */
export function comparePrints(
  claims: readonly PrintsClaim[],
  printed: readonly string[],
): Comparison {
  let from = 0
  for (const claim of claims) {
    const at = printed.indexOf(claim.text, from)
    if (at < 0) {
      return {
        ok: false,
        expected: claims.map((c) => c.text).join('\n'),
        actual: printed.join('\n'),
      }
    }
    from = at + 1
  }
  const expected = claims.map((c) => c.text).join('\n')
  return { ok: true, expected, actual: expected }
}
