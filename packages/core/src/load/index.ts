/**
 * `@musil/core/load`: what a worker thread needs to load a user's module (used by
 * `@musil/vitest`'s sweep workers and by `checkParallel`). Not a user-facing API.
 *
 * @module
 */
export { projectModuleFormat, resolve } from './esm-hooks.ts'
export { loadModel } from './load-model.ts'
export { type ModelTarget, modelExport, moduleUrl, targetModuleUrl } from './model-export.ts'
export { importFailure, loadTypeScript, TS_FILE } from './module.ts'
export { workerEntry, workerExecArgv } from './worker-entry.ts'
