/**
 * The shape of a textbook chapter. Each chapter follows four beats (design, model the error,
 * prevent, guard); for the summary printed by `npm run textbook` a chapter exposes two checks:
 * the classic bug is found, and the classic fix is verified.
 */
import { type TraceEvent, traceDigest } from '@musil/core'

/** What one beat of a chapter printed. */
export interface ChapterOutcome {
  /** For `bug`: the bug was found. For `fix`: the fix was verified. */
  readonly ok: boolean
  /** One line: e.g. `deadlock found, trace of 6 steps` or `verified: 1,024 states, no violation`. */
  readonly summary: string
}

/** One chapter of the textbook. */
export interface Chapter {
  /** Folder name under examples/, e.g. `die-hard`. */
  readonly id: string
  readonly title: string
  readonly part:
    | 'Finite-state machines'
    | 'Shared-memory concurrency'
    | 'Distributed protocols'
    | 'Agreement and coordination'
    | 'Replication and consistency'
    | 'Messaging patterns'
    | 'State machines and coherence'
    | 'Open systems'
    | 'Asynchronous code'
  /** Finds the classic bug. */
  bug(): ChapterOutcome | Promise<ChapterOutcome>
  /** Verifies the classic fix. */
  fix(): ChapterOutcome | Promise<ChapterOutcome>
}

/** `1234567` as `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** The action labels of a trace, `init` first: what a test pins and a summary lists. */
export function actionsOf(trace: readonly { readonly action: string }[]): string[] {
  return trace.map((s) => s.action)
}

/** The steps a trace takes: its states less the initial one (0 when there is no trace). */
export function stepsOf(trace: readonly unknown[] | undefined): number {
  return trace === undefined ? 0 : trace.length - 1
}

/** `2 steps (a, b)`: how long a trace is and the actions it takes after `init`, for a summary line. */
export function stepList(trace: readonly { readonly action: string }[]): string {
  const n = stepsOf(trace)
  return `${n} step${n === 1 ? '' : 's'} (${actionsOf(trace.slice(1)).join(', ')})`
}

/** A simulation's failure: the seed it failed on and every event of the run. */
interface SeedFailure {
  readonly seed: number
  readonly trace: readonly TraceEvent[]
}

/**
 * Whether `failure`'s seed, run again through `rerun` (the chapter's simulation on the given
 * seeds), fails with the same trace, byte for byte.
 */
export function replays(
  failure: SeedFailure | undefined,
  rerun: (seeds: number[]) => { readonly failure?: SeedFailure },
): boolean {
  const again = failure && rerun([failure.seed]).failure
  return again !== undefined && traceDigest(again.trace) === traceDigest(failure!.trace)
}
