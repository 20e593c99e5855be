/**
 * Typechecks every written snippet module in one `tsc` run and reports each error at the page
 * line it came from: `docs/guide/models.md:103:22 TS2307 Cannot find module ...`.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import type { WrittenSnippets } from './write.ts'

/**
 * What every snippet may take for granted: a project set up as the getting-started guide says,
 * whose tests see the matchers' types (`expect(model).toBeSafe()`).
 */
const ENVIRONMENT = "import type {} from '@musil/vitest'\n"

/** The `tsc` of the repository's own `typescript` dependency. */
function tscBin(root: string): string {
  const require = createRequire(join(root, 'package.json'))
  const pkg = require.resolve('typescript/package.json')
  const { bin } = JSON.parse(readFileSync(pkg, 'utf8')) as { bin: { tsc: string } }
  return join(dirname(pkg), bin.tsc)
}

/**
 * Runs `tsc` once over every module in `snippets` (with the repository's compiler options and
 * its `@musil/source` condition) and returns its errors, each as `page:line:column TSxxxx message`,
 * in page order. Errors outside the snippets (none are expected) are returned as `tsc` printed them.
 */
export function typecheckSnippets(root: string, snippets: WrittenSnippets): string[] {
  const { dir, modules } = snippets
  const env = join(dir, 'musil-env.d.ts')
  writeFileSync(env, ENVIRONMENT)
  const config = join(dir, 'tsconfig.json')
  writeFileSync(
    config,
    JSON.stringify(
      {
        extends: relative(dir, join(root, 'tsconfig.base.json')),
        compilerOptions: {
          noEmit: true,
          declaration: false,
          declarationMap: false,
          sourceMap: false,
          // Every block is a module of its own, imports or not: no shared globals between them.
          moduleDetection: 'force',
        },
        files: [env, ...modules.map((m) => m.file)].map((f) => relative(dir, f)),
      },
      null,
      2,
    ),
  )
  const r = spawnSync(process.execPath, [tscBin(root), '-p', config, '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.error) throw r.error
  const byFile = new Map(modules.map((m) => [resolve(m.file), m]))
  const errors: { key: [string, number, number]; text: string }[] = []
  for (const raw of `${r.stdout}${r.stderr}`.split('\n')) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(raw)
    const written = m ? byFile.get(resolve(dir, m[1]!)) : undefined
    if (m && written) {
      // An error at the end of the file (an unclosed brace) is reported past its last line.
      const at = written.lines[Math.min(Number(m[2]), written.lines.length) - 1]!
      const page = written.module.page
      errors.push({
        key: [page, at.line, Number(m[3])],
        text: `${page}:${at.line}:${m[3]} ${m[4]} ${m[5]}`,
      })
    } else if (raw.startsWith(' ') && errors.length > 0) {
      // A continuation of the message above (e.g. "Type 'x' is not assignable ...").
      errors.at(-1)!.text += `\n${raw}`
    } else if (raw.trim() !== '') {
      errors.push({ key: ['~', 0, 0], text: raw })
    }
  }
  if (r.status !== 0 && errors.length === 0)
    errors.push({ key: ['~', 0, 0], text: `tsc exited with ${r.status} and printed nothing` })
  return errors
    .sort((a, b) => a.key[0].localeCompare(b.key[0]) || a.key[1] - b.key[1] || a.key[2] - b.key[2])
    .map((e) => e.text)
}
