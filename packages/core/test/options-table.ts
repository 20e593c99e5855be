/**
 * Reads the options tables of docs/api/options.md, so that tests can hold them equal to the key
 * lists in code (shared by the core and vitest option tests).
 */
import { readFileSync } from 'node:fs'

const OPTIONS_DOC = new URL('../../../docs/api/options.md', import.meta.url)

/**
 * The table under the heading `` ## `<pkg>` ``: each row's options object (its first cell) with
 * the keys in its last cell, in the order written.
 */
export function optionTable(pkg: string): Record<string, string[]> {
  const text = readFileSync(OPTIONS_DOC, 'utf8')
  const heading = `## \`${pkg}\``
  const start = text.indexOf(heading)
  if (start < 0) throw new Error(`docs/api/options.md has no section ${heading}`)
  const end = text.indexOf('\n## ', start + heading.length)
  const section = text.slice(start, end < 0 ? undefined : end)
  const table: Record<string, string[]> = {}
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    // A row is `| `name` | given to | `key`, `key` |`; the header and the rule are skipped.
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1]
    if (name === undefined || cells.length < 5) continue
    table[name] = [...cells[cells.length - 2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
  }
  return table
}
