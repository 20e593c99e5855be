/**
 * Runs the modules whose output a page shows (`<!-- snippet: output -->`) and compares.
 *
 * A module that imports from `vitest` is a test file: all such modules run in one Vitest child
 * process (with the musil plugin, colours off). Any other module is a script, run under tsx.
 * The shown block must appear in what was printed as consecutive lines (Vitest prints more
 * around a failure: a header, timings, the source frame; a page may show a script's output in
 * pieces, with prose between), except that a shown line that is just `...` stands for any
 * number of lines.
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { OutputClaim, SnippetModule } from './plan.ts'
import type { WrittenModule, WrittenSnippets } from './write.ts'

/** How a claim compared with what its module printed. */
export interface OutputComparison {
  readonly claim: OutputClaim
  readonly runner: 'vitest' | 'tsx'
  readonly ok: boolean
  /** The shown block, normalised. */
  readonly expected: string
  /** What was printed where the block should be (all of it, when nothing lines up). */
  readonly actual: string
}

const VITEST_IMPORT = /\bfrom\s*['"]vitest['"]/

/** True for a module that is a Vitest test file. */
export function isTestFile(module: SnippetModule): boolean {
  return module.lines.some((l) => VITEST_IMPORT.test(l.text))
}

/** Output as compared: no colours, no trailing spaces, no blank lines at either end. */
export function normaliseOutput(text: string): string[] {
  const lines = stripVTControlCharacters(text)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
  while (lines.length > 0 && lines[0] === '') lines.shift()
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  return lines
}

const isGap = (line: string) => line.trim() === '...'

function runAt(hay: readonly string[], needle: readonly string[], at: number): boolean {
  return needle.every((l, i) => hay[at + i] === l)
}

function indexOfRun(hay: readonly string[], needle: readonly string[], from: number): number {
  for (let at = from; at + needle.length <= hay.length; at++) if (runAt(hay, needle, at)) return at
  return -1
}

/**
 * True when the lines of `shown` appear in `printed`, consecutively, except that a `...` line in
 * `shown` stands for any number of printed lines.
 */
export function outputMatches(printed: readonly string[], shown: readonly string[]): boolean {
  const parts: string[][] = [[]]
  for (const line of shown) {
    if (isGap(line)) parts.push([])
    else parts.at(-1)!.push(line)
  }
  let from = 0
  for (const part of parts) {
    const at = indexOfRun(printed, part, from)
    if (at < 0) return false
    from = at + part.length
  }
  return true
}

/** The printed lines lined up with the first shown line, for a readable diff. */
function closest(printed: readonly string[], shown: readonly string[]): readonly string[] {
  const anchor = shown.find((l) => !isGap(l) && l !== '')
  const at = anchor === undefined ? -1 : printed.indexOf(anchor)
  const start = at < 0 ? 0 : Math.max(0, at - shown.indexOf(anchor!))
  return at < 0 ? printed : printed.slice(start, start + shown.length)
}

/** An environment without the parent run's Vitest, seed and colour settings. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }
  for (const k of Object.keys(env))
    if (k.startsWith('VITEST') || k.startsWith('MUSIL_')) delete env[k]
  delete env.TEST
  return env
}

function binOf(root: string, pkg: string, bin: string): string {
  const manifest = createRequire(join(root, 'package.json')).resolve(`${pkg}/package.json`)
  // `bin` is a path when the package has one command, else a map of command to path.
  const bins = JSON.parse(readFileSync(manifest, 'utf8')).bin as string | Record<string, string>
  return join(dirname(manifest), typeof bins === 'string' ? bins : bins[bin]!)
}

/** Runs `node args` in `cwd`; resolves to what it printed (and the exit code, when not 0). */
function run(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: childEnv(), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error)
        else
          resolve(
            error ? `${stdout}\n${stderr}\n(exit code ${error.code})` : `${stdout}\n${stderr}`,
          )
      },
    )
  })
}

/** Runs the test-file modules in one Vitest process (a failing test is the point, not an error). */
function runVitest(root: string, dir: string, files: readonly string[]): Promise<string> {
  const config = join(dir, 'vitest.snippets.config.ts')
  const plugin = relative(dir, join(root, 'packages/vitest/src/plugin.ts')).split('\\').join('/')
  // Tests run from sources, as the repository's own config does; the plugin is the user's setup.
  writeFileSync(
    config,
    [
      "import { defineConfig } from 'vitest/config'",
      `import { musil } from '${plugin}'`,
      "const conditions = ['@musil/source']",
      'export default defineConfig({',
      '  plugins: [musil()],',
      '  resolve: { conditions },',
      '  ssr: { resolve: { conditions } },',
      `  test: { include: ${JSON.stringify(files.map((f) => relative(dir, f)))} },`,
      '})',
      '',
    ].join('\n'),
  )
  return run([binOf(root, 'vitest', 'vitest'), 'run', '--config', config], dir)
}

/** Runs a script module under tsx. */
function runScript(root: string, file: string): Promise<string> {
  return run([binOf(root, 'tsx', 'tsx'), '--conditions=@musil/source', file], dirname(file))
}

/**
 * Runs every module some page shows the output of (at the same time: each is its own process),
 * and compares each claim with what its module printed.
 */
export async function checkOutputs(
  root: string,
  snippets: WrittenSnippets,
  claims: readonly OutputClaim[],
): Promise<OutputComparison[]> {
  const written = new Map<SnippetModule, WrittenModule>(snippets.modules.map((m) => [m.module, m]))
  const needed = [...new Set(claims.map((c) => c.module))]
  const tests = needed.filter(isTestFile)
  const scripts = needed.filter((m) => !isTestFile(m))
  const [vitestOutput, ...scriptOutputs] = await Promise.all([
    tests.length === 0
      ? Promise.resolve('')
      : runVitest(
          root,
          snippets.dir,
          tests.map((m) => written.get(m)!.file),
        ),
    ...scripts.map((m) => runScript(root, written.get(m)!.file)),
  ])
  const printed = new Map<SnippetModule, string[]>()
  for (const m of tests) printed.set(m, normaliseOutput(vitestOutput!))
  for (const [i, m] of scripts.entries()) printed.set(m, normaliseOutput(scriptOutputs[i]!))
  return claims.map((claim) => {
    const runner = isTestFile(claim.module) ? 'vitest' : 'tsx'
    const shown = normaliseOutput(claim.block.lines.join('\n'))
    const out = printed.get(claim.module)!
    const ok = outputMatches(out, shown)
    const expected = shown.join('\n')
    const near = closest(out, shown).join('\n')
    // A failed match never reads as the shown text (it could, around a `...` line).
    const actual = ok ? expected : near === expected ? out.join('\n') : near
    return { claim, runner, ok, expected, actual }
  })
}
