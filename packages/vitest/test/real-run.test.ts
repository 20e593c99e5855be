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
