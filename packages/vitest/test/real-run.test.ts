// Runs Vitest itself on a fixture project and reads what a user would see.
import { describe, expect, it } from 'vitest'
import { runFixture } from './helpers.ts'

describe('a failing toBeSafe in a real Vitest run', () => {
  it('prints the whole 40-step shortest trace as the diff', () => {
    const { status, output } = runFixture('failing-model')
    expect(status).toBe(1)
    expect(output).toContain('expect(climb).toBeSafe()')
    expect(output).toContain('invariant below40 violated after 40 steps')
    expect(output).toContain('- every reachable state satisfies below40')
    for (let i = 1; i <= 40; i++) {
      expect(output).toContain(`+ ${String(i).padStart(2)}  step  n: ${i - 1} → ${i}`)
    }
  }, 60_000)
})

describe('a project without the musil() plugin', () => {
  const ADD =
    'add musil() from @musil/vitest/plugin to vitest.config.ts (plugins: [musil()]; an entry of test.projects inherits it only with extends: true)'

  it('fails every musil matcher, and every musil test, saying to add the plugin', () => {
    // The seed flags cannot reach a test without the plugin: the tests must say so, not run.
    const { status, output } = runFixture('no-plugin', { MUSIL_SEED: '2' }, ['--', '--seed=2'])
    expect(status).toBe(1)
    expect(output).not.toContain('Invalid Chai property')
    // Only @musil/core imported: the matchers' absence explains itself, `.not` included.
    for (const [test, matcher] of [
      ['toBeSafe', 'toBeSafe'],
      ['not.toBeSafe', 'toBeSafe'],
      ['toBeDeadlockFree', 'toBeDeadlockFree'],
      ['toConverge on a report', 'toConverge'],
      ['toRefine', 'toRefine'],
    ]) {
      expect(output).toContain(
        ` FAIL  core-only.fixture.ts > ${test}\nPluginMissingError: expect(…).${matcher}() is a musil matcher, and musil's matchers are not registered in this test file (with musil({ registerMatchers: false }), import '@musil/vitest' in it instead): ${ADD}`,
      )
    }
    // Only replay() called: it registers the explanations as explore() and simulate() do.
    expect(output).toContain(
      ` FAIL  replay-only.fixture.ts > toBeSafe on a replay\nPluginMissingError: expect(…).toBeSafe() is a musil matcher, and musil's matchers are not registered in this test file (with musil({ registerMatchers: false }), import '@musil/vitest' in it instead): ${ADD}`,
    )
    // @musil/vitest imported: its matchers work, and its tests fail before running anything.
    expect(output).toMatch(/✓ matchers work when @musil\/vitest is imported/)
    expect(output).toMatch(/✓ late-import\.fixture\.ts \(1 test\)/)
    for (const test of [
      "modelTest('a modelTest')",
      "simTest('a simTest')",
      "simTest('a simTest.each (seed 4)')",
      "simTest.sweep('a sweep')",
    ]) {
      expect(output).toContain(
        `PluginMissingError: ${test} needs the musil() Vitest plugin, which is not installed, so -- --seed=N, the memory of failing seeds and the report would be ignored: ${ADD}`,
      )
    }
    expect(output).toMatch(/Tests {2}10 failed \| 2 passed \(12\)/)
  }, 60_000)
})

describe('the musil() plugin at Vitest startup', () => {
  it('refuses an unknown plugin option before any test runs', () => {
    const { status, output } = runFixture('bad-plugin-options')
    expect(status).toBe(1)
    expect(output).toContain("unknown option 'sed' in musil(); did you mean 'seed'?")
    expect(output).not.toContain('would pass if Vitest started')
  }, 60_000)

  it('refuses an unknown option of a reporter added by hand', () => {
    const config = ['--config', 'vitest.reporter.config.ts']
    const { status, output } = runFixture('bad-plugin-options', {}, config)
    expect(status).toBe(1)
    expect(output).toContain("unknown option 'htm' in new MusilReporter(); did you mean 'html'?")
  }, 60_000)

  it('refuses a malformed MUSIL_SEED before any test runs', () => {
    const { status, output } = runFixture('failing-model', { MUSIL_SEED: 'seven' })
    expect(status).toBe(1)
    expect(output).toContain("MUSIL_SEED: 'seven' is not a seed")
  }, 60_000)
})
