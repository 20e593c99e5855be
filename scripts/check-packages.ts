/**
 * `npm run check:packages`: builds and packs @musil/core and @musil/vitest, then runs publint and
 * @arethetypeswrong/cli on each tarball, so what is checked is exactly what a user installs.
 * Exits non-zero when either tool reports a problem in either package.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Runs a command in the repository root with its output shown; returns true when it passed. */
function run(args: readonly string[]): boolean {
  console.log(`$ npm ${args.join(' ')}`)
  return spawnSync(npm, args, { cwd: root, stdio: 'inherit' }).status === 0
}

/**
 * attw's arguments. The packages are ESM only (`"type": "module"`, one `default` condition),
 * on purpose: one copy of each module, whatever loads it. So the `strict` profile (every
 * resolution mode) with one rule off, rather than the `esm-only` profile, which would also stop
 * checking node10 and CommonJS resolution altogether:
 * - `cjs-resolves-to-esm` is off: attw flags every `require()` of an ES module, but Node 20.19+
 *   and 22.12+ load it (require(esm)) and TypeScript 5.8+ types it under `module: nodenext`,
 *   while attw 0.18 judges with TypeScript 5.6, from before either.
 * - node10 stays checked: `typesVersions` in each package.json gives its subpaths types there.
 */
const ATTW = ['--profile', 'strict', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii']

const packs = mkdtempSync(join(tmpdir(), 'musil-packs-'))
let ok = true
try {
  if (!run(['run', 'build'])) process.exit(1)
  const packed = spawnSync(
    npm,
    ['pack', '--json', '-w', 'packages/core', '-w', 'packages/vitest', '--pack-destination', packs],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
  if (packed.status !== 0) process.exit(1)
  const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) =>
    join(packs, p.filename),
  )
  for (const tarball of tarballs) {
    ok = run(['exec', '--no', '--', 'publint', 'run', tarball, '--strict']) && ok
    ok = run(['exec', '--no', '--', 'attw', tarball, ...ATTW]) && ok
  }
} finally {
  rmSync(packs, { recursive: true, force: true })
}
console.log(
  ok ? 'check:packages: publint and attw pass on both packages' : 'check:packages: FAILED',
)
process.exit(ok ? 0 : 1)
