/**
 * `seedloopTest`: declares the musil port of one seedloop test, named after the original and,
 * when musil differs or the original does not apply, labelled with the verdict and its reason.
 */
import type { TraceEvent } from '@musil/core'
import { it } from 'vitest'
import { MANIFEST } from './manifest.ts'

export function seedloopTest(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  const entry = MANIFEST[name]
  if (entry === undefined) throw new Error(`${name} is not a seedloop v0.3.0 test in manifest.ts`)
  const label =
    entry.verdict === 'equivalent' ? name : `${name} [${entry.verdict}: ${entry.reason}]`
  it(label, fn, timeout)
}

/** The events of the given kinds. */
export const ofKind = (timeline: readonly TraceEvent[], ...kinds: string[]): TraceEvent[] =>
  timeline.filter((e) => kinds.includes(e.kind))

/** The payloads of the user's own events (`world.record`), in order. */
export const recorded = (timeline: readonly TraceEvent[]): unknown[] =>
  ofKind(timeline, 'user').map((e) => e.payload)
