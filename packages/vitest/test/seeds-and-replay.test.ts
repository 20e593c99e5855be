// Seed settings, shards, replay commands, the plugin's seed precedence and the bin's arguments.

import { describe, expect, it } from 'vitest'
import { parseArgs } from '../src/bin.ts'
import { SeedConfigError } from '../src/index.ts'
import { passThroughArgs, requestedSeed } from '../src/plugin-settings.ts'
import { escapeRegExp, fullTestName, replayCommand, shellQuote } from '../src/replay.ts'
import { chooseSeed, replaySeed } from '../src/seed-choice.ts'
import { expandSeeds, inShard, parseSeed, parseShard } from '../src/seeds.ts'
import { planChunks } from '../src/sweep/sweep.ts'

function errorOf(f: () => unknown): SeedConfigError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(SeedConfigError)
    return e as SeedConfigError
  }
  throw new Error('expected a SeedConfigError')
}

describe('seed flags after --', () => {
  it('refuses a mistyped --seed instead of running another seed', () => {
    for (const flag of ['--seeds=6', '--sed', '--Seed=6', '-seed=6']) {
      const e = errorOf(() =>
        requestedSeed(['vitest', 'run', '--', flag, '6'], {}, undefined, undefined),
      )
      expect(e.message).toBe(
        `${flag}: unknown flag after --; did you mean --seed=N (e.g. npm test -- -- --seed=6)?`,
      )
    }
    // Flags that are not near --seed belong to someone else: they pass through.
    expect(
      requestedSeed(['vitest', '--', '--verbose', '--seed=3'], {}, undefined, undefined),
    ).toEqual({ seed: 3, source: '--seed' })
  })
})

describe('seeds', () => {
  it('parses seeds and names the setting at fault', () => {
    expect(parseSeed('17', 'MUSIL_SEED')).toBe(17)
    expect(parseSeed(' 0 ', 'MUSIL_SEED')).toBe(0)
    expect(errorOf(() => parseSeed('-1', 'MUSIL_SEED')).message).toBe(
      "MUSIL_SEED: '-1' is not a seed; seeds are non-negative integers, e.g. MUSIL_SEED=17",
    )
    expect(errorOf(() => parseSeed('1.5', '--seed')).source).toBe('--seed')
    expect(errorOf(() => parseSeed('99999999999999999999', 'MUSIL_SEED')).message).toContain(
      '99999999999999999999 is too large for a seed; seeds are non-negative safe integers',
    )
  })

  it('parses shards and splits seeds by seed % n, every seed in exactly one shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 })
    expect(errorOf(() => parseShard('0/2')).message).toBe(
      "MUSIL_SHARD: '0/2' is out of range; the index runs from 1 to the count, e.g. 1/4 .. 4/4",
    )
    expect(errorOf(() => parseShard('3/2')).message).toContain('out of range')
    expect(errorOf(() => parseShard('half')).message).toBe(
      "MUSIL_SHARD: 'half' is not a shard; write i/n, e.g. MUSIL_SHARD=1/4",
    )
    const seeds = expandSeeds(100, 'test')
    const shards = [1, 2, 3].map((index) => seeds.filter((s) => inShard(s, { index, count: 3 })))
    expect(shards.flat().sort((a, b) => a - b)).toEqual(seeds)
    expect(shards.map((s) => s.length)).toEqual([34, 33, 33])
    expect(seeds.filter((s) => inShard(s, null))).toEqual(seeds)
  })

  it('expands counts, ranges and lists; rejects the rest', () => {
    expect(expandSeeds(3, 's')).toEqual([0, 1, 2])
    expect(expandSeeds({ from: 5, to: 8 }, 's')).toEqual([5, 6, 7])
    expect(expandSeeds([9, 1, 9, 4], 's')).toEqual([1, 4, 9])
    expect(errorOf(() => expandSeeds('10' as never, 'sweep seeds')).message).toBe(
      'sweep seeds: seeds must be a count, { from, to } or a list of seeds, got "10"',
    )
    expect(errorOf(() => expandSeeds([1, 2.5], 'sweep seeds')).message).toBe(
      'sweep seeds: seed 2.5 is not a seed; seeds are non-negative safe integers',
    )
  })

  it('chooses the seed: .each, then MUSIL_SEED, then the provided seed, then memory, then random', () => {
    const random = (): number => 123
    const provided = { seed: 5, source: '--seed' as const }
    expect(chooseSeed({ each: 1, env: '2', provided, remembered: [4], random })).toEqual({
      seed: 1,
      source: 'each',
    })
    expect(chooseSeed({ env: '2', provided, remembered: [4], random })).toEqual({
      seed: 2,
      source: 'MUSIL_SEED',
    })
    expect(chooseSeed({ env: ' ', provided, remembered: [4], random })).toEqual(provided)
    expect(chooseSeed({ remembered: [4, 7], random })).toEqual({ seed: 4, source: 'memory' })
    expect(chooseSeed({ remembered: [], random })).toEqual({ seed: 123, source: 'random' })
    expect(() => chooseSeed({ env: 'x' })).toThrow("MUSIL_SEED: 'x' is not a seed")
    expect(replaySeed({ env: '9' })).toEqual({ seed: 9, source: 'MUSIL_SEED' })
    expect(replaySeed({})).toBeUndefined()
  })

  it('plans chunks with remembered seeds first, every seed exactly once', () => {
    const seeds = expandSeeds(10, 's')
    const chunks = planChunks(seeds, 4, new Set([7, 2, 42]))
    expect(chunks.map((c) => c.seeds)).toEqual([
      [2, 7],
      [0, 1, 3, 4],
      [5, 6, 8, 9],
    ])
    expect(chunks.map((c) => c.min)).toEqual([2, 0, 5])
  })
})

