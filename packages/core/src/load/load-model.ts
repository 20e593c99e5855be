/**
 * Loading the model a `{ module, export }` target names, in a thread that has no Vitest to do
 * it: TypeScript through tsx (or Node's type stripping), an import, then the export resolved to
 * a model. Shared by `checkParallel`'s workers and the explorer, so both accept the same
 * targets and explain the same failures.
 *
 * @module
 */
import type { Model } from '../model/model.ts'
import { modelExport } from './model-export.ts'
import { importFailure, loadTypeScript, TS_FILE } from './module.ts'

/**
 * Imports `module` (a `file:` URL) and returns its export `exportName` as a model.
 *
 * @param who - who is loading, for messages: `a checkParallel worker thread`, `musil explore`.
 * @param fail - builds the error thrown when TypeScript cannot be loaded or the import fails.
 * @param nameIt - how the caller names an export, for the missing-export message (see {@link modelExport}).
 * @throws {ParallelCheckError} from {@link modelExport} when the export is missing or no model.
 */
export async function loadModel(
  module: string,
  exportName: string,
  who: string,
  fail: (message: string, cause?: unknown) => Error,
  nameIt?: string,
): Promise<Model<unknown>> {
  if (TS_FILE.test(new URL(module).pathname)) {
    await loadTypeScript((e) =>
      fail(
        `cannot load TypeScript in ${who}: this Node (${process.version}) has no type stripping and 'tsx' is not installed. Install it (npm i -D tsx) or point it at compiled JavaScript.`,
        e,
      ),
    )
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(module)) as Record<string, unknown>
  } catch (e) {
    throw fail(`${who} cannot import ${module}: ${importFailure(module, e)}`, e)
  }
  return modelExport(mod, exportName, module, nameIt)
}
