/**
 * `@musil/vitest`: musil's model checking and simulation as first-class Vitest tests.
 *
 * @packageDocumentation
 */
export { musil, type MusilPluginOptions } from './plugin.ts'
