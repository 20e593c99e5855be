/**
 * The seed rule, one for every runtime and every entry point (`simulate`, `simulateSeed`,
 * `explore`, `replay`, `check`'s random walk, `swarmShard`, sweeps, `simTest.each`,
 * `MUSIL_SEED`): a seed is a non-negative safe integer. Non-negative because a seed must replay
 * from a shell (`MUSIL_SEED=17`, `--seed=17`) and a sign is one more way to mistype it; safe
 * because beyond 2^53 two different integers are the same JavaScript number, so two seeds would
 * silently name one run. (`RandomStream` itself takes any safe integer: it derives substreams,
 * it does not name runs.)
 *
 * @module
 */
import { SeedConfigError } from '../errors.ts'

/** The rule in words, for error messages. */
export const SEED_RULE = 'seeds are non-negative safe integers'

/**
 * What is wrong with `seed` as a run seed (`seed -1 is not a seed; seeds are non-negative safe
 * integers`), or `undefined` when it is one. Callers wrap the sentence in their own error, which
 * names where the seed came from.
 */
export function seedProblem(seed: unknown): string | undefined {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return undefined
  const shown = typeof seed === 'string' ? `'${seed}'` : String(seed)
  return `seed ${shown} is not a seed; ${SEED_RULE}`
}

/**
 * `seed` when it is a run seed; otherwise the error `refuse` builds from `source` (the entry point
 * or setting the seed came from) and the problem: by default a `SeedConfigError`, `check(): seed
 * -1 is not a seed; seeds are non-negative safe integers`. Each runtime passes its own usage error
 * (`simulate` a `SimulationConfigError`, `explore` a `WorldUsageError`), so the rule and its
 * sentence are one while each entry point keeps the error type its callers catch.
 */
export function checkSeed(
  seed: unknown,
  source: string,
  refuse: (source: string, problem: string) => Error = (where, problem) =>
    new SeedConfigError(where, problem),
): number {
  const problem = seedProblem(seed)
  if (problem !== undefined) throw refuse(source, problem)
  return seed as number
}

/**
 * What is wrong with `count` as a number of seeds (seeds `0 .. count-1`), or `undefined` when
 * it is a positive safe integer.
 */
export function seedCountProblem(count: unknown): string | undefined {
  if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 1) return undefined
  return `a seed count must be a positive integer, got ${String(count)}`
}
