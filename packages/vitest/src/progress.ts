/**
 * Progress of a long model check on stderr, the way Vitest itself reports: on a terminal one
 * line rewritten in place (`\r` and clear-line), elsewhere (CI, a pipe, a file) plain lines
 * that a log keeps readably. Nothing is shown for a search shorter than {@link PROGRESS_AFTER_MS}.
 *
 * @module
 */
import type { CheckProgress } from '@musil/core'

/** A search shows progress only once it has run this long. */
export const PROGRESS_AFTER_MS = 2000
/** How often the search reports (the updating line is redrawn this often). */
export const PROGRESS_INTERVAL_MS = 1000
/** Without a terminal, at most one plain line per this many milliseconds. */
export const PLAIN_LINE_EVERY_MS = 5000

/** Where progress goes and how: the default is `process.stderr`, a terminal unless in CI. */
export interface ProgressSink {
  write(text: string): void
  /** True for a terminal whose line can be rewritten. */
  readonly tty: boolean
}

/** `process.stderr`, treated as a terminal only when it is one and `CI` is not set. */
export function stderrSink(): ProgressSink {
  return {
    write: (text) => {
      process.stderr.write(text)
    },
    tty: process.stderr.isTTY === true && !process.env.CI,
  }
}

const CLEAR_LINE = '\r\x1b[2K'

/**
 * An `onProgress` callback that prints a model's search progress to `sink`: distinct,
 * generated, queued, depth and states per second. On a terminal it redraws one line at every
 * report and ends it with a newline when the search is done; otherwise it writes a plain line
 * at most every {@link PLAIN_LINE_EVERY_MS}, and a last one when a search it reported on ends.
 */
export function progressPrinter(
  name: string,
  sink: ProgressSink = stderrSink(),
): (p: CheckProgress) => void {
  let shown = false
  let lastLineAt = Number.NEGATIVE_INFINITY
  return (p) => {
    if (!p.done && p.elapsedMs < PROGRESS_AFTER_MS) return
    if (p.done && !shown) return
    const line = progressLine(name, p)
    if (sink.tty) {
      sink.write(`${CLEAR_LINE}${line}${p.done ? '\n' : ''}`)
    } else {
      if (!p.done && p.elapsedMs - lastLineAt < PLAIN_LINE_EVERY_MS) return
      sink.write(`${line}\n`)
      lastLineAt = p.elapsedMs
    }
    shown = true
  }
}

/** One progress line, e.g. `[musil] TwoPhase: 120,000 distinct, ... 110,000 distinct/s`. */
export function progressLine(name: string, p: CheckProgress): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US')
  const seconds = (p.elapsedMs / 1000).toFixed(1)
  return `[musil] ${name}: ${n(p.distinct)} distinct, ${n(p.generated)} generated, ${n(p.queued)} queued, depth ${p.depth}, ${n(p.distinctPerSecond)} distinct/s, ${n(p.generatedPerSecond)} generated/s, ${seconds} s${p.done ? ', done' : ''}`
}
