/**
 * Decides, for one page, what the doc-snippet test does with each `ts` block: typecheck it as a
 * module of its own, append it to the module before it, compare it with the source file it is
 * an excerpt of, or skip it for a stated reason; and which blocks are the output of a module.
 *
 * The comments it reads, written on the lines above a fence (or anywhere, for page-wide ones):
 *
 * - `<!-- snippet: skip — why -->` the block is not checked; the reason is required.
 * - `<!-- snippet: continue -->` the block continues the module of the `ts` block before it
 *   (the two are one file, so it may use that block's names).
 * - `<!-- snippet: excerpt path/from/repo/root.ts -->` the block is an excerpt of that file,
 *   which the repository's typecheck covers: the block must match it (see excerpt.ts).
 * - `<!-- snippet: output -->` above a non-`ts` block: it is what the module of the `ts` block
 *   before it prints when run (see output.ts).
 * - `<!-- snippet: prelude` + lines of code + `-->` page-wide: hidden lines put at the top of
 *   every module after it (until the next prelude), usually the imports a fragment relies on.
 * - `<!-- snippet: module ./name.ts = path/from/repo/root.ts -->` page-wide: what a relative
 *   import the reader sees (a file of their own project) stands for in this repository.
 *
 * (A `// prints: text` comment inside a block is a claim about output too: see output.ts.)
 */
import type { CodeBlock, Directive, Page } from './markdown.ts'

/** True for a fence language that is TypeScript (`ts`, `typescript`). */
export function isTypeScript(lang: string): boolean {
  return lang === 'ts' || lang === 'typescript'
}

/** A line of a generated module and the page line it came from. */
export interface SourceLine {
  readonly text: string
  readonly line: number
}

/** One or more `ts` blocks of a page checked as one file, hidden prelude first. */
export interface SnippetModule {
  readonly page: string
  /** The file name the module is written under: its `// name.ts` first line, or `L<line>.ts`. */
  readonly name: string
  readonly blocks: readonly CodeBlock[]
  readonly lines: readonly SourceLine[]
}

/** A block that claims to be part of a file of the repository. */
export interface Excerpt {
  readonly page: string
  readonly block: CodeBlock
  /** Repository-relative path of the file it is taken from. */
  readonly source: string
}

/** A block left unchecked, and why. */
export interface Skipped {
  readonly page: string
  readonly block: CodeBlock
  readonly reason: string
}

/** A block that shows what a module prints. */
export interface OutputClaim {
  readonly page: string
  readonly block: CodeBlock
  readonly module: SnippetModule
}

/** What the snippet test does with one page. */
export interface PagePlan {
  readonly page: string
  readonly modules: readonly SnippetModule[]
  readonly excerpts: readonly Excerpt[]
  readonly skipped: readonly Skipped[]
  readonly outputs: readonly OutputClaim[]
  /** Relative import specifier -> repository-relative path, from `module` comments. */
  readonly moduleMap: ReadonlyMap<string, string>
  /** Misused snippet comments, as `page:line: what is wrong and how to fix it`. */
  readonly problems: readonly string[]
}

type Parsed =
  | { kind: 'skip'; reason: string }
  | { kind: 'continue' }
  | { kind: 'output' }
  | { kind: 'excerpt'; source: string }
  | { kind: 'prelude'; lines: SourceLine[] }
  | { kind: 'module'; specifier: string; target: string }

const USAGE =
  'one of: skip — <reason>, continue, output, excerpt <path>, prelude <code>, module <./name.ts> = <path>'

function parseDirective(d: Directive): Parsed | string {
  const text = d.text.trim()
  const head = /^(\S+)/.exec(text)?.[1] ?? ''
  const rest = text.slice(head.length)
  switch (head) {
    case 'skip': {
      const reason = rest.replace(/^\s*[—–:-]+/, '').trim()
      return reason === ''
        ? 'skip needs a reason: <!-- snippet: skip — why this block cannot be checked -->'
        : { kind: 'skip', reason }
    }
    case 'continue':
    case 'output':
      return rest.trim() === '' ? { kind: head } : `${head} takes nothing after it`
    case 'excerpt': {
      const source = rest.trim()
      return /^\S+$/.test(source)
        ? { kind: 'excerpt', source }
        : 'excerpt needs one path from the repository root: <!-- snippet: excerpt examples/x/x.ts -->'
    }
    case 'prelude': {
      // Keep each code line's page line, so an error in the prelude points at it.
      const raw = d.text.split('\n')
      const first = raw[0]!.replace(/^\s*prelude/, '')
      const lines = [first, ...raw.slice(1)]
        .map((text, i) => ({ text, line: d.lineOf(i) }))
        .filter((l) => l.text.trim() !== '')
      return { kind: 'prelude', lines }
    }
    case 'module': {
      const m = /^\s*(\.{1,2}\/\S+)\s*=\s*(\S+)\s*$/.exec(rest)
      return m
        ? { kind: 'module', specifier: m[1]!, target: m[2]! }
        : 'module needs a relative specifier and a path: <!-- snippet: module ./x.ts = examples/x/x.ts -->'
    }
    default:
      return `unknown snippet comment '${head}'; use ${USAGE}`
  }
}

