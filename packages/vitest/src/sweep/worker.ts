/**
 * The sweep worker: runs in a tinypool worker thread, imports the user's module by URL (through
 * tsx when it is TypeScript and Node cannot strip types itself), and runs the seeds it is sent.
 *
 * @module
 */
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { type RunReport, SweepError } from '@musil/core'
import {
  asTarget,
  checkedSpecOf,
  failingSeeds,
  reportedFailure,
  runSeed,
  type SimTarget,
  seedDigest,
} from '../target.ts'
import type { ChunkResult, FailureResult, LoadFailure, SweepTask, TargetRef } from './protocol.ts'

const targets = new Map<string, Promise<SimTarget>>()
let typescriptLoader: Promise<void> | undefined

const TS_FILE = /\.(c|m)?tsx?$/

/**
 * Makes `import()` of the project's `.ts` files work as it does under Vitest. tsx's ESM loader
 * comes first when it is installed: it compiles all of TypeScript, as Vitest does, where Node's
 * own type stripping (22.18+, the fallback) rejects enums and parameter properties. Then
 * `esm-hooks.ts` makes project TypeScript an ES module even in a `"type": "commonjs"`
 * package (what `npm init -y` writes).
 */
function loadTypeScript(): Promise<void> {
  typescriptLoader ??= (async () => {
    // Set by the bootstrap that loads this worker from TypeScript sources (it registered tsx).
    const g = globalThis as { __musilTypeScriptLoader?: boolean }
    if (!g.__musilTypeScriptLoader) {
      try {
        const api = await import('tsx/esm/api')
        api.register()
      } catch (e) {
        if (!(process.features as { typescript?: unknown }).typescript) {
          throw new SweepError(
            `cannot load TypeScript in a sweep worker thread: this Node (${process.version}) has no type stripping and 'tsx' is not installed. Install it (npm i -D tsx) or point the sweep at compiled JavaScript.`,
            [],
            { cause: e },
          )
        }
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
function importFailure(module: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  const cycle = /ES Module (.+?) in a cycle/.exec(message)
  const syntax = ESM_SYNTAX_IN_COMMONJS.some((m) => message.includes(m))
  if (!cycle && !syntax) return message
  const stackFile = /^(\/.*|[A-Za-z]:\\.*|file:.*):\d+$/m.exec((e as Error).stack ?? '')?.[1]
  const file = cycle?.[1] ?? stackFile ?? fileURLToPath(module)
  const rename = /\.tsx?$/.test(file) ? '.mts' : '.mjs'
  return `${file} uses import/export but Node loads it as CommonJS: set "type": "module" in the package.json above it, or rename it to ${rename} (${message})`
}

function target(ref: TargetRef): Promise<SimTarget> {
  const key = `${ref.module}#${ref.export}`
  let t = targets.get(key)
  if (t === undefined) {
    t = (async () => {
      if (TS_FILE.test(new URL(ref.module).pathname)) await loadTypeScript()
      let mod: Record<string, unknown>
      try {
        mod = (await import(ref.module)) as Record<string, unknown>
      } catch (e) {
        throw new SweepError(
          `sweep worker cannot import ${ref.module}: ${importFailure(ref.module, e)}`,
          [],
          { cause: e },
        )
      }
      if (!(ref.export in mod)) {
        const names = Object.keys(mod).join(', ') || 'none'
        throw new SweepError(
          `${ref.module} has no export '${ref.export}' (its exports: ${names}); pass the name of the exported target as 'export'`,
        )
      }
      return asTarget(mod[ref.export], `export '${ref.export}' of ${ref.module}`)
    })()
    targets.set(key, t)
  }
  return t
}

/** tinypool's entry point. */
export default async function runTask(
  task: SweepTask,
): Promise<ChunkResult | FailureResult | string | LoadFailure> {
  let t: SimTarget
  try {
    t = await target(task)
  } catch (e) {
    return { loadError: e instanceof Error ? e.message : String(e) }
  }
  switch (task.op) {
    case 'chunk':
      return failingSeeds(t, task.seeds)
    case 'failure': {
      let report: RunReport
      try {
        report = await runSeed(t, task.seed)
      } catch (e) {
        const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        report = { ok: false, runs: 1, failure: { kind: 'error', seed: task.seed, detail } }
      }
      return report.failure === undefined
        ? { report }
        : { report, reported: reportedFailure(report.failure, checkedSpecOf(report)) }
    }
    case 'digest':
      return seedDigest(t, task.seed)
  }
}
