/**
 * Choice recording: the fault choices a run makes (which scheduled faults fired, which messages
 * were lost, duplicated or corrupted), kept as message keys while the run goes and turned into
 * the plain `SimChoices` a replay takes. Only runs asked to record (a failing seed's replay, the
 * minimiser) pay for it.
 *
 * @module
 */
import type { MessageRef, SimChoices } from './types.ts'

/** Accumulates the fault choices a run makes, as message keys (only when asked to). */
export class ChoiceRecorder {
  readonly faults: Set<number> = new Set()
  readonly losses: number[] = []
  readonly duplicates: number[] = []
  readonly corruptions: number[] = []
}

/**
 * The message a key names. A key is `count * n² + link` (see `messageKey` in compile.ts): the
 * link `src * n + dst` and the number of earlier messages on it.
 */
export function messageRefOf(key: number, names: readonly string[]): MessageRef {
  const n = names.length
  const link = key % (n * n)
  return {
    src: names[Math.floor(link / n)]!,
    dst: names[link % n]!,
    n: Math.floor(key / (n * n)),
  }
}

/** The recorded choices as a replay takes them (`until`: the cut of a replay, if any). */
export function recordedChoices(
  r: ChoiceRecorder,
  until: number | undefined,
  names: readonly string[],
): SimChoices {
  return {
    ...(until !== undefined && { until }),
    faults: [...r.faults].sort((a, b) => a - b),
    losses: r.losses.map((k) => messageRefOf(k, names)),
    duplicates: r.duplicates.map((k) => messageRefOf(k, names)),
    corruptions: r.corruptions.map((k) => messageRefOf(k, names)),
  }
}
