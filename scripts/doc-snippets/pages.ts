/**
 * The pages whose code blocks are checked: the README, each package's README (its npm page) and
 * every Markdown file under docs/, found by walking the folders, so a new page is covered
 * without being listed anywhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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

/** The READMEs and every page under docs/, parsed, with repository-relative `/` paths. */
export function documentationPages(root: string): Page[] {
  const packageReadmes = readdirSync(join(root, 'packages'))
    .sort()
    .map((name) => join(root, 'packages', name, 'README.md'))
    .filter((file) => existsSync(file))
  const files = [join(root, 'README.md'), ...packageReadmes, ...markdownFiles(join(root, 'docs'))]
  return files.map((file) =>
    parsePage(relative(root, file).split('\\').join('/'), readFileSync(file, 'utf8')),
  )
}
