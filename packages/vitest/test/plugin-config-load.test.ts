// The repository's vitest.config.ts imports the plugin from source, and Vite hands every bare
// import of a bundled config to Node. If the plugin's static imports reached `@musil/core`, a
// fresh clone's `npm test` would fail before any test ran, looking for a `dist/` that only a
// build makes (issue: the README is the contract). This walks the plugin's value imports.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const src = fileURLToPath(new URL('../src/', import.meta.url))

/** Specifiers of the static value imports of a module (`import type` erases at compile time). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(
    /^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm,
  )) {
    found.push((m[1] ?? m[2])!)
  }
  return found
}

/** Every module the plugin loads when Vite bundles a config that imports it, and their imports. */
function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop()!
    if (seen.has(file)) continue
    const imports = valueImports(file)
    seen.set(file, imports)
    for (const spec of imports) if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec))
  }
  return seen
}

describe('the musil() plugin as loaded by vitest.config.ts', () => {
  it('imports no workspace package statically, so a config loads before any build', () => {
    const graph = closure(resolve(src, 'plugin.ts'))
    expect(graph.size).toBeGreaterThan(2)
    const offending = [...graph].flatMap(([file, imports]) =>
      imports.filter((s) => s.startsWith('@musil/')).map((s) => `${file} imports ${s}`),
    )
    expect(offending).toEqual([])
  })
})
