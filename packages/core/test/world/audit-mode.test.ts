import * as fs from 'node:fs'
import {
  auditMode,
  BoundaryError,
  EntropyLeakError,
  explore,
  replay,
  type Scenario,
  WorldUsageError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

describe('auditMode', () => {
  it('returns what the function returns when nothing leaks', async () => {
    expect(auditMode(() => 6 * 7)).toBe(42)
    expect(await auditMode(async () => 'done')).toBe('done')
    expect(auditMode(() => new Date(0).getTime())).toBe(0) // a given time is not entropy
  })

  it('trips on entropy and on real I/O, naming the call', () => {
    expect(() => auditMode(() => Math.random())).toThrow(EntropyLeakError)
    const e = (() => {
      try {
        auditMode(() => fs.writeFileSync('/never/written', 'x'))
      } catch (err) {
        return err as BoundaryError
      }
    })()
    expect(e).toBeInstanceOf(BoundaryError)
    expect(e?.source).toBe('fs.writeFileSync()')
    expect(e?.message).toMatch(/^fs\.writeFileSync\(\) called inside a simulation: /)
    // Reading a file is deterministic, so it passes.
    expect(
      auditMode(() => fs.readFileSync(new URL(import.meta.url), 'utf8').length),
    ).toBeGreaterThan(0)
  })

  it('follows the code through its awaits, and fails even if the code catches the leak', async () => {
    const outcome = await auditMode(async () => {
      await Promise.resolve()
      try {
        crypto.randomUUID()
      } catch {
        return 'swallowed'
      }
      return 'not tripped'
    }).catch((e: unknown) => e)
    expect(outcome).toBeInstanceOf(EntropyLeakError)
    expect((outcome as EntropyLeakError).source).toBe('crypto.randomUUID()')
  })

  it('never trips code outside the scope, even while the scope is active', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const scoped = auditMode(async () => {
      await gate
      return 'ok'
    })
    // This is not inside the scope: the real clock and randomness work.
    expect(typeof Date.now()).toBe('number')
    expect(Math.random()).toBeLessThan(1)
    release()
    expect(await scoped).toBe('ok')
  })

  it('audits the runs it wraps, as audit: true does', async () => {
    const leaky: Scenario = async (world) => {
      await world.sleep(1)
      Date.now()
    }
    expect((await explore(leaky, { seeds: 1 })).ok).toBe(true) // outside: not audited
    const report = await auditMode(() => explore(leaky, { seeds: 1 }))
    expect(report.failure?.detail).toMatch(/^the scenario: EntropyLeakError: Date\.now\(\)/)
    // And a clean run inside it keeps its timeline.
    const clean: Scenario = async (world) => {
      world.record(world.rng.random())
    }
    const inside = await auditMode(() => replay(clean, { seed: 3 }))
    expect(inside.digest).toBe((await replay(clean, { seed: 3 })).digest)
  })

  it('restores every global afterwards, also when the function throws', () => {
    const before = [Date.now, Math.random, fs.writeFileSync, globalThis.setTimeout]
    expect(() =>
      auditMode(() => {
        throw new RangeError('unrelated')
      }),
    ).toThrow(RangeError)
    expect(() => auditMode(() => Date.now())).toThrow(EntropyLeakError)
    for (let i = 0; i < before.length; i++)
      expect([Date.now, Math.random, fs.writeFileSync, globalThis.setTimeout][i]).toBe(before[i])
  })

  it('refuses something that is not a function', () => {
    expect(() => auditMode(42 as never)).toThrow(WorldUsageError)
  })
})
