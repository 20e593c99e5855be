/**
 * Which seed a simulation test runs, in order of precedence: the `simTest.each` value, then
 * `MUSIL_SEED`, then what the plugin provided (`-- --seed=N`, `--sequence.seed`), then a seed
 * remembered as failing by an earlier run, else a fresh random seed (printed on failure).
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '@musil/core/internal'
import type { ProvidedSeed, SeedSource } from './context.ts'
import { parseSeed, randomSeed } from './seeds.ts'

/** Everything a seed can come from; all optional. */
export interface SeedInputs {
  /** The `simTest.each` value, fixed at collection time. */
  readonly each?: number
  /** `process.env.MUSIL_SEED` in the test worker. */
  readonly env?: string
  /** What the plugin provided from the main process. */
  readonly provided?: ProvidedSeed | null
  /** Seeds this test failed with in earlier runs, lowest first. */
  readonly remembered?: readonly number[]
  /** Fresh entropy; `randomSeed` unless a test injects its own. */
  readonly random?: () => number
}

/** The keys {@link SeedInputs} may have: anything else is a typo `chooseSeed` rejects. */
export const SEED_INPUT_KEYS: readonly OptionKey<SeedInputs>[] = keyList<SeedInputs>()([
  'each',
  'env',
  'provided',
  'remembered',
  'random',
])

/** The chosen seed and where it came from. */
export interface ChosenSeed {
  readonly seed: number
  readonly source: SeedSource
}

/** Picks the seed a test runs; throws `SeedConfigError` on a malformed `MUSIL_SEED`. */
export function chooseSeed(inputs: SeedInputs): ChosenSeed {
  checkOptions(inputs, 'chooseSeed()', SEED_INPUT_KEYS)
  if (inputs.each !== undefined) return { seed: inputs.each, source: 'each' }
  if (inputs.env !== undefined && inputs.env.trim() !== '') {
    return { seed: parseSeed(inputs.env, 'MUSIL_SEED'), source: 'MUSIL_SEED' }
  }
  if (inputs.provided) return inputs.provided
  const remembered = inputs.remembered?.[0]
  if (remembered !== undefined) return { seed: remembered, source: 'memory' }
  return { seed: (inputs.random ?? randomSeed)(), source: 'random' }
}

/** The seed a replay asks for (`MUSIL_SEED` or a provided seed), or undefined. */
export function replaySeed(inputs: Pick<SeedInputs, 'env' | 'provided'>): ChosenSeed | undefined {
  if (inputs.env !== undefined && inputs.env.trim() !== '') {
    return { seed: parseSeed(inputs.env, 'MUSIL_SEED'), source: 'MUSIL_SEED' }
  }
  return inputs.provided ?? undefined
}
