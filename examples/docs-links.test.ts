// Every relative link in the repository's Markdown points at a file that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../', import.meta.url))

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return []
    const p = join(dir, e.name)
    if (e.isDirectory()) return markdownFiles(p)
    return e.name.endsWith('.md') ? [p] : []
  })
}

describe('documentation links', () => {
  it('resolve to files in the repository', () => {
    const broken: string[] = []
    for (const file of markdownFiles(root)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const link = m[1]!
        if (/^[a-z]+:/.test(link)) continue
        if (!existsSync(join(dirname(file), link)))
          broken.push(`${relative(root, file)} -> ${link}`)
      }
    }
    expect(broken).toEqual([])
  })
})
