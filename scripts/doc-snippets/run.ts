/**
 * Runs written snippet modules to see what they print. A module whose own code imports from
 * `vitest` is a test file: all of them run in one Vitest child process, with the musil plugin and colours
 * off, and what Vitest prints is their output. Every other module is a script: all of them run
 * one after another in one tsx child process, and what each logs with `console.log` is its
 * output. The two processes run at the same time.
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { normaliseOutput } from './output.ts'
import type { SnippetModule } from './plan.ts'
import type { WrittenSnippets } from './write.ts'

/** What a module printed, normalised (see `normaliseOutput`), and how it was run. */
export interface Printed {
  readonly runner: 'vitest' | 'tsx'
  readonly lines: readonly string[]
}

const VITEST_IMPORT = /\bfrom\s*['"]vitest['"]/

/**
 * True for a module that is a Vitest test file: its own code imports from `vitest`. A prelude's
 * import does not count (a page's hidden imports may serve its test blocks and its scripts).
 */
export function isTestFile(module: SnippetModule): boolean {
  return module.blocks.some((b) => b.lines.some((l) => VITEST_IMPORT.test(l)))
}

/** An environment without the parent run's Vitest, seed and colour settings. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }
  for (const k of Object.keys(env)) {
    if (k.startsWith('VITEST') || k.startsWith('MUSIL_')) delete env[k]
  }
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
function node(args: readonly string[], cwd: string): Promise<{ stdout: string; all: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: childEnv(), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        const code = error ? `\n(exit code ${error.code})` : ''
        resolve({ stdout, all: `${stdout}\n${stderr}${code}` })
      },
    )
  })
}

/** Runs the test-file modules in one Vitest process (a failing test is the point, not an error). */
async function runTests(root: string, dir: string, files: readonly string[]): Promise<string> {
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
  return (await node([binOf(root, 'vitest', 'vitest'), 'run', '--config', config], dir)).all
}

/**
 * Imports the script modules one after another in one tsx process, collecting what each logs;
 * resolves to the logs by file. A module that throws logs the error.
 */
async function runScripts(
  root: string,
  dir: string,
  files: readonly string[],
): Promise<Map<string, string>> {
  const runner = join(dir, 'run-snippets.ts')
  writeFileSync(
    runner,
    [
      "import { pathToFileURL } from 'node:url'",
      "import { format } from 'node:util'",
      `const files: string[] = ${JSON.stringify(files)}`,
      'const logs: Record<string, string> = {}',
      'const log = console.log',
      'for (const file of files) {',
      '  const lines: string[] = []',
      '  console.log = (...args: unknown[]) => { lines.push(format(...args)) }',
      '  try {',
      '    await import(pathToFileURL(file).href)',
      '  } catch (e) {',
      "    lines.push('(threw) ' + (e instanceof Error ? e.stack : String(e)))",
      '  }',
      "  logs[file] = lines.join('\\n')",
      '}',
      'console.log = log',
      'process.stdout.write(JSON.stringify(logs))',
      '',
    ].join('\n'),
  )
  const { stdout, all } = await node(
    [binOf(root, 'tsx', 'tsx'), '--conditions=@musil/source', runner],
    dir,
  )
  try {
    return new Map(Object.entries(JSON.parse(stdout) as Record<string, string>))
  } catch {
    // The runner itself failed (a module that cannot load at all): every script shows why.
    return new Map(files.map((f) => [f, all]))
  }
}

/** Runs `modules` (each written in `snippets`) and returns what each printed. */
export async function runModules(
  root: string,
  snippets: WrittenSnippets,
  modules: readonly SnippetModule[],
): Promise<Map<SnippetModule, Printed>> {
  const fileOf = new Map(snippets.modules.map((m) => [m.module, m.file]))
  const tests = modules.filter(isTestFile)
  const scripts = modules.filter((m) => !isTestFile(m))
  const [testOutput, scriptLogs] = await Promise.all([
    tests.length === 0
      ? ''
      : runTests(
          root,
          snippets.dir,
          tests.map((m) => fileOf.get(m)!),
        ),
    scripts.length === 0
      ? new Map<string, string>()
      : runScripts(
          root,
          snippets.dir,
          scripts.map((m) => fileOf.get(m)!),
        ),
  ])
  const printed = new Map<SnippetModule, Printed>()
  for (const m of tests) printed.set(m, { runner: 'vitest', lines: normaliseOutput(testOutput) })
  for (const m of scripts) {
    const log = scriptLogs.get(fileOf.get(m)!) ?? ''
    printed.set(m, { runner: 'tsx', lines: normaliseOutput(log) })
  }
  return printed
}
