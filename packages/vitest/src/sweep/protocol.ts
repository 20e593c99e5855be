/**
 * Messages between a sweep and its worker threads. Plain data only: they are structured-cloned.
 *
 * @module
 */
import type { RunReport } from '@musil/core'
import type { ReportedFailure } from '../context.ts'
import type { ChunkOutcome } from '../target.ts'

/** Where a worker finds the target: a module URL and the name of the export. */
export interface TargetRef {
  /** `file:` URL of the module (TypeScript or JavaScript). */
  readonly module: string
  /** Export name; `default` for the default export. */
  readonly export: string
}

/** A task for a sweep worker. */
export type SweepTask =
  | (TargetRef & { readonly op: 'chunk'; readonly seeds: readonly number[] })
  | (TargetRef & { readonly op: 'failure'; readonly seed: number })
  | (TargetRef & { readonly op: 'digest'; readonly seed: number })

/**
 * The worker could not load the target (bad module, missing export, not a target). Returned, not
 * thrown, so that every rejected task means the thread itself died or crashed.
 */
export interface LoadFailure {
  readonly loadError: string
}

/** What a `chunk` task returns: the failing seeds of the chunk and what its runs checked. */
export type ChunkResult = ChunkOutcome

/** What a `failure` task returns: the seed's full report, and the failure ready for reports. */
export interface FailureResult {
  readonly report: RunReport
  readonly reported?: ReportedFailure
}
