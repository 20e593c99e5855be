/**
 * The model a `{ module, export }` target names, once its module is imported: the export is a
 * model, or a function of no arguments returning one. Shared by `checkParallel`'s workers and
 * `modelTest`, so both accept the same targets with the same errors.
 *
 * @module
 */
import { pathToFileURL } from 'node:url'
import { describeError, ParallelCheckError } from '../errors.ts'
import { isModel, type Model } from '../model/model.ts'

/**
 * Resolves export `exportName` of the imported module `mod` (loaded from `module`) to a model.
 *
 * @param nameIt - how the caller names an export, for the missing-export message: `as 'export'`
 *   for `{ module, export }` targets, `after '#'` on the `musil explore` command line.
 * @throws {ParallelCheckError} when the export is missing, is not a model, or is a function that
 *   throws.
 */
export function modelExport(
  mod: Record<string, unknown>,
  exportName: string,
  module: string,
  nameIt = "as 'export'",
): Model<unknown> {
  if (!(exportName in mod)) {
    const list = Object.keys(mod).join(', ') || 'none'
    throw new ParallelCheckError(
      `${module} has no export '${exportName}' (its exports: ${list}); pass the name of the exported model ${nameIt}`,
    )
  }
  let value = mod[exportName]
  if (typeof value === 'function' && !isModel(value)) {
    try {
      value = (value as () => unknown)()
    } catch (e) {
      // Name the export: the function's own message says what, not where.
      throw new ParallelCheckError(
        `export '${exportName}' of ${module} threw while building the model: ${describeError(e, 'message')}`,
        e instanceof Error ? e.name : undefined,
        [],
        { cause: e },
      )
    }
  }
  if (!isModel(value)) {
    throw new ParallelCheckError(
      `export '${exportName}' of ${module} is not a model: export a model built with defineModel({ init, actions }), or a function of no arguments returning one`,
    )
  }
  return value as Model<unknown>
}

/** Where a worker thread (or a test) finds a model: a module and the name of its export. */
export interface ModelTarget {
  /**
   * The module: a `file:` URL or an absolute path, usually
   * `new URL('./two-phase.model.ts', import.meta.url)`. TypeScript is loaded through tsx (Node's
   * type stripping without it), as an ES module whatever the package's `"type"`.
   */
  readonly module: string | URL
  /**
   * The export: a model, or a function of no arguments returning one (to build a model with
   * parameters). Default `default`.
   */
  readonly export?: string
}

/**
 * The `file:` URL of a target's module (given as a URL, a `file:` URL string or a path).
 *
 * @throws {TypeError} when `target` is not `{ module, export? }` or the module is not a file.
 */
export function targetModuleUrl(target: ModelTarget): string {
  if (typeof target !== 'object' || target === null || target.module === undefined) {
    throw new TypeError(
      "a model target must be { module, export? }, e.g. { module: new URL('./model.ts', import.meta.url), export: 'model' }",
    )
  }
  const url = moduleUrl(target.module)
  if (!url.startsWith('file:')) {
    throw new TypeError(`a model target's module must be a file: URL or a path, got ${url}`)
  }
  return url
}

/** A module given as a URL, a URL string or a path (Windows drive paths included), as a URL string. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
    ? module
    : pathToFileURL(module).href
}
