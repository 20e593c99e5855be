/**
 * Checks that a block marked `<!-- snippet: excerpt path -->` is really taken from that file.
 *
 * A page may lay code out more tightly than the formatter does, so the comparison ignores
 * whitespace, comments and trailing commas. A line that is just `...`, or a comment starting
 * with `...` (`// ...`, `/* ... *\/`), stands for code left out; each part between must appear
 * in the file (in any order: a page may show a type before the one it is built from).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Excerpt } from './plan.ts'

const GAP = '\u0000'

/** Comments an excerpt may add or leave out; `//` after `:` (a URL) is not a comment. */
function withoutComments(line: string): string {
  return line.replace(/\/\*.*?\*\//g, '').replace(/(^|[^:])\/\/.*$/, '$1')
}

/** One line's code, with no whitespace, comments or trailing commas. */
function squeeze(line: string): string {
  return withoutComments(line).replace(/\s+/g, '')
}

/** Commas that only end a list: `a, ]` is `a ]`. */
function withoutTrailingCommas(code: string): string {
  return code.replace(/,(?=[)\]}]|$)/g, '')
}

/** The file's code as one squeezed string. */
function squeezeFile(text: string): string {
  const noBlockComments = text.replace(/\/\*[\s\S]*?\*\//g, '')
  return withoutTrailingCommas(noBlockComments.split('\n').map(squeeze).join(''))
}

/** An excerpt's code as squeezed parts separated by gaps, with the block line of each character. */
function squeezeExcerpt(lines: readonly string[]): { code: string; lineOf: number[] } {
  let code = ''
  const lineOf: number[] = []
  lines.forEach((raw, i) => {
    const gapped = raw
      .replace(/^\s*(\.\.\.|…)\s*$/, GAP)
      .replace(/\/\*\s*\.\.\..*?\*\//g, GAP)
      .replace(/(^|[^:])\/\/\s*\.\.\..*$/, `$1${GAP}`)
    const squeezed = squeeze(gapped)
    code += squeezed
    for (let k = 0; k < squeezed.length; k++) lineOf.push(i)
  })
  return { code, lineOf }
}

/**
 * Compares an excerpt with its file. Returns `undefined` when every part of it is in the file;
 * otherwise `page:line: ...` naming the first block line that is not in the file.
 */
export function checkExcerpt(root: string, excerpt: Excerpt): string | undefined {
  const { page, block, source } = excerpt
  const path = join(root, source)
  if (!existsSync(path)) return `${page}:${block.line}: excerpt of ${source}, which does not exist`
  const file = squeezeFile(readFileSync(path, 'utf8'))
  const { code, lineOf } = squeezeExcerpt(block.lines)
  const inFile = (code: string) => file.includes(withoutTrailingCommas(code))
  let offset = 0
  for (const part of code.split(GAP)) {
    if (!inFile(part)) {
      // Point at the line where the longest start of this part that is in the file ends.
      let good = 0
      while (good < part.length && inFile(part.slice(0, good + 1))) good++
      const line = block.firstLine + lineOf[Math.min(offset + good, lineOf.length - 1)]!
      return `${page}:${line}: this line of the excerpt is not in ${source} (from line ${block.line}; whitespace, comments and trailing commas aside)`
    }
    offset += part.length + 1 // and the gap after it
  }
  return undefined
}
