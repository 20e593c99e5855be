/**
 * Choice recording: the fault choices a run makes (which scheduled faults fired, which messages
 * were lost, duplicated or corrupted), kept as message keys while the run goes and turned into
 * the plain `SimChoices` a replay takes; and a script of such choices that a replay follows
 * instead of its draws. Only runs asked to record or to follow a script (a failing seed's
 * replay, the minimiser) pay for it.
 *
 * @module
 */
import type { CompiledChoices } from './compile.ts'
import type { MessageRef, SimChoices } from './types.ts'

/** Accumulates the fault choices a run makes, as message keys (only when asked to). */
class ChoiceRecorder {
  readonly faults: Set<number> = new Set()
  readonly losses: number[] = []
  readonly duplicates: number[] = []
  readonly corruptions: number[] = []
}

/**
 * The message a key names. A key is `count * n² + link` (see `messageKey` in compile.ts): the
 * link `src * n + dst` and the number of earlier messages on it.
 */
function messageRefOf(key: number, names: readonly string[]): MessageRef {
  const n = names.length
  const link = key % (n * n)
  return {
    src: names[Math.floor(link / n)]!,
    dst: names[link % n]!,
    n: Math.floor(key / (n * n)),
  }
}

/** The recorded choices as a replay takes them (`until`: the cut of a replay, if any). */
function recordedChoices(
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

/** {@link RunChoices.message}'s answer: bit set when the message is lost. */
export const LOST = 1
/** {@link RunChoices.message}'s answer: bit set when the message is duplicated. */
export const DUPLICATED = 2

/** The choices of one run: the script it follows and the recorder it fills, either optional. */
export class RunChoices {
  script: CompiledChoices | undefined
  recorder: ChoiceRecorder | undefined
  /** Whether messages need their keys: the run follows a script or records (rare). */
  keyed = false

  reset(script: CompiledChoices | undefined, record: boolean): void {
    this.script = script
    this.recorder = record ? new ChoiceRecorder() : undefined
    this.keyed = script !== undefined || record
  }

  /**
   * Whether message `key` is lost and duplicated ({@link LOST} | {@link DUPLICATED}): as the
   * script says when there is one, else as drawn; recorded when recording.
   */
  message(key: number, lost: boolean, dup: boolean): number {
    const script = this.script
    if (script !== undefined) {
      lost = script.losses.has(key)
      dup = script.duplicates.has(key)
    }
    const r = this.recorder
    if (r !== undefined) {
      if (lost) r.losses.push(key)
      if (dup && !lost) r.duplicates.push(key)
    }
    return (lost ? LOST : 0) | (dup ? DUPLICATED : 0)
  }

  /** Whether the corruption `mutate` made of message `key` stands (a script may refuse it). */
  corrupted(key: number): boolean {
    if (this.script !== undefined && !this.script.corruptions.has(key)) return false
    this.recorder?.corruptions.push(key)
    return true
  }

  /** Scheduled fault `index` happened. */
  fault(index: number): void {
    this.recorder?.faults.add(index)
  }

  /** Whether scheduled fault `index` is to happen in this run (a script lists those that do). */
  schedules(index: number): boolean {
    return this.script === undefined || this.script.faults.has(index)
  }

  /** The choices the run made (it must have been run with `record`). */
  recorded(names: readonly string[]): SimChoices {
    const r = this.recorder
    if (r === undefined)
      throw new Error('musil internal error: choices() of a run that did not record them')
    return recordedChoices(r, this.script?.until, names)
  }
}
