/**
 * Failure diffs for musil matchers. Vitest diffs `expected` against `actual` when both are
 * strings; giving the whole counterexample as `actual` against a one-line `expected` makes every
 * step a `+` line, so the trace is printed complete whatever `test.diff` settings are in force.
 *
 * @module
 */
import { type Step, traceLines } from '@musil/core'

/** What a synchronous matcher returns (Vitest's `SyncExpectationResult`). */
export interface SyncMatchResult {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

/** `actual`/`expected` strings that make Vitest print `trace` as the diff. */
export function traceDiff<S>(
  trace: readonly Step<S>[],
  expectedLine: string,
): { actual: string; expected: string } {
  return { actual: traceLines(trace).join('\n'), expected: expectedLine }
}

/** `1234567` as `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}
