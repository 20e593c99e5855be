/**
 * Rendering simulation traces: as text, one event per line with its virtual time first, and as
 * a Mermaid `sequenceDiagram` (arrows for messages, notes for timers and faults).
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { HISTORY_EVENT_KINDS } from '../linearizability/recorder.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { TraceEvent } from '../report.ts'

/** Options of {@link formatSimTrace}. */
export interface FormatSimTraceOptions {
  /** Leave out `send` lines (each message then shows once, as its deliver or drop). Default false. */
  readonly hideSends?: boolean
  /** Longest payload rendering before it is cut with `…`. Default 60. */
  readonly maxPayload?: number
}

/** The keys {@link FormatSimTraceOptions} may have: anything else is a typo `formatSimTrace` rejects. */
export const FORMAT_SIM_TRACE_OPTION_KEYS: readonly OptionKey<FormatSimTraceOptions>[] =
  keyList<FormatSimTraceOptions>()(['hideSends', 'maxPayload'])

/** Options of {@link toMermaidSequence}. */
export interface MermaidSequenceOptions {
  /** Participants drawn first, in this order; others follow in order of appearance. */
  readonly participants?: readonly string[]
}

/** The keys {@link MermaidSequenceOptions} may have: anything else is a typo `toMermaidSequence` rejects. */
export const MERMAID_SEQUENCE_OPTION_KEYS: readonly OptionKey<MermaidSequenceOptions>[] =
  keyList<MermaidSequenceOptions>()(['participants'])

/**
 * A trace as text, one event per line, virtual time first:
 *
 * ```text
 *  t=0  start    cp
 *  t=0  send     cp -> agent  1  (msg #0)
 *  t=0  drop     cp -> agent  1  (msg #0 lost in transit)
 *  t=2  timer    cp  'push'
 * ```
 */
export function formatSimTrace(
  trace: readonly TraceEvent[],
  options: FormatSimTraceOptions = {},
): string {
  checkOptions(options, 'formatSimTrace()', FORMAT_SIM_TRACE_OPTION_KEYS)
  const max = options.maxPayload ?? 60
  const events = options.hideSends ? trace.filter((e) => e.kind !== 'send') : trace
  const times = events.map((e) => `t=${formatTime(e.t)}`)
  const tw = Math.max(0, ...times.map((t) => t.length))
  const kw = Math.max(0, ...events.map((e) => e.kind.length))
  return events
    .map((e, i) => `${times[i]!.padStart(tw)}  ${e.kind.padEnd(kw)}  ${describe(e, max)}`.trimEnd())
    .join('\n')
}

/** Trace kinds of a recorded history (`ctx.history`, `world.history`). */
const HISTORY_KINDS: ReadonlySet<string> = new Set(HISTORY_EVENT_KINDS)

/**
 * A history event reads `reader  op #3  {f: "read"}` (an invoke, with its input) or
 * `reader  op #3  → 1` (a completion, with its output); the client is named when it is not the
 * node that recorded it.
 */
function describeHistoryEvent(e: TraceEvent, max: number): string {
  const parts: string[] = [e.node ?? '?']
  if (e.name !== undefined && e.name !== e.node) parts.push(`for ${e.name}`)
  if (e.detail !== undefined) parts.push(e.detail)
  if (e.kind === 'invoke') parts.push(cut(formatValue(e.payload), max))
  else if (e.payload !== undefined) parts.push(`→ ${cut(formatValue(e.payload), max)}`)
  return parts.join('  ')
}

function describe(e: TraceEvent, max: number): string {
  if (HISTORY_KINDS.has(e.kind)) return describeHistoryEvent(e, max)
  if (e.src !== undefined && e.dst !== undefined) {
    const detail = e.detail ? `  (${e.detail})` : ''
    return `${e.src} -> ${e.dst}  ${cut(formatValue(e.payload), max)}${detail}`
  }
  const parts: string[] = []
  if (e.node !== undefined) parts.push(e.node)
  if (e.name !== undefined) parts.push(e.kind === 'timer' ? `'${e.name}'` : e.name)
  if (e.detail !== undefined) parts.push(e.detail)
  if (e.kind === 'user' && e.payload !== undefined) parts.push(cut(formatValue(e.payload), max))
  return parts.join('  ')
}

/**
 * A trace as a Mermaid sequence diagram. Messages are arrows drawn when they arrive (`->>`) or
 * are dropped (`-x`), labelled with the virtual time, the message number and the payload; a
 * duplicate or corruption adds a note at the sender; timers, starts, crashes and restarts are
 * notes over their node; partitions and heals span every participant.
 *
 * @example
 * toMermaidSequence(report.failure.minimized)
 * // sequenceDiagram
 * //   participant cp
 * //   participant agent
 * //   cp-xagent: t=1 m0 1 (lost in transit)
 */
export function toMermaidSequence(
  trace: readonly TraceEvent[],
  options: MermaidSequenceOptions = {},
): string {
  checkOptions(options, 'toMermaidSequence()', MERMAID_SEQUENCE_OPTION_KEYS)
  const names: string[] = [...(options.participants ?? [])]
  const see = (n: string | undefined): void => {
    if (n !== undefined && !names.includes(n)) names.push(n)
  }
  for (const e of trace) {
    see(e.src)
    see(e.dst)
    see(e.node)
  }
  const id = (n: string): string => `p${names.indexOf(n)}`
  const lines = ['sequenceDiagram', ...names.map((n) => `  participant ${id(n)} as ${label(n)}`)]
  const span =
    names.length > 1 ? `${id(names[0]!)},${id(names[names.length - 1]!)}` : id(names[0] ?? 'p0')
  for (const e of trace) {
    const t = `t=${formatTime(e.t)}`
    const msg = e.detail?.match(/^msg #(\d+)/)?.[1]
    const m = msg === undefined ? '' : ` m${msg}`
    switch (e.kind) {
      case 'send':
        break
      case 'deliver':
        lines.push(
          `  ${id(e.src!)}->>${id(e.dst!)}: ${label(`${t}${m} ${formatValue(e.payload)}`)}`,
        )
        break
      case 'drop':
        lines.push(
          `  ${id(e.src!)}-x${id(e.dst!)}: ${label(`${t}${m} ${formatValue(e.payload)} (${(e.detail ?? '').replace(/^msg #\d+ /, '')})`)}`,
        )
        break
      case 'duplicate':
      case 'corrupt':
        lines.push(
          `  Note over ${id(e.src!)}: ${label(`${t}${m} ${e.kind === 'corrupt' ? `corrupted to ${formatValue(e.payload)}` : 'duplicated'}`)}`,
        )
        break
      case 'partition':
      case 'heal':
        lines.push(
          `  Note over ${span}: ${label(`${t} ${e.kind}${e.kind === 'partition' && e.detail ? ` ${e.detail}` : ''}`)}`,
        )
        break
      default:
        if (e.node !== undefined) {
          const what =
            e.kind === 'timer'
              ? `timer ${e.name ?? ''}`
              : HISTORY_KINDS.has(e.kind)
                ? `${e.kind} ${describeHistoryEvent(e, 40).slice(e.node.length + 2)}`
                : e.kind
          lines.push(`  Note over ${id(e.node)}: ${label(`${t} ${what}`)}`)
        }
    }
  }
  return lines.join('\n')
}

function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(3).replace(/0+$/, '')
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** Mermaid text: no line breaks; `;` and `#` (statement end, entity escape) as entity codes. */
function label(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#;]/g, (c) => (c === '#' ? '#35;' : '#59;'))
}
