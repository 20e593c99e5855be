import { formatSimTrace, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  ackedWritesSurvive,
  PRIMARY_CRASH,
  registerOfWorld,
  SIM_WRITES,
  simulatePrimaryBackup,
} from './primary-backup-nodes.ts'

describe('primary-backup, the real nodes under a crash of the primary', () => {
  it('ack-then-replicate loses an acknowledged write on some seed, and the seed replays it', () => {
    const r = simulatePrimaryBackup('ack-then-replicate')
    expect(r.ok).toBe(false)
    const f = r.failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'ackedWritesSurvive' })
    expect(r.runs).toBe(f.seed + 1)
    // The backup took over without a write the client had been told was done.
    expect(f.world.promoted).toBe(true)
    expect(f.world.backup).toBeLessThan(Math.max(...f.world.acked))
    expect(f.time).toBeGreaterThan(PRIMARY_CRASH)
    const again = simulatePrimaryBackup('ack-then-replicate', [f.seed])
    expect(traceDigest(again.failure!.trace)).toBe(traceDigest(f.trace))
    expect(again.failure!.minimized).toEqual(f.minimized)
  })

  it('loses a write on 108 of the first 200 seeds: whenever an ack beats the next heartbeat to the crash', () => {
    let lost = 0
    for (let seed = 0; seed < 200; seed++) {
      const r = simulatePrimaryBackup('ack-then-replicate', [seed])
      if (!r.ok) {
        expect(r.failure!.name).toBe('ackedWritesSurvive')
        lost++
      }
    }
    expect(lost).toBe(108)
  })

  it('the minimised trace keeps the crash and ends with the takeover', () => {
    const f = simulatePrimaryBackup('ack-then-replicate').failure!
    expect(f.minimized.length).toBeLessThanOrEqual(f.originalLength)
    expect(f.minimized.some((e) => e.kind === 'crash' && e.node === 'primary')).toBe(true)
    expect(f.minimized.at(-1)).toMatchObject({ kind: 'timer', node: 'backup', name: 'watchdog' })
    // The acknowledgement of the lost write went out, and no heartbeat carried it afterwards.
    const lost = Math.max(...f.world.acked)
    const text = formatSimTrace(f.minimized)
    expect(text).toContain(`primary -> client  {ack: ${lost}}`)
    expect(text).not.toContain(`{heartbeat: ${lost}}`)
  })

  it('ack-then-replicate is not the register even before any crash: refinement fails at the first ack', () => {
    const r = simulatePrimaryBackup('ack-then-replicate', 200, { refine: true })
    expect(r.failure).toMatchObject({ kind: 'refinement', seed: 0 })
    expect(r.failure!.detail).toContain('to {value: 0, acked: 1}')
    expect(r.failure!.trace.some((e) => e.kind === 'crash')).toBe(false)
  })

  it('replicate-then-ack keeps every acknowledged write and refines the register on 200 seeds', () => {
    const r = simulatePrimaryBackup('replicate-then-ack', 200, { refine: true })
    expect(r).toMatchObject({ ok: true, runs: 200 })
    expect(r.checked).toMatchObject({ invariants: ['ackedWritesSurvive'], refinement: true })
    expect(r.stats.unsettled).toBe(0)
  })

  it('states the promise about whoever serves, and the register the run is held to', () => {
    const w = { acked: [1, 2], primary: 2, backup: 1, promoted: false }
    expect(ackedWritesSurvive(w)).toBe(true)
    expect(ackedWritesSurvive({ ...w, promoted: true })).toBe(false)
    expect(registerOfWorld(w)).toEqual({ value: 1, acked: 2 })
    expect(SIM_WRITES).toBe(3)
  })
})
