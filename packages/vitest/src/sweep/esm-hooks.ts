/**
 * The module hooks of worker threads, now in `@musil/core/load` (sweeps and `checkParallel`
 * share them); re-exported here for code that imported them from this file.
 *
 * @module
 */
export { projectModuleFormat, resolve } from '@musil/core/load'
