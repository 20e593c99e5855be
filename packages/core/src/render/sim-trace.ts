/**
 * Rendering simulation traces as a Mermaid `sequenceDiagram` (arrows for messages, notes for
 * timers and faults). The text form is `formatSimTrace` in trace/format.ts.
 *
 * @module
 */

import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { TraceEvent } from '../report.ts'
import { describeHistoryEvent, formatTime, HISTORY_KINDS } from '../trace/format.ts'

/** Options of {@link toMermaidSequence}. */
export interface MermaidSequenceOptions {
  /** Participants drawn first, in this order; others follow in order of appearance. */
  readonly participants?: readonly string[]
}

/** The keys {@link MermaidSequenceOptions} may have: anything else is a typo `toMermaidSequence` rejects. */
export const MERMAID_SEQUENCE_OPTION_KEYS: readonly OptionKey<MermaidSequenceOptions>[] =
  keyList<MermaidSequenceOptions>()(['participants'])

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

/** Mermaid text: no line breaks; `;` and `#` (statement end, entity escape) as entity codes. */
function label(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#;]/g, (c) => (c === '#' ? '#35;' : '#59;'))
}
