/**
 * Causal slicing of a trace: keep only the events that could have influenced a set of nodes.
 *
 * Simulated nodes share nothing but messages, and a node's state is a function of its own event
 * sequence (start, deliveries, timers, crashes, its own random substream). So the state of the
 * nodes a check reads depends only on their causal past in Lamport's happens-before order:
 * their own events, and, through each message they received (or lost), the sender's events up
 * to that send, transitively. Everything else (a gossip pair chattering on the side, timers of a
 * node nobody hears from) cannot have changed the outcome and is left out.
 *
 * @module
 */
import type { TraceEvent } from '../report.ts'

const MSG = /^msg #(\d+)/

/** The message number of a message event (`detail` starts with `msg #N`), or -1. */
function messageOf(e: TraceEvent): number {
  const m = e.detail === undefined ? null : MSG.exec(e.detail)
  return m === null ? -1 : Number(m[1])
}

/**
 * The events of `trace` in the causal past of `focus` (node addresses), in trace order.
 * Partition and heal events are always kept: they decide which messages arrive. A message that
 * was dropped on its way to a focus node is kept with its send: its absence is part of the story.
 *
 * @example
 * causalSlice(failure.trace, failure.focus) // what the failed check could have seen
 */
export function causalSlice(trace: readonly TraceEvent[], focus: readonly string[]): TraceEvent[] {
  const needed = new Set(focus)
  const neededMsg = new Set<number>()
  const keep = new Array<boolean>(trace.length).fill(false)
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i]!
    switch (e.kind) {
      case 'deliver':
      case 'drop': {
        if (needed.has(e.dst!)) {
          keep[i] = true
          neededMsg.add(messageOf(e))
        }
        break
      }
      case 'send':
      case 'duplicate':
      case 'corrupt': {
        const m = messageOf(e)
        if (neededMsg.has(m) || needed.has(e.src!)) {
          keep[i] = true
          neededMsg.add(m)
          // Everything the sender did before this send may have shaped the message.
          if (e.kind === 'send') needed.add(e.src!)
        }
        break
      }
      case 'partition':
      case 'heal':
        keep[i] = true
        break
      default:
        if (e.node === undefined || needed.has(e.node)) keep[i] = true
    }
  }
  return trace.filter((_, i) => keep[i])
}
