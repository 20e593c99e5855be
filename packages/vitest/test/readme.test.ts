// The README's twenty-line example, run for real: its code must fail exactly as the README says.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const readme = readFileSync(join(repo, 'README.md'), 'utf8')
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)
const fixture = fileURLToPath(new URL('./fixtures/readme/', import.meta.url))

function block(after: string, lang: string): string {
  const start = readme.indexOf(`\`\`\`${lang}\n`, readme.indexOf(after))
  const end = readme.indexOf('\n```', start + 4)
  return readme.slice(start + lang.length + 4, end)
}

afterAll(() => rmSync(join(fixture, 'die-hard.fixture.ts'), { force: true }))

describe('README', () => {
  it('prints the failure the README shows for its twenty-line example', () => {
    mkdirSync(fixture, { recursive: true })
    writeFileSync(join(fixture, 'die-hard.fixture.ts'), block('## Twenty lines', 'ts'))
    const r = spawnSync(process.execPath, [vitestBin, 'run', '--root', fixture], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 60_000,
    })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status).toBe(1)
    const shown = block('Vitest fails the test with the shortest solution', '').split('\n')
    for (const line of shown) expect(output).toContain(line)
  }, 60_000)
})
