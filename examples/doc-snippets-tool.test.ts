/**
 * The doc-snippet checker itself, on small made-up pages: what its comments mean, that a skip
 * without a reason and other misused comments fail, that a type error is reported at the page
 * line it came from, that excerpts and shown output are compared as documented.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkExcerpt } from '../scripts/doc-snippets/excerpt.ts'
import { parsePage } from '../scripts/doc-snippets/markdown.ts'
import { comparePrints, outputMatches, printsClaims } from '../scripts/doc-snippets/output.ts'
import { planPage } from '../scripts/doc-snippets/plan.ts'
import { typecheckSnippets } from '../scripts/doc-snippets/typecheck.ts'
import { writeSnippets } from '../scripts/doc-snippets/write.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const FENCE = '```'
/** A page from lines, with `~~~` standing for a code fence (so this file stays readable). */
const page = (path: string, ...lines: string[]) =>
  parsePage(path, lines.join('\n').replaceAll('~~~', FENCE))

describe('snippet comments', () => {
  it('sort every ts block into a module, an excerpt or a skip, and read preludes and module maps', () => {
    const plan = planPage(
      page(
        'docs/a.md',
        '<!-- snippet: module ./store.ts = examples/die-hard/die-hard.ts -->',
        '<!-- snippet: prelude',
        "import { check } from '@musil/core'",
        '-->',
        '~~~ts',
        'const a = 1',
        '~~~',
        'Prose.',
        '<!-- snippet: continue -->',
        '~~~ts',
        'const b = a + 1',
        '~~~',
        '<!-- snippet: skip — a signature in shorthand -->',
        '~~~ts',
        'action<S>(name, guard, effect)',
        '~~~',
        '<!-- snippet: excerpt examples/die-hard/die-hard.ts -->',
        '~~~typescript',
        'export interface Jugs {',
        '~~~',
        '~~~text',
        'not code',
        '~~~',
      ),
    )
    expect(plan.problems).toEqual([])
    expect(plan.modules).toHaveLength(1)
    expect(plan.modules[0]!.lines).toEqual([
      { text: "import { check } from '@musil/core'", line: 3 },
      { text: 'const a = 1', line: 6 },
      { text: 'const b = a + 1', line: 11 },
    ])
    expect(plan.skipped.map((s) => [s.block.line, s.reason])).toEqual([
      [14, 'a signature in shorthand'],
    ])
    expect(plan.excerpts.map((e) => [e.block.line, e.source])).toEqual([
      [18, 'examples/die-hard/die-hard.ts'],
    ])
    expect([...plan.moduleMap]).toEqual([['./store.ts', 'examples/die-hard/die-hard.ts']])
  })

  it('name a module after the file its first line names', () => {
    const plan = planPage(page('b.md', '~~~ts', '// vitest.config.ts', '~~~', '~~~ts', 'x', '~~~'))
    expect(plan.modules.map((m) => m.name)).toEqual(['vitest.config.ts', 'L4.ts'])
  })

  it('fail a skip without a reason, and every other misuse, naming the page line', () => {
    const plan = planPage(
      page(
        'docs/bad.md',
        '<!-- snippet: continue -->',
        '~~~ts',
        'x',
        '~~~',
        '<!-- snippet: skip -->',
        '~~~ts',
        'y',
        '~~~',
        '<!-- snippet: output -->',
        '~~~ts',
        'z',
        '~~~',
        '<!-- snippet: typecheck-only -->',
        '~~~ts',
        'w',
        '~~~',
        '<!-- snippets: skip — plural -->',
        '<!-- snippet: output -->',
        'Prose, not a fence.',
      ),
    )
    expect(plan.problems).toEqual([
      'docs/bad.md:17: write snippet comments as <!-- snippet: ... --> (found <!-- snippets: skip — plural -->)',
      'docs/bad.md:5: skip needs a reason: <!-- snippet: skip — why this block cannot be checked -->',
      "docs/bad.md:13: unknown snippet comment 'typecheck-only'; use one of: skip — <reason>, continue, output, excerpt <path>, prelude <code>, module <./name.ts> = <path>",
      "docs/bad.md:18: 'output' must be written directly above the fence it is about",
      "docs/bad.md:2: 'continue' needs a module to continue, but no ts block comes before it on this page",
      "docs/bad.md:10: 'output' is for the block that shows what a ts block prints, not a ts block",
    ])
  })
})

