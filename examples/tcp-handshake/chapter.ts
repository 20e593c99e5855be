import { type Chapter, count } from '../chapter.ts'
import { figure6, figure6WithoutClosing, rfc793 } from './tcp-endpoint.ts'
import { checkClosing, checkTcp, endpoint } from './tcp-handshake.ts'

/** TCP: a teardown without CLOSING deadlocks on simultaneous close; Figure 6 alone strands a peer after a crash; RFC 793's resets do not. */
export const tcpHandshakeChapter: Chapter = {
  id: 'tcp-handshake',
  title: 'TCP handshake and teardown',
  part: 'State machines and coherence',
  bug() {
    const simultaneous = checkTcp(figure6WithoutClosing).violation
    const stuck = simultaneous?.trace.at(-1)?.state
    const afterCrash = checkTcp(figure6, { crashes: 1 }).violation
    const stranded = afterCrash?.trace.at(-1)?.state
    const crashed = afterCrash?.trace.some((step) => step.action.startsWith('crash')) ?? false
    return {
      ok:
        simultaneous?.kind === 'deadlock' &&
        stuck !== undefined &&
        endpoint(stuck, 'A').status === 'FIN_WAIT_1' &&
        endpoint(stuck, 'B').status === 'FIN_WAIT_1' &&
        afterCrash?.kind === 'deadlock' &&
        crashed &&
        checkTcp(figure6).ok,
      summary:
        simultaneous && afterCrash
          ? `simultaneous close without CLOSING: both stuck in FIN_WAIT_1 (trace of ${simultaneous.trace.length} states); Figure 6 after a crash: B stuck in ${stranded && endpoint(stranded, 'B').status} (trace of ${afterCrash.trace.length} states)`
          : 'no stuck connection found',
    }
  },
  fix() {
    const safety = checkTcp(rfc793, { crashes: 1 })
    const closing = checkClosing(rfc793, { crashes: 1 })
    return {
      ok: safety.ok && closing.ok,
      summary: `RFC 793 with its resets, 1 crash: ${count(safety.stats.distinct)} states, consistent, and every connection closes`,
    }
  },
}
