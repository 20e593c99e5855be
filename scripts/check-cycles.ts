/**
 * `npm run check:cycles`: reports every import cycle among the TypeScript sources of
 * `packages/*\/src`, and exits non-zero when there is one.
 *
 * No TypeScript compiler is involved on purpose (the check must run wherever Node runs, fast,
 * and not depend on a compiler API that changes between majors): each file's `import … from`,
 * `export … from`, side-effect `import '…'` and dynamic `import('…')` specifiers are read with a
 * regular expression, relative ones are resolved to files, and Tarjan's algorithm finds the
 * strongly connected components of the resulting graph. `import type` counts too: a type-only
 * cycle is still two modules that cannot be understood one without the other.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Every `.ts` file under `dir`, recursively (declaration files excluded). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

// Comments are removed first so that an example in a TSDoc block is not read as an import.
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g
const LINE_COMMENT = /(^|[^:'"`\\])\/\/.*$/gm
// `import x from '…'`, `import { a } from '…'`, `export * from '…'`, `export { a } from '…'`,
// `import type …`, and `import '…'`: a statement that starts with import/export and reaches a
// quoted specifier after `from`, or a bare side-effect import.
const STATIC = /(?:^|[;\n])\s*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g
const SIDE_EFFECT = /(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** The module specifiers a source text imports or re-exports. */
export function specifiers(text: string): string[] {
  const code = text.replace(BLOCK_COMMENT, '').replace(LINE_COMMENT, '$1')
  const found: string[] = []
  for (const pattern of [STATIC, SIDE_EFFECT, DYNAMIC]) {
    for (const match of code.matchAll(pattern)) found.push(match[1] as string)
  }
  return found
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The file a relative specifier names, or undefined for a package or an unresolvable one. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(dirname(from), specifier)
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((c) => c.endsWith('.ts') && isFile(c))
}

/** The import graph of `files`: each file to the files it imports (within the set). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .map((s) => resolveSpecifier(file, s))
      .filter((t): t is string => t !== undefined && known.has(t))
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/**
 * The strongly connected components of `graph` with more than one member, or with one member
 * importing itself: each is an import cycle. Tarjan's algorithm, iterative so that a deep import
 * chain cannot overflow the stack. Members are sorted, components too, so the output is stable.
 */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const found: string[][] = []
  for (const root of graph.keys()) {
    if (index.has(root)) continue
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }]
    index.set(root, counter)
    low.set(root, counter++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number }
      const edges = graph.get(frame.node) ?? []
      if (frame.next < edges.length) {
        const to = edges[frame.next++] as string
        if (!index.has(to)) {
          index.set(to, counter)
          low.set(to, counter++)
          stack.push(to)
          onStack.add(to)
          work.push({ node: to, next: 0 })
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent !== undefined) {
        low.set(
          parent.node,
          Math.min(low.get(parent.node) as number, low.get(frame.node) as number),
        )
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue
      const component: string[] = []
      let member: string
      do {
        member = stack.pop() as string
        onStack.delete(member)
        component.push(member)
      } while (member !== frame.node)
      const selfLoop = component.length === 1 && edges.includes(frame.node)
      if (component.length > 1 || selfLoop) found.push(component.sort())
    }
  }
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string))
}

/** The import cycles among the sources of `packages/*\/src` under `root`, paths relative to it. */
export function packageCycles(root: string): string[][] {
  const packages = join(root, 'packages')
  const files = readdirSync(packages)
    .map((name) => join(packages, name, 'src'))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory()
      } catch {
        return false
      }
    })
    .flatMap(sourceFiles)
  return cycles(importGraph(files)).map((c) => c.map((f) => relative(root, f)))
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const found = packageCycles(root)
  for (const component of found) {
    console.log(`import cycle (${component.length} files):\n  ${component.join('\n  ')}`)
  }
  console.log(
    found.length === 0 ? 'no import cycle in packages/' : `${found.length} import cycle(s)`,
  )
  process.exit(found.length === 0 ? 0 : 1)
}
