import { RandomStream, replay } from '@musil/core'
import { describe, expect, it } from 'vitest'

const take = (s: RandomStream, n: number) => Array.from({ length: n }, () => s.random())

describe('RandomStream', () => {
  it('is a pure function of (seed, label): the same draws in every instance', () => {
    for (const seed of [0, 1, -1, 2 ** 32, -(2 ** 32) + 1, Number.MAX_SAFE_INTEGER]) {
      expect(take(new RandomStream(seed, 'user'), 8)).toEqual(
        take(new RandomStream(seed, 'user'), 8),
      )
    }
    // The halves of a seed above 2^32 both count: these differ only in the high word.
    expect(take(new RandomStream(2 ** 32, 'user'), 4)).not.toEqual(
      take(new RandomStream(0, 'user'), 4),
    )
  })

  it('gives independent streams per label: draws from one never shift another', () => {
    const labels = ['user', 'network', 'faults', 'csprng', 'scheduler', 'pct']
    const firsts = labels.map((l) => take(new RandomStream(5, l), 4).join())
    expect(new Set(firsts).size).toBe(labels.length)
    const faults = new RandomStream(5, 'faults')
    const before = take(new RandomStream(5, 'faults'), 4)
    const network = new RandomStream(5, 'network')
    for (let i = 0; i < 1000; i++) network.int(1, 20)
    expect(take(faults, 4)).toEqual(before)
  })

  it('is behind world.rng under the label user', async () => {
    const r = await replay(
      async (world) => {
        world.record([world.rng.seed, world.rng.label, take(world.rng, 3)])
      },
      { seed: 31 },
    )
    expect(r.timeline.find((e) => e.kind === 'user')?.payload).toEqual([
      31,
      'user',
      take(new RandomStream(31, 'user'), 3),
    ])
  })

  it('keeps its draws in range, and chance() draws exactly once whatever p is', () => {
    const s = new RandomStream(3, 'x')
    for (let i = 0; i < 200; i++) {
      const n = s.int(-2, 2)
      expect(Number.isInteger(n) && n >= -2 && n <= 2).toBe(true)
    }
    const a = new RandomStream(4, 'x')
    const b = new RandomStream(4, 'x')
    a.chance(0)
    a.chance(1)
    b.random()
    b.random()
    expect(a.random()).toBe(b.random())
  })

  it('forks children by label, and refuses an empty pick and an unsafe seed', () => {
    const child = new RandomStream(8, 'node').fork('n1')
    expect(child.label).toBe('node/n1')
    expect(take(child, 3)).toEqual(take(new RandomStream(8, 'node/n1'), 3))
    expect(() => new RandomStream(8, 'x').pick([])).toThrow('pick() from an empty list on stream x')
    expect(() => new RandomStream(2 ** 53, 'x')).toThrow(RangeError)
  })
})
