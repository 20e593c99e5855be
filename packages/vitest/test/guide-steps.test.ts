// The getting-started guide as the end-to-end test reads it: every command is one the test can
// follow and every file it shows is named, so the guide cannot gain a step the test skips.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { guideSteps, installedPackages, missingLines } from './guide-steps.ts'

const guide = readFileSync(
  new URL('../../../docs/guide/getting-started.md', import.meta.url),
  'utf8',
)

describe('the getting-started guide, as steps', () => {
  const steps = guideSteps(guide)

  it('goes from npm init -y to a replayed failing seed, in that order', () => {
    const actions = steps.flatMap((s) => (s.kind === 'run' ? [s.action] : []))
    // The second install is the optional type-checking step (typescript).
    const order = [
      'node-version',
      'create-project',
      'npm-init',
      'install',
      'test-run',
      'replay',
      'install',
    ]
    expect(actions.filter((a) => order.includes(a))).toEqual(order)
    const install = steps.find((s) => s.kind === 'run' && s.action === 'install')
    expect(install?.kind === 'run' && installedPackages(install.command)).toEqual([
      '@musil/core',
      '@musil/vitest',
      'vitest',
      'tsx',
    ])
    expect(steps.some((s) => s.kind === 'file' && s.name === 'tsconfig.json')).toBe(true)
    // A test run and the replay both show what they print.
    for (const action of ['test-run', 'replay']) {
      const i = steps.findIndex((s) => s.kind === 'run' && s.action === action)
      expect(steps[i + 1]?.kind).toBe('output')
    }
  })

  it('shows every file its files import, and a config with the plugin', () => {
    const files = new Map(
      steps.flatMap((s) => (s.kind === 'file' ? [[s.name, s.text] as const] : [])),
    )
    expect(files.get('vitest.config.ts')).toContain('plugins: [musil()]')
    for (const [name, text] of files) {
      for (const [, imported] of text.matchAll(/from '\.\/([\w.-]+)'/g)) {
        expect(files.has(imported!), `${name} imports ./${imported}`).toBe(true)
      }
    }
    // The sweeps load a module the guide shows, on two threads.
    const test = files.get('route.test.ts') ?? ''
    expect(test).toContain("new URL('./route.ts', import.meta.url)")
    expect(test).toContain('threads: 2')
  })

  it('rejects a command or a ts block the end-to-end test could not follow', () => {
    expect(() => guideSteps('```sh\nnpm ci\n```\n')).toThrow(
      "getting-started.md:2: the end-to-end test does not know the command 'npm ci'",
    )
    expect(() => guideSteps('```ts\nconst x = 1\n```\n')).toThrow(
      "getting-started.md:2: a ts block must start with '// <file>.ts'",
    )
  })

  it('finds the lines of an output block that the output lacks', () => {
    const output = ' ✓ counter.test.ts (2 tests) 6ms\n × fire-and-forget 585ms\n'
    expect(missingLines(['✓ counter.test.ts (2 tests)', '× fire-and-forget'], output)).toEqual([])
    expect(missingLines(['✓ fire-and-forget'], output)).toEqual(['✓ fire-and-forget'])
  })
})
