/**
 * `@musil/core/internal`: the helpers `@musil/core` shares with `@musil/vitest` (and with this
 * repository's tests, examples and benchmarks), kept off the public entry. It is not a user-facing
 * API and carries no semver promise: anything here may change or go in any release. Code outside
 * musil should use `@musil/core`.
 *
 * @module
 */

// Strict options: the valid keys of every options object, and the check that rejects the rest

export { OPTION_KEYS } from './option-keys.ts'
export {
  type CompleteKeyList,
  checkOptions,
  keyList,
  nearestKey,
  type OptionKey,
} from './options.ts'

// The seed rule, in words and as checks, for the seed settings @musil/vitest parses

export { checkSeed, SEED_RULE, seedCountProblem, seedProblem } from './random/seed.ts'

// What a run was held to: merging the `checked` of several reports, and "checked nothing"

export { checksNothing, mergeRunChecks, NO_CHECKS } from './report.ts'

// A thrown value in one line, as both runtimes put it in a failure's detail

export { describeError } from './errors.ts'

// The matcher names @musil/vitest registers, and the placeholders that explain a missing plugin

export {
  explainMissingMatchers,
  MUSIL_MATCHERS,
  type MusilMatcherName,
} from './matcher-placeholders.ts'
