/**
 * The pictures of the HTML report, drawn by `@musil/core`. The reporter runs in Vitest's main
 * process and loads this module through the project's module runner, never statically (see
 * runner-import.ts), so it may import `@musil/core`.
 *
 * @module
 */
export { historyDiagramToSvg } from '@musil/core'
