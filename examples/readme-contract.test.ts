// The README's Quick start is the contract with every new user, and CI is what keeps it: `.ci/run`
// must begin with exactly those commands, in that order, before anything that could hide a
// broken first hour (a build, a generated file).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../', import.meta.url))

/** The commands of the README's Quick start block, without their comments. */
function quickStartCommands(): string[] {
  const readme = readFileSync(`${root}README.md`, 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)
  if (!block) throw new Error('README.md has no ```sh block under "## Quick start"')
  return block[1]!
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
}

/** The commands `.ci/run` executes, in order, without comments and shell setup. */
function ciCommands(): string[] {
  return readFileSync(`${root}.ci/run`, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '' && !/^(set|cd)\s/.test(line))
}

describe('README Quick start', () => {
  it('is what CI runs first, literally and in order', () => {
    const readme = quickStartCommands()
    expect(readme).toEqual(['npm ci && npm run textbook', 'npm test'])
    expect(ciCommands().slice(0, readme.length)).toEqual(readme)
  })

  it('needs no build: the test config does not import compiled packages', () => {
    const config = readFileSync(`${root}vitest.config.ts`, 'utf8')
    expect(config).not.toMatch(/from '@musil\//)
    expect(readFileSync(`${root}package.json`, 'utf8')).not.toMatch(/"(pre|post)(test|install|ci)"/)
  })
})
