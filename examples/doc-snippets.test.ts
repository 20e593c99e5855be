/**
 * Docs that cannot drift: every `ts` block of README.md and docs/ is typechecked (one `tsc` run
 * for all of them), compared with the file it is an excerpt of, or skipped for a reason written
 * next to it; and every block that shows what a `ts` block prints is checked by running it.
 * How to mark a block: see scripts/doc-snippets/plan.ts, or docs/README.md.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkExcerpt } from '../scripts/doc-snippets/excerpt.ts'
import { comparePrints, compareShown, printsClaims } from '../scripts/doc-snippets/output.ts'
import { documentationPages } from '../scripts/doc-snippets/pages.ts'
import { isTypeScript, planPage, type SnippetModule } from '../scripts/doc-snippets/plan.ts'
import { type Printed, runModules } from '../scripts/doc-snippets/run.ts'
import { typecheckSnippets } from '../scripts/doc-snippets/typecheck.ts'
import { type WrittenSnippets, writeSnippets } from '../scripts/doc-snippets/write.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const pages = documentationPages(root)
const plans = pages.map(planPage)
const shown = plans.flatMap((p) => p.outputs)
const printing = plans.flatMap((p) => p.modules).filter((m) => printsClaims(m).length > 0)

let snippets: WrittenSnippets
beforeAll(() => {
  snippets = writeSnippets(root, join(root, '.doc-snippets', 'pages'), plans)
})

// Every module whose output a page claims runs once, in two child processes for all of them.
let run: Promise<Map<SnippetModule, Printed>> | undefined
const printedBy = async (m: SnippetModule) =>
  (
    await (run ??= runModules(root, snippets, [
      ...new Set([...shown.map((c) => c.module), ...printing]),
    ]))
  ).get(m)!

describe('documentation code blocks', () => {
  it('account for every ts block of every page', () => {
    const ts = pages.flatMap((p) =>
      p.blocks.filter((b) => isTypeScript(b.lang)).map((b) => `${p.path}:${b.line}`),
    )
    const handled = plans.flatMap((p) => [
      ...p.modules.flatMap((m) => m.blocks.map((b) => `${p.page}:${b.line}`)),
      ...p.excerpts.map((e) => `${p.page}:${e.block.line}`),
      ...p.skipped.map((s) => `${p.page}:${s.block.line}`),
    ])
    expect(handled.sort()).toEqual(ts.sort())
    expect(ts.length).toBeGreaterThan(0)
  })

  it('carry only well-formed snippet comments (a skip says why)', () => {
    expect(plans.flatMap((p) => p.problems)).toEqual([])
  })

  it('import only files that exist', () => {
    expect(snippets.problems).toEqual([])
  })

  it('typecheck, each error shown at its page line', () => {
    const errors = typecheckSnippets(root, snippets)
    const hint = errors.every((e) => / TS1\d{3} /.test(e))
      ? ' (tsc reports type errors once no block has a syntax error)'
      : ''
    expect(errors, `ts blocks that do not typecheck${hint}`).toEqual([])
  }, 120_000)

  it('that are excerpts match the files they are taken from', () => {
    const excerpts = plans.flatMap((p) => p.excerpts)
    expect(excerpts.map((e) => checkExcerpt(root, e)).filter((p) => p !== undefined)).toEqual([])
  })

  it.each(shown.map((c) => [`${c.page}:${c.block.line}`, c] as const))(
    '%s shows what the ts block above it prints',
    async (_, claim) => {
      const printed = await printedBy(claim.module)
      const c = compareShown(claim, printed.lines)
      const at = `${claim.page}:${claim.module.blocks[0]!.line}`
      expect(c.actual, `${printed.runner} output of the module at ${at}`).toBe(c.expected)
    },
    180_000,
  )

  it.each(printing.map((m) => [`${m.page}:${m.blocks[0]!.line}`, m] as const))(
    'the module at %s prints what its // prints: comments say',
    async (_, module) => {
      const printed = await printedBy(module)
      const claims = printsClaims(module)
      const c = comparePrints(claims, printed.lines)
      const where = claims.map((x) => `${module.page}:${x.line}`).join(', ')
      expect(c.actual, `the lines claimed at ${where}, in order, among what it logged`).toBe(
        c.expected,
      )
    },
    180_000,
  )
})
