/**
 * How the plugin and the reporter, which run in Vitest's main process, reach `@musil/core`: never
 * with a static import. Vite bundles `vitest.config.ts` and hands every bare import in the graph
 * it bundles (the plugin, the reporter and their imports) to Node, which in a fresh clone of
 * the musil repository would look for a `dist/` that no one has built. Loaded through the
 * project's module runner instead, `@musil/core` resolves as it does in tests: to its sources in
 * the repository, to its compiled files in a user's project.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

/**
 * Path of a module of this package next to this one: compiled `.js` in a package, `.ts` in the
 * repository.
 * @param name - the module's name without extension
 */
export function siblingModule(name: string): string {
  const js = fileURLToPath(new URL(`./${name}.js`, import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
}

/**
 * Imports a module of this package the way test files import it: through the project's SSR
 * module runner, with the project's resolve conditions.
 * @param name - the module's name without extension, see {@link siblingModule}
 */
export async function importLikeTests<T>(project: TestProject, name: string): Promise<T> {
  const path = siblingModule(name)
  // Vitest makes the SSR environment runnable for this purpose; its own `project.import` uses an
  // environment without the user's `ssr.resolve.conditions`.
  const ssr = project.vite.environments.ssr as { runner?: { import(id: string): Promise<unknown> } }
  if (typeof ssr?.runner?.import === 'function') return (await ssr.runner.import(path)) as T
  return project.import<T>(path)
}
