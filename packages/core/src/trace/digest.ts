/**
 * The digest of a run's trace: the artifact that proves determinism by replay, one for both
 * runtimes (`simulate`'s `trace`, `explore`/`replay`'s `timeline`). Two runs are the same run
 * when their digests are equal, in any process or thread.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { murmurFinal, murmurStep } from '../hash/murmur.ts'
import type { TraceEvent } from '../report.ts'

/**
 * A 64-bit hex digest of a trace. Each event is rendered canonically (fields in a fixed order,
 * times at full precision, payloads through `formatValue`), so the digest depends on every
 * field of every event and on their order, and never on object identity or key order.
 *
 * The hash is defined here, not borrowed from the state fingerprints, because a digest pinned in
 * a test or a bug report must only change when the trace does: two independent 32-bit lanes
 * (FNV-1a, and a murmur3-style mix) over the UTF-16 code units of the text.
 *
 * @example
 * traceDigest(simulateSeed(factory, options, 7).trace) // e.g. '3f9c0a51b2d4e6f8'
 * traceDigest((await replay(scenario, { seed: 7 })).timeline) // equal to the replay's `digest`
 */
export function traceDigest(trace: readonly TraceEvent[]): string {
  let fnv = 0x811c9dc5
  let mur = 0x9747b28c
  for (const e of trace) {
    const line = `${e.t}|${e.kind}|${e.node ?? ''}|${e.src ?? ''}|${e.dst ?? ''}|${e.name ?? ''}|${e.payload === undefined ? '' : formatValue(e.payload)}|${e.detail ?? ''}\n`
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      fnv = Math.imul(fnv ^ c, 0x01000193)
      mur = murmurStep(mur, c)
    }
  }
  return hex32(fnv) + hex32(murmurFinal(mur))
}

function hex32(h: number): string {
  return (h >>> 0).toString(16).padStart(8, '0')
}
