/**
 * The pages whose code blocks are checked: the README and every Markdown file under docs/,
 * found by walking the folder, so a new page is covered without being listed anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { type Page, parsePage } from './markdown.ts'

/** Markdown files under `dir`, depth first, in name order; skips dependencies and dot folders. */
export function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return []
      const p = join(dir, e.name)
      if (e.isDirectory()) return markdownFiles(p)
      return e.name.endsWith('.md') ? [p] : []
    })
}

/** README.md and every page under docs/, parsed, with repository-relative `/` paths. */
export function documentationPages(root: string): Page[] {
  return [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))].map((file) =>
    parsePage(relative(root, file).split('\\').join('/'), readFileSync(file, 'utf8')),
  )
}
