/**
 * Writes the planned snippet modules as `.ts` files under a scratch folder inside the repository
 * (so `@musil/core`, `@musil/vitest` and `vitest` resolve from its node_modules), with relative
 * imports pointed at what they stand for, and remembers where each written line came from.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { PagePlan, SnippetModule, SourceLine } from './plan.ts'

/** A module as written to disk. */
export interface WrittenModule {
  readonly module: SnippetModule
  /** Absolute path of the written file. */
  readonly file: string
  /** Page line of each line of the file, in order. */
  readonly lines: readonly SourceLine[]
}

/** The modules of every page, written, and the imports that point at nothing. */
export interface WrittenSnippets {
  readonly dir: string
  readonly modules: readonly WrittenModule[]
  /** `page:line: import '...' ...` for each relative import that resolves to no file. */
  readonly problems: readonly string[]
}

const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\.?\/[^'"]*)\2/g

/** Where a module of a page is written: `<dir>/<page path>/<module name>`. */
function fileOf(dir: string, page: string, name: string): string {
  return join(dir, page, name)
}

/** `from` -> `to` as an import specifier (always starting with `./` or `../`). */
function specifier(from: string, to: string): string {
  const rel = relative(dirname(from), to).split('\\').join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}

/**
 * Writes every module of `plans` under `dir` (emptied first). `root` is the repository root,
 * against which `module` comments' paths are read; relative imports a page's code makes are
 * resolved, in order, through the page's `module` comments, to another module of the same page
 * (one whose first line names that file), or to a real file next to the page.
 */
export function writeSnippets(
  root: string,
  dir: string,
  plans: readonly PagePlan[],
): WrittenSnippets {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const written: WrittenModule[] = []
  const problems: string[] = []
  for (const plan of plans) {
    const siblings = new Map(
      plan.modules.map((m) => [`./${m.name}`, fileOf(dir, plan.page, m.name)]),
    )
    const target = (spec: string): string | undefined => {
      const mapped = plan.moduleMap.get(spec)
      if (mapped !== undefined) return resolve(root, mapped)
      if (siblings.has(spec)) return siblings.get(spec)
      const beside = resolve(root, dirname(plan.page), spec)
      return existsSync(beside) ? beside : undefined
    }
    for (const [spec, path] of plan.moduleMap) {
      if (!existsSync(resolve(root, path)))
        problems.push(`${plan.page}: module ${spec} = ${path}: ${path} does not exist`)
    }
    for (const module of plan.modules) {
      const file = fileOf(dir, plan.page, module.name)
      const lines = module.lines.map(({ text, line }) => ({
        line,
        text: text.replace(RELATIVE_IMPORT, (whole, lead: string, quote: string, spec: string) => {
          const to = target(spec)
          if (to !== undefined) return `${lead}${quote}${specifier(file, to)}${quote}`
          problems.push(
            `${plan.page}:${line}: import '${spec}' resolves to no file: point it at a file next to the page, ` +
              `name a block of this page after it (first line // ${spec.replace(/^.*\//, '')}), ` +
              `or say what it stands for: <!-- snippet: module ${spec} = path/from/repo/root.ts -->`,
          )
          return whole
        }),
      }))
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${lines.map((l) => l.text).join('\n')}\n`)
      written.push({ module, file, lines })
    }
  }
  return { dir, modules: written, problems }
}
