/**
 * Loading a user's module in a worker thread (seed sweeps, `checkParallel`): TypeScript through
 * tsx (or Node's own type stripping), every project TypeScript file as an ES module, and import
 * failures explained in words a user can act on.
 *
 * @module
 */
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describeError } from '../errors.ts'

let typescriptLoader: Promise<void> | undefined

/** A module path that needs the TypeScript loader. */
export const TS_FILE: RegExp = /\.(c|m)?tsx?$/

/**
 * Makes `import()` of the project's `.ts` files work as it does under Vitest. tsx's ESM loader
 * comes first when it is installed: it compiles all of TypeScript, as Vitest does, where Node's
 * own type stripping (22.18+, the fallback) rejects enums and parameter properties. Then
 * `esm-hooks.ts` makes project TypeScript an ES module even in a `"type": "commonjs"`
 * package (what `npm init -y` writes). Idempotent.
 *
 * @param missing - the error to throw when neither tsx nor type stripping is available.
 */
export function loadTypeScript(missing: (cause: unknown) => Error): Promise<void> {
  typescriptLoader ??= (async () => {
    // Set by the bootstrap that loads a worker from TypeScript sources (it registered tsx).
    const g = globalThis as { __musilTypeScriptLoader?: boolean }
    if (!g.__musilTypeScriptLoader) {
      try {
        const api = await import('tsx/esm/api')
        api.register()
      } catch (e) {
        if (!(process.features as { typescript?: unknown }).typescript) throw missing(e)
      }
      g.__musilTypeScriptLoader = true
    }
    // Compiled, the hooks are `esm-hooks.js`; from musil's own sources `esm-hooks.ts`, which the
    // hooks thread loads through the tsx hooks registered before it.
    const ext = /\.ts$/.test(new URL(import.meta.url).pathname) ? 'ts' : 'js'
    register(new URL(`./esm-hooks.${ext}`, import.meta.url))
  })()
  return typescriptLoader
}

/** How Node reports `import`/`export` in a file it compiles as CommonJS. */
const ESM_SYNTAX_IN_COMMONJS = [
  'Cannot use import statement outside a module',
  "Unexpected token 'export'",
]

/**
 * Explains an import that fails because Node loads a file with `import`/`export` as CommonJS: a
 * `.js` file in a package whose package.json has `"type": "commonjs"` (or no `"type"`). Node says
 * it as a syntax error, or as a require() cycle when it retries the file as an ES module; the
 * file at fault is in its message or on the first line of its stack.
 */
export function importFailure(module: string, e: unknown): string {
  const message = describeError(e, 'message')
  const cycle = /ES Module (.+?) in a cycle/.exec(message)
  const syntax = ESM_SYNTAX_IN_COMMONJS.some((m) => message.includes(m))
  if (!cycle && !syntax) return message
  const stackFile = /^(\/.*|[A-Za-z]:\\.*|file:.*):\d+$/m.exec((e as Error).stack ?? '')?.[1]
  const file = cycle?.[1] ?? stackFile ?? fileURLToPath(module)
  const rename = /\.tsx?$/.test(file) ? '.mts' : '.mjs'
  return `${file} uses import/export but Node loads it as CommonJS: set "type": "module" in the package.json above it, or rename it to ${rename} (${message})`
}
