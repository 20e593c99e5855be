/**
 * Module hooks a worker thread registers (`module.register`) before it loads a user's module
 * (sweeps, `checkParallel`): the project's TypeScript files load as ES modules, whatever the
 * `"type"` of their package.json, as they do under Vitest.
 *
 * Why: `npm init -y` writes `"type": "commonjs"`, so Node (and tsx, which follows Node) classifies
 * `route.ts` as CommonJS. Its `import`/`export` syntax then sends Node's CommonJS loader back into
 * the ES module loader for the very file the worker is importing, which Node refuses ("Cannot
 * require() ES Module … in a cycle"). Compiling it to CommonJS instead (tsx's require hook) would
 * load a second copy of `@musil/core` in which the worker's `NetworkModel` is a different class.
 * Vitest itself treats every project file as an ES module, so a target means the same in a test
 * and in a sweep when the worker does so too.
 *
 * @module
 */

/** TypeScript files that follow their package's `"type"` (`.cts` is CommonJS by name). */
const FOLLOWS_PACKAGE_TYPE = /\.(ts|tsx)$/

/**
 * The format a resolved module loads as: a project TypeScript file classified as CommonJS loads
 * as an ES module; everything else (packages, JavaScript, `.cts`) keeps its format. Node 20 with
 * tsx says `commonjs`; Node's own type stripping (22.18+) says `commonjs-typescript`.
 */
export function projectModuleFormat(
  url: string,
  format: string | null | undefined,
): string | null | undefined {
  if (!url.startsWith('file:')) return format
  const path = new URL(url).pathname
  if (!FOLLOWS_PACKAGE_TYPE.test(path) || path.includes('/node_modules/')) return format
  if (format === 'commonjs') return 'module'
  if (format === 'commonjs-typescript') return 'module-typescript'
  return format
}

/** What Node's `resolve` hook chain returns (only the fields used here). */
interface Resolved {
  readonly url: string
  readonly format?: string | null
}

/** Node's `resolve` hook: see {@link projectModuleFormat}. */
export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<Resolved>,
): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context)
  const format = projectModuleFormat(resolved.url, resolved.format)
  return format === resolved.format ? resolved : { ...resolved, format }
}
