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
