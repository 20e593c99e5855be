/**
 * The file a worker thread starts from. From compiled packages it is the worker's `.js` file;
 * from musil's TypeScript sources (its own tests) it is a tiny bootstrap that registers tsx
 * first, because Node 20 cannot import a `.ts` file by itself.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/**
 * The URL a worker thread should load to run the module `name` next to `from` (the caller's
 * `import.meta.url`): `./name.js` when compiled, otherwise a `data:` bootstrap.
 *
 * @param style - `tinypool`: the bootstrap's default export is the worker's default export, or,
 *   when the worker cannot load, a task function answering `{ loadError }` (tinypool would
 *   swallow the error and retry the `data:` URL as a path); `thread`: the bootstrap just imports
 *   the worker, and a failure to load is the thread's error.
 */
export function workerEntry(from: string, name: string, style: 'tinypool' | 'thread'): URL {
  if (!/\.ts$/.test(new URL(from).pathname)) return new URL(`./${name}.js`, from)
  const tsxApi = tsxEsmApi(from)
  const worker = new URL(`./${name}.ts`, from).href
  const source = [
    `const api = await import(${JSON.stringify(tsxApi)})`,
    'api.register()',
    'globalThis.__musilTypeScriptLoader = true',
    ...(style === 'thread'
      ? [`await import(${JSON.stringify(worker)})`]
      : [
          'let run',
          `try { run = (await import(${JSON.stringify(worker)})).default } catch (e) {`,
          `  const loadError = 'the sweep worker could not load ' + ${JSON.stringify(worker)} + ': ' + (e instanceof Error ? e.message : String(e))`,
          '  run = () => ({ loadError })',
          '}',
          'export default run',
        ]),
  ].join('\n')
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`)
}

/** URL of tsx's ESM loader API (its CommonJS twin registers a loader that cannot find itself). */
function tsxEsmApi(from: string): string {
  const require = createRequire(from)
  const pkgPath = require.resolve('tsx/package.json')
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>
  }
  const entry = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs'
  return new URL(entry, pathToFileURL(pkgPath)).href
}

/**
 * The Node arguments a worker thread started next to `from` (the caller's `import.meta.url`)
 * needs: the process's `--conditions` flags, so the thread resolves packages as the process
 * does, plus `@musil/source` when running from musil's TypeScript sources (the user's module
 * must then see musil's sources too: one copy of core).
 */
export function workerExecArgv(from: string): string[] {
  const out: string[] = []
  const argv = process.execArgv
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--conditions=')) out.push(a)
    else if ((a === '--conditions' || a === '-C') && i + 1 < argv.length) {
      out.push(`--conditions=${argv[++i]}`)
    }
  }
  const fromSource = /\.ts$/.test(new URL(from).pathname)
  if (fromSource && !out.some((c) => c.includes('@musil/source'))) {
    out.push('--conditions=@musil/source')
  }
  return out
}
