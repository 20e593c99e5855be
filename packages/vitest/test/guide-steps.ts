/**
 * Reads docs/guide/getting-started.md as the list of steps a new user follows, so that the
 * end-to-end test (e2e-pack.test.ts) runs the guide's own commands and files, and checks its own
 * outputs: the guide cannot drift from what works. The markers are plain Markdown:
 * - a `ts` block whose first line is `// name.ts` is a file to write, and so is a `json` block
 *   whose first line is `// name.json` (tsconfig.json allows comments);
 * - each line of a `sh` block is a command (a `# comment` after it is ignored);
 * - a `text` block is (an excerpt of) what the command before it prints.
 * A command this module does not know, or a `ts` block that names no file, is an error, so a new
 * step in the guide must be taught to the test.
 */

/** What the end-to-end test does for a command of the guide. */
export type GuideAction =
  /** `node --version`: the Node the test runs on must be one the guide supports. */
  | 'node-version'
  /** `mkdir X && cd X`: the project directory. */
  | 'create-project'
  /** `npm init -y`. */
  | 'npm-init'
  /** `npm pkg set type=module`: recommended, and skipped: the test keeps npm's CommonJS. */
  | 'set-type-module'
  /** `npm install --save-dev ...`: installed from the packed tarballs. */
  | 'install'
  /** Any other command that must succeed, run as written. */
  | 'shell'
  /** `npm test`: runs as written; the guide's story has one failing sweep. */
  | 'test-run'
  /** `MUSIL_SEED=N npx vitest run ...`: the replay command the test run printed. */
  | 'replay'

/** One step of the guide, in page order. */
export type GuideStep =
  | { readonly kind: 'file'; readonly name: string; readonly text: string }
  | { readonly kind: 'run'; readonly command: string; readonly action: GuideAction }
  | { readonly kind: 'output'; readonly lines: readonly string[] }

const COMMANDS: readonly (readonly [RegExp, GuideAction])[] = [
  [/^node --version$/, 'node-version'],
  [/^mkdir ([\w-]+) && cd \1$/, 'create-project'],
  [/^npm init -y$/, 'npm-init'],
  [/^npm pkg set type=module$/, 'set-type-module'],
  [/^npm install --save-dev( [@\w/.-]+)+$/, 'install'],
  [/^npm pkg set scripts\.test="vitest run"$/, 'shell'],
  [/^npx tsx [\w-]+\.m?ts$/, 'shell'],
  [/^npx tsc -p \.$/, 'shell'],
  [/^npm test$/, 'test-run'],
  [/^MUSIL_SEED=\d+ npx vitest run \S+ -t '[^']+'$/, 'replay'],
]

const FENCE = /^```(\w*)\s*$/
const FILE_NAME: Readonly<Record<string, RegExp>> = {
  ts: /^\/\/ ([\w.-]+\.(?:ts|mts))$/,
  json: /^\/\/ ([\w.-]+\.json)$/,
}

/** The guide's steps; throws on a command or a block the end-to-end test could not follow. */
export function guideSteps(markdown: string): GuideStep[] {
  const lines = markdown.split(/\r?\n/)
  const steps: GuideStep[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (!open) continue
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end] !== '```') end++
    const body = lines.slice(start, end)
    const where = `getting-started.md:${start + 1}`
    i = end
    const fileName = FILE_NAME[open[1]!]
    if (fileName !== undefined) {
      const name = fileName.exec(body[0] ?? '')?.[1]
      if (name === undefined) {
        throw new Error(
          `${where}: a ${open[1]} block must start with '// <file>.${open[1]}', the file it is`,
        )
      }
      steps.push({ kind: 'file', name, text: `${body.join('\n')}\n` })
    } else if (open[1] === 'sh') {
      for (const line of body) {
        const command = line.replace(/\s+#.*$/, '').trim()
        if (command === '' || command.startsWith('#')) continue
        const action = COMMANDS.find(([pattern]) => pattern.test(command))?.[1]
        if (action === undefined) {
          throw new Error(
            `${where}: the end-to-end test does not know the command '${command}': teach it to packages/vitest/test/guide-steps.ts`,
          )
        }
        steps.push({ kind: 'run', command, action })
      }
    } else if (open[1] === 'text') {
      steps.push({ kind: 'output', lines: body.map((l) => l.trim()).filter((l) => l !== '') })
    }
  }
  return steps
}

/** The packages an `install` command names. */
export function installedPackages(command: string): string[] {
  return command.replace(/^npm install --save-dev /, '').split(' ')
}

/**
 * The lines of `expected` (an output block of the guide) that no line of `output` contains, after
 * trimming; timings and other run-to-run details are simply left out of the guide's blocks.
 */
export function missingLines(expected: readonly string[], output: string): string[] {
  const actual = output.split(/\r?\n/).map((l) => l.trim())
  return expected.filter((line) => !actual.some((a) => a.includes(line)))
}
