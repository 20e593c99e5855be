/**
 * Seeds as Vitest settings: parsing `MUSIL_SEED`/`--seed=N`, `MUSIL_SHARD=i/n`, seed ranges, and
 * drawing a fresh seed when none is given. Pure functions, no Vitest import: sweep workers and
 * the plugin use them too.
 *
 * @module
 */
import { parseShard as parseCoreShard, SeedConfigError } from '@musil/core'
import {
  checkOptions,
  checkSeed,
  keyList,
  type OptionKey,
  SEED_RULE,
  seedCountProblem,
  seedProblem,
} from '@musil/core/internal'
import type { Shard } from './context.ts'

/**
 * Parses a seed setting; the rule is core's `seedProblem` (non-negative safe integers). The text
 * is checked first, so that a message shows what was typed, not the number it became.
 */
export function parseSeed(raw: string | number, source: string): number {
  const text = String(raw).trim()
  if (!/^\d+$/.test(text)) {
    throw new SeedConfigError(
      source,
      `'${String(raw)}' is not a seed; seeds are non-negative integers, e.g. MUSIL_SEED=17`,
    )
  }
  const seed = Number(text)
  if (seedProblem(seed) !== undefined) {
    throw new SeedConfigError(
      source,
      `${text} is too large for a seed; ${SEED_RULE} (at most ${Number.MAX_SAFE_INTEGER})`,
    )
  }
  return seed
}

/**
 * A fresh seed for a test that was given none. It is the one place musil reads real entropy: the
 * seed is printed with the replay command on failure, so the run stays reproducible.
 */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}

/** `MUSIL_SHARD=i/n` (1 <= i <= n): one definition, shared with core's swarm shards. */
export function parseShard(raw: string, source = 'MUSIL_SHARD'): Shard {
  return parseCoreShard(raw, source)
}

/** True when `seed` belongs to `shard` (`seed % count === index - 1`); every seed without one. */
export function inShard(seed: number, shard: Shard | null | undefined): boolean {
  return shard == null || seed % shard.count === shard.index - 1
}

/** A half-open range of seeds `[from, to)`. */
export interface SeedRange {
  readonly from: number
  readonly to: number
}

/** The keys a {@link SeedRange} may have: anything else is a typo. */
export const SEED_RANGE_KEYS: readonly OptionKey<SeedRange>[] = keyList<SeedRange>()(['from', 'to'])

/** What a sweep accepts as its seeds: a count `n` (0..n-1), a range, or a list. */
export type SeedSet = number | SeedRange | readonly number[]

/**
 * The most seeds one sweep or `simTest.each` takes: they are listed in memory up front, and a
 * run of this many seeds already takes hours. Split a larger search into ranges or shards.
 */
export const MAX_SEEDS = 10_000_000

function checkCount(count: number, source: string): void {
  if (count > MAX_SEEDS) {
    throw new SeedConfigError(
      source,
      `${count} seeds is more than one sweep takes (at most ${MAX_SEEDS}); split it into ranges ({ from, to }) or shards (MUSIL_SHARD=i/n)`,
    )
  }
}

/** The seeds of a {@link SeedSet} in ascending order, without duplicates, validated. */
export function expandSeeds(seeds: SeedSet, source: string): number[] {
  if (typeof seeds === 'number') {
    const problem = seedCountProblem(seeds)
    if (problem !== undefined) throw new SeedConfigError(source, problem)
    checkCount(seeds, source)
    return Array.from({ length: seeds }, (_, i) => i)
  }
  if (Array.isArray(seeds)) {
    if (seeds.length === 0) throw new SeedConfigError(source, 'the seed list is empty')
    const list = seeds.map((s) => checkSeed(s, source))
    return [...new Set(list)].sort((a, b) => a - b)
  }
  if (seeds !== null && typeof seeds === 'object') {
    checkOptions(seeds, `${source} { from, to }`, SEED_RANGE_KEYS)
  }
  if (seeds !== null && typeof seeds === 'object' && 'from' in seeds && 'to' in seeds) {
    const { from, to } = seeds as SeedRange
    checkSeed(from, source)
    checkSeed(to, source)
    if (to <= from) {
      throw new SeedConfigError(
        source,
        `the range { from: ${from}, to: ${to} } is empty (to is exclusive)`,
      )
    }
    checkCount(to - from, source)
    return Array.from({ length: to - from }, (_, i) => from + i)
  }
  throw new SeedConfigError(
    source,
    `seeds must be a count, { from, to } or a list of seeds, got ${JSON.stringify(seeds)}`,
  )
}
