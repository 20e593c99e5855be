/**
 * `@musil/vitest`: musil's model checking and simulation as first-class Vitest tests.
 *
 * @packageDocumentation
 */
import './matchers/register.ts'

export type { SafetyMatcherOptions } from './matchers/model-matchers.ts'
export type { MusilMatchers } from './matchers/register.ts'
export type { ConvergeMatcherOptions } from './matchers/to-converge.ts'
export type { RefineMatcherOptions } from './matchers/to-refine.ts'
export { type ModelTestAPI, type ModelTestOptions, modelTest } from './model-test.ts'
