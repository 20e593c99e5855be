import { check, compose, formatTrace, simulate, simulateSeed, traceDigest } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { actionsOf } from '../chapter.ts'
import { expectPageQuotes } from '../page-quotes.ts'
import { lockFencingChapter, SEEDS } from './chapter.ts'
import { lockNodes, lockOptions, simulateLock } from './lock-fencing.nodes.ts'
import { lockFencing, lockFencingSpec, net, storageOf, writesInLeaseOrder } from './lock-fencing.ts'

/** c1 takes the lease and sends its write, the lease expires unawares, and c2 takes it. */
const STALE_WRITE = ['init', 'acquire(c1)', 'write(c1)', 'expire', 'acquire(c2)']

describe('a distributed lock with leases: the model', () => {
  it('a client whose lease expired still writes, after the next holder (the Kleppmann scenario)', () => {
    const v = check(lockFencing({ fenced: false })).violation!
    expect(v.name).toBe('writesInLeaseOrder')
    expect(actionsOf(v.trace)).toEqual([
      ...STALE_WRITE,
      'write(c2)',
      'c2 → storage write(token 2)',
      'c1 → storage write(token 1)',
    ])
    expect(storageOf(v.trace.at(-1)!.state).log).toEqual([2, 1])
  })

  it.each([1, 2, 3])('fencing tokens keep the writes in lease order, %i clients', (clients) => {
    expect(check(lockFencing({ clients, fenced: true }))).toMatchObject({
      ok: true,
      complete: true,
    })
  })

  it('counts the states of the fenced design', () => {
    expect(check(lockFencing()).stats.distinct).toBe(53)
    expect(check(lockFencing({ clients: 3 })).stats.distinct).toBe(571)
  })

  it('fencing orders writes; it does not stop an expired lease whose write arrives first', () => {
    // Reach a state where the storage accepted c1's write after c1's lease had passed to c2:
    // safe, since c2 has written nothing yet, and c2's write will still be accepted after it.
    const staleAccepted = compose({
      ...lockFencingSpec(),
      invariants: {
        noStaleAccepted: (s) =>
          !(s.lock.holder === 'c2' && s.lock.token === 2 && storageOf(s).log.join() === '1'),
      },
    })
    const v = check(staleAccepted).violation!
    expect(actionsOf(v.trace)).toEqual([...STALE_WRITE, 'c1 → storage write(token 1)'])
  })

  it('lease order is a property of the log alone', () => {
    const world = (log: number[]) => ({
      client: {},
      storage: { storage: { maxToken: 2, log } },
      net: net.empty(),
      lock: { holder: null, token: 2 },
    })
    expect(writesInLeaseOrder(world([1, 2, 2]))).toBe(true)
    expect(writesInLeaseOrder(world([2, 1]))).toBe(false)
  })

  it('prints the story', () => {
    const v = check(lockFencing({ fenced: false })).violation!
    expect(formatTrace(v.trace)).toContain('expire')
  })
})

describe('the lock as code: simulated and held to the model', () => {
  it('finds the paused client by seed, and the seed replays it', () => {
    const f = simulateLock(false, SEEDS).failure!
    expect(f).toMatchObject({ kind: 'safety', name: 'writesInLeaseOrder' })
    expect(storageOf(f.world).log).toEqual([2, 1])
    const again = simulateLock(false, [f.seed]).failure!
    expect(traceDigest(again.trace)).toBe(traceDigest(f.trace))
  })

  it('with fencing the same seed rejects the stale write', () => {
    const seed = simulateLock(false, SEEDS).failure!.seed
    const run = simulateSeed(lockNodes(true), lockOptions(true), seed)
    expect(run.ok).toBe(true)
    expect(storageOf(run.world).log).toEqual([2])
    expect(run.world.client).toEqual({
      c1: { token: 1, wrote: true },
      c2: { token: 2, wrote: true },
    })
  })

  it('fenced storage: every write delivered, in lease order, refining the model, on every seed', () => {
    const r = simulateLock(true, SEEDS)
    expect(r).toMatchObject({ ok: true, runs: SEEDS })
    expect(r.checked).toMatchObject({ invariants: ['writesInLeaseOrder'], refinement: true })
  })

  it.each([true, false])(
    'refinement is no formality: code with fenced=%s held to the other model fails it',
    (fenced) => {
      // The fenced storage drops a stale write the unfenced model must log, and the unfenced
      // storage logs one the fenced model must drop. Invariants off: only refinement can fail.
      const r = simulate(lockNodes(fenced), {
        seeds: SEEDS,
        ...lockOptions(fenced),
        invariants: {},
        model: lockFencing({ fenced: !fenced }),
      })
      expect(r.failure).toMatchObject({ kind: 'refinement' })
    },
  )
})

describe('the page', () => {
  it('is titled as the textbook titles it and quotes what the chapter prints', () =>
    expectPageQuotes(lockFencingChapter))
})
