import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { checkExcerpt } from '../scripts/doc-snippets/excerpt.ts'
import { comparePrints, compareShown, printsClaims } from '../scripts/doc-snippets/output.ts'
import { documentationPages } from '../scripts/doc-snippets/pages.ts'
import { planPage } from '../scripts/doc-snippets/plan.ts'
import { runModules } from '../scripts/doc-snippets/run.ts'
import { typecheckSnippets } from '../scripts/doc-snippets/typecheck.ts'
import { writeSnippets } from '../scripts/doc-snippets/write.ts'

const MINE = (process.env.MINE ?? '').split(',')
const root = fileURLToPath(new URL('../', import.meta.url))
const pages = documentationPages(root).filter((p) => MINE.some((m) => p.path.endsWith(`${m}.md`)))
const plans = pages.map(planPage)
it('mine', async () => {
  expect(pages.length).toBe(MINE.length)
  expect(plans.flatMap((p) => p.problems)).toEqual([])
  expect(
    plans
      .flatMap((p) => p.excerpts)
      .map((e) => checkExcerpt(root, e))
      .filter((x) => x),
  ).toEqual([])
  const snippets = writeSnippets(root, join(root, '.doc-snippets', 'mine'), plans)
  expect(snippets.problems).toEqual([])
  expect(typecheckSnippets(root, snippets)).toEqual([])
  const shown = plans.flatMap((p) => p.outputs)
  const printing = plans.flatMap((p) => p.modules).filter((m) => printsClaims(m).length > 0)
  const printed = await runModules(root, snippets, [
    ...new Set([...shown.map((c) => c.module), ...printing]),
  ])
  for (const c of shown) {
    const r = compareShown(c, printed.get(c.module)!.lines)
    expect(r.actual).toBe(r.expected)
  }
  for (const m of printing) {
    const r = comparePrints(printsClaims(m), printed.get(m)!.lines)
    expect(r.actual).toBe(r.expected)
  }
}, 300_000)
