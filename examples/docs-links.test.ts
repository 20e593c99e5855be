// Every relative link in the repository's Markdown points at a file that exists.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { markdownFiles } from '../scripts/doc-snippets/pages.ts'

const root = fileURLToPath(new URL('../', import.meta.url))

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