/** The file name a module is written under: what its first line says, else its fence line. */
function moduleName(block: CodeBlock): string {
  const named = /^\s*\/\/\s*([\w.-]+\.[cm]?ts)\b/.exec(block.lines[0] ?? '')
  return named ? named[1]! : `L${block.line}.ts`
}

/** Works out what the snippet test does with every block and comment of a page. */
export function planPage(page: Page): PagePlan {
  const problems = page.malformed.slice()
  const at = (line: number, why: string) => problems.push(`${page.path}:${line}: ${why}`)
  const parsed = new Map<Directive, Parsed>()
  for (const d of page.directives) {
    const p = parseDirective(d)
    if (typeof p === 'string') at(d.line, p)
    else parsed.set(d, p)
  }

  const moduleMap = new Map<string, string>()
  for (const [d, p] of parsed) {
    if (p.kind !== 'module') continue
    if (moduleMap.has(p.specifier)) at(d.line, `module ${p.specifier} is mapped twice`)
    moduleMap.set(p.specifier, p.target)
  }
  for (const d of page.loose) {
    const kind = parsed.get(d)?.kind
    if (kind !== undefined && kind !== 'prelude' && kind !== 'module')
      at(d.line, `'${kind}' must be written directly above the fence it is about`)
  }

  const modules: { page: string; name: string; blocks: CodeBlock[]; lines: SourceLine[] }[] = []
  const excerpts: Excerpt[] = []
  const skipped: Skipped[] = []
  const outputs: OutputClaim[] = []
  // Preludes apply from where they are written; walk the page in order.
  const preludes = [...parsed]
    .filter((e): e is [Directive, Parsed & { kind: 'prelude' }] => e[1].kind === 'prelude')
    .map(([d, p]) => ({ line: d.line, lines: p.lines }))
  const preludeAt = (line: number) => preludes.filter((p) => p.line < line).at(-1)?.lines ?? []
  // The module of the last `ts` block, or why there is none to continue or to run.
  let last: (typeof modules)[number] | string = 'no ts block comes before it on this page'

  for (const block of page.blocks) {
    const own = block.directives
      .map((d) => [d, parsed.get(d)] as const)
      .filter(
        (e): e is readonly [Directive, Exclude<Parsed, { kind: 'prelude' | 'module' }>] =>
          e[1] !== undefined && e[1].kind !== 'prelude' && e[1].kind !== 'module',
      )
    if (own.length > 1)
      at(block.line, 'a block takes at most one of skip, continue, excerpt, output')
    const role = own[0]?.[1]
    const codeLines = block.lines.map((text, i) => ({ text, line: block.firstLine + i }))

    if (!isTypeScript(block.lang)) {
      if (role === undefined) continue
      if (role.kind !== 'output') {
        at(block.line, `'${role.kind}' is for ts blocks; this block is '${block.lang}'`)
        continue
      }
      if (typeof last === 'string')
        at(block.line, `'output' claims to be a module's output, but ${last}`)
      else outputs.push({ page: page.path, block, module: last })
      continue
    }

    switch (role?.kind) {
      case 'output':
        at(
          block.line,
          "'output' is for the block that shows what a ts block prints, not a ts block",
        )
        break
      case 'skip':
        skipped.push({ page: page.path, block, reason: role.reason })
        last = `the ts block at line ${block.line} is skipped`
        break
      case 'excerpt':
        excerpts.push({ page: page.path, block, source: role.source })
        last = `the ts block at line ${block.line} is an excerpt, not a module`
        break
      case 'continue':
        if (typeof last === 'string') {
          at(block.line, `'continue' needs a module to continue, but ${last}`)
          break
        }
        last.blocks.push(block)
        last.lines.push(...codeLines)
        break
      default: {
        const mod = {
          page: page.path,
          name: moduleName(block),
          blocks: [block],
          lines: [...preludeAt(block.line), ...codeLines],
        }
        modules.push(mod)
        last = mod
      }
    }
  }

  const names = new Map<string, number>()
  for (const m of modules) {
    const earlier = names.get(m.name)
    if (earlier !== undefined)
      at(
        m.blocks[0]!.line,
        `two blocks of this page are named ${m.name} (the other at line ${earlier})`,
      )
    names.set(m.name, m.blocks[0]!.line)
  }
  return { page: page.path, modules, excerpts, skipped, outputs, moduleMap, problems }
}
