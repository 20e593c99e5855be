/**
 * `@musil/vitest`: musil's model checking and simulation as first-class Vitest tests.
 *
 * @packageDocumentation
 */
export { type MusilPluginOptions, musil } from './plugin.ts'
