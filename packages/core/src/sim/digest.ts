/**
 * A stable digest of a trace: the artifact that proves determinism by replay. Two runs are the
 * same run when their digests are equal, in any process or thread.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { fingerprintHex } from '../model/fingerprint.ts'
import type { TraceEvent } from '../report.ts'

/**
 * A 64-bit hex digest of a trace. Each event is rendered canonically (fields in a fixed order,
 * values through `formatValue`) and the list of lines is fingerprinted, so the digest depends on
 * every field of every event and on their order, and never on object identity or key order.
 *
 * @example
 * traceDigest(simulateSeed(factory, options, 7).trace) // e.g. '3f9c0a51b2d4e6f8'
 */
export function traceDigest(trace: readonly TraceEvent[]): string {
  const lines = trace.map(
    (e) =>
      `${formatValue(e.t)}|${e.kind}|${e.node ?? ''}|${e.src ?? ''}|${e.dst ?? ''}|${e.name ?? ''}|${e.detail ?? ''}|${'payload' in e ? formatValue(e.payload) : ''}`,
  )
  return fingerprintHex(lines)
}