describe('typechecking snippets', () => {
  it('reports an error at the page line and column it came from, and a relative import that points nowhere', () => {
    const plan = planPage(
      page(
        'docs/self-test.md',
        '<!-- snippet: prelude',
        "import { check } from '@musil/core'",
        '-->',
        '~~~ts',
        "import { dieHard } from '../examples/die-hard/die-hard.ts'",
        'const r = check(dieHard())',
        '~~~',
        '<!-- snippet: continue -->',
        '~~~ts',
        'const n: number = r.ok',
        '~~~',
        '~~~ts',
        "import { nothing } from './nowhere.ts'",
        '~~~',
      ),
    )
    const snippets = writeSnippets(root, join(root, '.doc-snippets', 'self-test'), [plan])
    expect(snippets.problems).toEqual([
      "docs/self-test.md:13: import './nowhere.ts' resolves to no file: point it at a file next to the page, name a block of this page after it (first line // nowhere.ts), or say what it stands for: <!-- snippet: module ./nowhere.ts = path/from/repo/root.ts -->",
    ])
    expect(typecheckSnippets(root, snippets)).toEqual([
      "docs/self-test.md:10:7 TS2322 Type 'boolean' is not assignable to type 'number'.",
      "docs/self-test.md:13:25 TS2307 Cannot find module './nowhere.ts' or its corresponding type declarations.",
    ])
  }, 120_000)
})

describe('excerpts', () => {
  const excerptOf = (...lines: string[]) =>
    checkExcerpt(root, {
      page: 'docs/x.md',
      block: page('docs/x.md', '~~~ts', ...lines, '~~~').blocks[0]!,
      source: 'examples/die-hard/die-hard.ts',
    })

  it('match their file whatever the layout, comments and trailing commas, with ... for left-out code', () => {
    expect(
      excerptOf(
        'export interface Jugs { readonly small: number',
        '  readonly big: number } // gallons',
        '// ... SMALL = 3, BIG = 5',
        "export const jugActions = [action<Jugs>('FillSmall', (s) => s.small < SMALL,",
        '  (s) => ({ ...s, small: SMALL }))',
        '  ...',
        ']',
      ),
    ).toBeUndefined()
  })

  it('fail at the first line that is not in the file', () => {
    expect(
      excerptOf(
        'export interface Jugs {',
        '  readonly small: number',
        '  readonly big: string',
        '}',
      ),
    ).toBe(
      'docs/x.md:4: this line of the excerpt is not in examples/die-hard/die-hard.ts (from line 1; whitespace, comments and trailing commas aside)',
    )
  })
})

describe('shown output', () => {
  const printed = ['RUN', 'Error: boom', '', '- Expected', '+ Received', 'Duration 2s']

  it('matches consecutive printed lines, with ... for any number of lines', () => {
    expect(outputMatches(printed, ['Error: boom', '', '- Expected'])).toBe(true)
    expect(outputMatches(printed, ['Error: boom', '...', '+ Received'])).toBe(true)
  })

  it('does not match lines out of order, or apart without ...', () => {
    expect(outputMatches(printed, ['Error: boom', '+ Received'])).toBe(false)
    expect(outputMatches(printed, ['+ Received', '...', 'Error: boom'])).toBe(false)
  })
})

describe('// prints: comments', () => {
  const module = planPage(
    page(
      'p.md',
      '<!-- snippet: prelude',
      "console.log('hidden') // prints: not a claim",
      '-->',
      '~~~ts',
      'console.log(1 + 1) // prints: 2',
      "console.log('a', 'b') // prints: a b",
      '~~~',
    ),
  ).modules[0]!

  it("are read from the block's own lines, with their page lines", () => {
    expect(printsClaims(module)).toEqual([
      { line: 5, text: '2' },
      { line: 6, text: 'a b' },
    ])
  })

  it('hold when each claimed line is logged, in order', () => {
    const claims = printsClaims(module)
    expect(comparePrints(claims, ['hidden', '2', 'noise', 'a b']).ok).toBe(true)
    expect(comparePrints(claims, ['a b', '2']).ok).toBe(false)
    expect(comparePrints(claims, ['2', 'a  b'])).toEqual({
      ok: false,
      expected: '2\na b',
      actual: '2\na  b',
    })
  })
})
