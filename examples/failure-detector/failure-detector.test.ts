import { check, formatSimTrace, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { walk } from '../walk.ts'
import { failureDetectorChapter } from './chapter.ts'
import { failover } from './failure-detector.ts'
import { GST, PAUSE, SPLIT, simulateDetector, TIMEOUT } from './failure-detector-sim.ts'

describe('failover: the model', () => {
  it('without fencing, a write sent before the takeover lands after it', () => {
    const v = check(failover({ fencing: false })).violation!
    expect(v.name).toBe('noDeposedWrite')
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'write(n1)',
      'timeout(n2)',
      'n1 → storage write(epoch 1)',
    ])
  })

  it('a perfect detector does not save it: a dead primary’s last write is still on the wire', () => {
    const v = check(failover({ fencing: false, detector: 'perfect' })).violation!
    expect(actionsOf(v.trace)).toEqual([
      'init',
      'write(n1)',
      'crash(n1)',
      'timeout(n2)',
      'n1 → storage write(epoch 1)',
    ])
  })

  it('with fencing no deposed write lands, with either detector and more epochs', () => {
    expect(check(failover({ fencing: true }))).toMatchObject({
      ok: true,
      complete: true,
      stats: { distinct: 828 },
    })
    expect(check(failover({ fencing: true, detector: 'perfect' })).ok).toBe(true)
    expect(check(failover({ fencing: true, maxEpoch: 4 })).ok).toBe(true)
  })

  it('fencing answers the bug’s own steps: the old epoch is refused and n1 steps down', () => {
    const m = failover({ fencing: true })
    const write = { from: 'n1', to: 'storage', msg: { type: 'write', epoch: 1 } }
    const refusal = { from: 'storage', to: 'n1', msg: { type: 'rejected', epoch: 2 } }
    const end = walk(m, [
      ['write', 'n1'],
      ['timeout', 'n2'],
      ['net.deliver', write],
      ['net.deliver', refusal],
    ])
    expect(end).toMatchObject({
      peers: { n1: { role: 'backup', epoch: 2 }, n2: { role: 'primary', epoch: 2 } },
      storage: { storage: { lastWrite: null } },
      storageEpoch: 2,
    })
  })
})

describe('failover: the simulation', () => {
  it('a primary paused longer than the timeout writes after the backup took over', () => {
    const f = simulateDetector({ fencing: false, scenario: 'slow' }).failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'noDeposedWrite', seed: 0 })
    expect(f.world.lastWrite?.node).toBe('n1')
    expect(f.world.takeovers.at(-1)?.node).toBe('n2')
    expect(formatSimTrace(f.minimized)).toContain("timer    n1  'resume'")
    const again = simulateDetector({ fencing: false, scenario: 'slow' }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('a partition makes each node suspect the other, and the old primary writes after the heal', () => {
    const f = simulateDetector({ fencing: false, scenario: 'partition' }).failure!
    expect(f).toMatchObject({ name: 'noDeposedWrite', seed: 0 })
    expect(f.world.suspicions).toEqual({ n1: 1, n2: 1 })
    expect(f.world.roles).toEqual({ n1: 'primary', n2: 'primary' })
    expect(f.time).toBeGreaterThanOrEqual(SPLIT.until)
    const again = simulateDetector({ fencing: false, scenario: 'partition' }, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('with fencing: no deposed write, and one primary writing after GST, on 200 seeds each', () => {
    expect(simulateDetector({ fencing: true, scenario: 'slow' })).toMatchObject({
      ok: true,
      runs: 200,
    })
    expect(simulateDetector({ fencing: true, scenario: 'partition' })).toMatchObject({
      ok: true,
      runs: 200,
    })
  })

  it('a longer timeout only moves the bug: it holds until a pause outlasts it', () => {
    expect(PAUSE).toBeGreaterThan(TIMEOUT)
    expect(GST).toBeLessThan(300)
    expect(simulateDetector({ fencing: false, scenario: 'slow', timeout: 50 }).ok).toBe(true)
    const longer = simulateDetector({ fencing: false, scenario: 'slow', timeout: 50, pause: 80 })
    expect(longer.failure?.name).toBe('noDeposedWrite')
    expect(simulateDetector({ fencing: true, scenario: 'slow', timeout: 50, pause: 80 }).ok).toBe(
      true,
    )
    expect(simulateDetector({ fencing: true, scenario: 'slow', pause: 80 }).ok).toBe(true)
  })
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(failureDetectorChapter))
})