describe('replay commands', () => {
  it('prints MUSIL_SEED, the file relative to the root, and an anchored, escaped -t', () => {
    expect(
      replayCommand({
        file: '/p/test/gossip.test.ts',
        root: '/p',
        fullName: 'gossip converges (seed 3)',
        seed: 3,
      }),
    ).toBe("MUSIL_SEED=3 npx vitest run test/gossip.test.ts -t '^gossip converges \\(seed 3\\)$'")
    expect(replayCommand({ file: 'a b.test.ts', fullName: "it's [x]*" })).toBe(
      "npx vitest run 'a b.test.ts' -t '^it'\\''s \\[x\\]\\*$'",
    )
  })

  it('refuses a seed that is not a seed and a part that is not a string, naming it', () => {
    // An unchecked seed would land in the shell command unquoted.
    expect(
      errorOf(() => replayCommand({ file: 'a.ts', fullName: 'x', seed: 'rm -rf' as never }))
        .message,
    ).toBe(
      "replayCommand() seed: seed 'rm -rf' is not a seed; seeds are non-negative safe integers",
    )
    expect(() => replayCommand({ file: 'a.ts', fullName: 'x', seed: -1 })).toThrow(SeedConfigError)
    expect(() => replayCommand({ file: 'a.ts', fullName: 5 as never })).toThrow(
      expect.objectContaining({
        name: 'OptionsError',
        key: 'fullName',
        message: "replayCommand(): 'fullName' must be a string, got 5",
      }),
    )
    expect(() => replayCommand({ file: undefined as never, fullName: 'x' })).toThrow(
      "replayCommand(): 'file' must be a string, got undefined",
    )
    expect(() => replayCommand({ file: 'a.ts', fullName: 'x', root: null as never })).toThrow(
      "replayCommand(): 'root' must be a string, got null",
    )
  })

  it('escapes every regex metacharacter, so -t matches the name literally', () => {
    const name = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o'
    expect(new RegExp(`^${escapeRegExp(name)}$`).test(name)).toBe(true)
    expect(new RegExp(`^${escapeRegExp(name)}$`).test(name.replace('.', 'x'))).toBe(false)
    expect(shellQuote('plain/path.ts')).toBe('plain/path.ts')
  })

  it('joins suite names and the test name with one space, as vitest -t does', () => {
    const task = { name: 'leaf (seed 1)', suite: { name: 'inner', suite: { name: 'outer' } } }
    expect(fullTestName(task)).toBe('outer inner leaf (seed 1)')
    // A top-level test: its name alone (the real-run tests replay such names through -t).
    expect(fullTestName({ name: 'top' })).toBe('top')
  })
})

describe('the plugin and the bin', () => {
  it('reads the seed after a bare --, then MUSIL_SEED, then the plugin option, then --sequence.seed', () => {
    const argv = ['node', 'vitest', 'run', 'x.test.ts', '--', '--seed=17']
    expect(passThroughArgs(argv)).toEqual(['--seed=17'])
    expect(requestedSeed(argv, { MUSIL_SEED: '3' }, 4, 5)).toEqual({ seed: 17, source: '--seed' })
    expect(requestedSeed(['vitest', '--', '--seed', '18'], {}, undefined, undefined)).toEqual({
      seed: 18,
      source: '--seed',
    })
    expect(requestedSeed(['vitest'], { MUSIL_SEED: '3' }, 4, 5)).toEqual({
      seed: 3,
      source: 'MUSIL_SEED',
    })
    expect(requestedSeed(['vitest'], {}, 4, 5)).toEqual({ seed: 4, source: 'config' })
    expect(requestedSeed(['vitest'], {}, undefined, 5)).toEqual({
      seed: 5,
      source: '--sequence.seed',
    })
    expect(requestedSeed(['vitest'], {}, undefined, undefined)).toBeNull()
    // --seed before the bare -- is Vitest's (and rejected by it), not ours.
    expect(requestedSeed(['vitest', '--seed=1'], {}, undefined, undefined)).toBeNull()
    expect(() => requestedSeed(['vitest', '--', '--seed=x'], {}, undefined, undefined)).toThrow(
      "--seed: 'x' is not a seed",
    )
  })

  it('turns `musil test --seed=N --shard=i/n` into environment variables for vitest run', () => {
    expect(parseArgs(['--seed=17', 'a.test.ts', '-t', '^x$', '--shard', '2/4'])).toEqual({
      env: { MUSIL_SEED: '17', MUSIL_SHARD: '2/4' },
      rest: ['a.test.ts', '-t', '^x$'],
    })
    expect(() => parseArgs(['--seed=x'])).toThrow("--seed: 'x' is not a seed")
    expect(() => parseArgs(['--shard=5/4'])).toThrow("--shard: '5/4' is out of range")
  })
})
