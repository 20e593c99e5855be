// Runs Vitest itself on a fixture project and reads what a user would see.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)

function runFixture(
  name: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): { status: number | null; output: string } {
  const root = fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url))
  const r = spawnSync(process.execPath, [vitestBin, 'run', '--root', root, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...env },
    timeout: 60_000,
  })
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` }
}

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
  const ADD = 'add musil() from @musil/vitest/plugin to vitest.config.ts (plugins: [musil()])'

  it('fails every musil matcher, and every musil test, saying to add the plugin', () => {
    // The seed flags cannot reach a test without the plugin: the tests must say so, not run.
    const { status, output } = runFixture('no-plugin', ['--', '--seed=2'], { MUSIL_SEED: '2' })
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
        ` FAIL  core-only.fixture.ts > ${test}\nPluginMissingError: expect(…).${matcher}() is a musil matcher, and musil's matchers are not registered in this test file: ${ADD}`,
      )
    }
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
    expect(output).toMatch(/Tests {2}9 failed \| 2 passed \(11\)/)
  }, 60_000)
})
