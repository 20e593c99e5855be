/**
 * A history as a picture, drawn as Porcupine draws one: a row per client, each operation a bar
 * from its call to its return, the longest linearizable prefix in green with its linearization
 * points joined left to right, the operations that cannot come next in red, the rest in grey.
 * Hovering a bar shows its input and output, its interval and the states it met and left.
 *
 * One self-contained SVG element: its own few lines of CSS, no script, no font or image to
 * fetch, so a page or file holding it works offline. Deterministic: the same diagram gives the
 * same string. Every piece of user text is escaped.
 *
 * The time axis is ordinal, as Porcupine's: each distinct call or return time is one step, calls
 * before returns at the same time (touching intervals overlap, as the checker counts them), each
 * step as wide as the descriptions of the bars over it need. What linearizability depends on,
 * which operations overlap, is exact, and an operation of 1 ns next to one of 1 s stays
 * readable; the ticks give the real times.
 *
 * @module
 */
import type { LinearizabilityResult, Operation } from '../linearizability/types.ts'
import { clientOrder } from './history.ts'
import {
  diagramOf,
  type HistoryDiagram,
  type HistoryDiagramOperation,
  type HistoryDiagramOptions,
} from './history-diagram.ts'
import { describeMark } from './history-marks.ts'

// Layout, in px. Text widths are estimated from these character widths: no font is measured,
// so the picture is the same string on every machine.
const PAD = 12
const AXIS = 30
const ROW = 36
const BAR = 20
const TARGET_WIDTH = 1040
const EDGE = 8
const MIN_GAP = 10
const MAX_LABEL = 180
const MAX_SPREAD = 2
const LABEL_CHAR = 6.6
const BAR_CHAR = 6.6
const TICK_CHAR = 6.2
const LEGEND_LINE = 20

const STYLE = [
  '.musil-history{font:12px system-ui,sans-serif}',
  '.musil-history text{fill:#24292f}',
  '.musil-history .tick{font-size:11px;fill:#57606a}',
  '.musil-history .grid{stroke:#eaeef2;stroke-width:1}',
  '.musil-history .band{fill:#f6f8fa}',
  '.musil-history .op rect,.musil-history .key rect{stroke-width:1.2}',
  '.musil-history .op text{font:11px ui-monospace,SFMono-Regular,Menlo,monospace;pointer-events:none}',
  '.musil-history .prefix rect{fill:#d3f0d9;stroke:#2e7d32}',
  '.musil-history .unplaceable rect{fill:#f9d0d3;stroke:#c62828;stroke-width:2.2}',
  '.musil-history .not-reached rect{fill:#eceff1;stroke:#90a4ae}',
  '.musil-history .unmarked rect{fill:#dbe9f7;stroke:#4a78a8}',
  '.musil-history .open rect{stroke-dasharray:5 3}',
  '.musil-history .key.open rect{fill:#fff;stroke:#57606a}',
  '.musil-history .op:hover rect{stroke-width:2.5}',
  '.musil-history .linearization{fill:none;stroke:#2e7d32;stroke-width:1;stroke-opacity:.45}',
  '.musil-history .point{fill:#2e7d32}',
].join('')

/** Escapes text for SVG (XML) content and double-quoted attributes. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  )
}

/** A coordinate with at most one decimal, so the string does not depend on float noise. */
function px(n: number): string {
  return String(Math.round(n * 10) / 10)
}

/** `text` cut to `chars` characters, the last one an ellipsis when it was cut. */
function fit(text: string, chars: number): string {
  const glyphs = [...text]
  if (glyphs.length <= chars) return text
  return chars < 2 ? '' : `${glyphs.slice(0, chars - 1).join('')}…`
}

/** Options of {@link historyToSvg}: those of `historyDiagram`. */
export type HistorySvgOptions<S, I, O> = HistoryDiagramOptions<S, I, O>

/**
 * Draws `history` under `result` as an SVG element (see the module comment): a row per client,
 * a bar per operation, the longest linearizable prefix and the operations that cannot come next
 * of a violation highlighted, a tooltip per bar. Write it to a `.svg` file, or put it in a page.
 *
 * @param result - the verdict of `checkLinearizability(history, spec)`, or `undefined` to draw
 *   the history unmarked
 * @param options - `spec` to describe operations and states as it does (and give the states
 *   along the prefix); `operations` to choose what to draw (default: with a violation,
 *   `failureWindow` of it, else everything)
 * @throws {OptionsError} on an unknown option, or an index in `operations` not in the history
 * @throws {UserCodeError} when the spec's code throws
 *
 * @example
 * const result = checkLinearizability(history, spec)
 * if (!result.ok) writeFileSync('history.svg', historyToSvg(history, result, { spec }))
 */
export function historyToSvg<S, I, O>(
  history: readonly Operation<I, O>[],
  result: LinearizabilityResult<S, I, O> | undefined,
  options: HistorySvgOptions<S, I, O> = {},
): string {
  return historyDiagramToSvg(diagramOf(history, result, options, 'historyToSvg()'))
}

/**
 * Draws a {@link HistoryDiagram} (the plain-JSON form of a history and its verdict, e.g. from a
 * test report) as {@link historyToSvg} does.
 */
export function historyDiagramToSvg(diagram: HistoryDiagram): string {
  const ops = diagram.operations
  const v = diagram.violation

  const open = ops.some((op) => op.return === null)
  const clients = clientOrder(ops.map((op) => op.client))
  const labelChars = Math.max('client'.length, ...clients.map((c) => String(c).length))
  const left = PAD + Math.ceil(labelChars * LABEL_CHAR) + 12
  const axis = ordinalAxis(ops, left, TARGET_WIDTH - PAD)

  // Rows: each client's operations in call order, on its first lane that is free by then.
  type Lane = {
    client: string | number
    first: boolean
    ops: HistoryDiagramOperation[]
    last: number
  }
  const lanes: Lane[] = []
  for (const client of clients) {
    const mine: Lane[] = []
    const byCall = ops
      .filter((op) => op.client === client)
      .sort((a, b) => a.call - b.call || a.index - b.index)
    for (const op of byCall) {
      const from = axis.slot(op.call, 0)
      let lane = mine.find((l) => l.last < from)
      if (lane === undefined) {
        lane = { client, first: mine.length === 0, ops: [], last: -1 }
        mine.push(lane)
      }
      lane.ops.push(op)
      lane.last = op.return === null ? Number.POSITIVE_INFINITY : axis.slot(op.return, 1)
    }
    lanes.push(...mine)
  }

  const x = (k: number) => axis.x[k]!
  const plotRight = axis.right
  const top = PAD + AXIS
  const rowTop = (r: number) => top + r * ROW
  const rowsBottom = rowTop(lanes.length)
  const width = Math.ceil(plotRight + PAD)

  const out: string[] = []
  // Grid and ticks: a line per step, and a label per distinct time where it does not crowd
  // another. The times of the operations that cannot come next are labelled first: they are
  // what a reader looks for.
  const ticks: { x: number; label: string; key: boolean }[] = []
  const refused = new Set<number>()
  for (const op of ops) {
    if (op.status.kind !== 'unplaceable') continue
    refused.add(op.call)
    if (op.return !== null) refused.add(op.return)
  }
  for (const [k, e] of axis.events.entries()) {
    out.push(
      `<line class="grid" x1="${px(x(k))}" y1="${px(top - 4)}" x2="${px(x(k))}" y2="${px(rowsBottom)}"/>`,
    )
    if (k > 0 && axis.events[k - 1]!.time === e.time) continue
    ticks.push({ x: x(k), label: String(e.time), key: refused.has(e.time) })
  }
  // The column header takes the left end of the tick row.
  const taken: [number, number][] = [[0, PAD + 'client'.length * LABEL_CHAR + 4]]
  for (const t of [...ticks.filter((t) => t.key), ...ticks.filter((t) => !t.key)]) {
    const half = (t.label.length * TICK_CHAR) / 2
    const [from, to] = [t.x - half - 3, t.x + half + 3]
    if (taken.some(([a, b]) => from < b && a < to)) continue
    taken.push([from, to])
    out.push(
      `<text class="tick" x="${px(t.x)}" y="${px(top - 10)}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    )
  }
  out.push(`<text x="${PAD}" y="${px(top - 10)}" font-weight="600">client</text>`)

  // Bands behind each client's rows, and the client's name on its first.
  let band = 0
  for (const [r, lane] of lanes.entries()) {
    if (lane.first) band++
    if (band % 2 === 0) {
      out.push(
        `<rect class="band" x="${PAD}" y="${px(rowTop(r))}" width="${px(plotRight - PAD)}" height="${ROW}"/>`,
      )
    }
    if (lane.first) {
      out.push(
        `<text x="${PAD}" y="${px(rowTop(r) + ROW / 2 + 4)}">${escapeXml(String(lane.client))}</text>`,
      )
    }
  }

  // The bars, each with its tooltip, and where each prefix operation sits.
  const barTop = (r: number) => rowTop(r) + (ROW - BAR) / 2
  const placed: { position: number; from: number; to: number; y: number }[] = []
  const bars: string[] = []
  for (const [r, lane] of lanes.entries()) {
    for (const op of lane.ops) {
      const from = x(axis.slot(op.call, 0)) + 1
      const to = op.return === null ? plotRight : x(axis.slot(op.return, 1)) - 1
      const y = barTop(r)
      const classes = `op ${op.status.kind}${op.return === null ? ' open' : ''}`
      const label = fit(op.description, Math.floor((to - from - 6) / BAR_CHAR))
      bars.push(
        `<g class="${classes}" data-index="${op.index}"><title>${escapeXml(tooltip(op))}</title>` +
          `<rect x="${px(from)}" y="${px(y)}" width="${px(to - from)}" height="${BAR}" rx="3"/>` +
          (label === ''
            ? ''
            : `<text x="${px(from + 4)}" y="${px(y + BAR / 2 + 4)}">${escapeXml(label)}</text>`) +
          '</g>',
      )
      if (op.status.kind === 'prefix') {
        placed.push({ position: op.status.position, from: from + 3, to: to - 3, y: y - 5 })
      }
    }
  }

  // Linearization points: the earliest that keep the prefix's order, each inside its bar. The
  // line joining them goes under the bars (it shows the order, not a thing to read), the points
  // over them.
  placed.sort((a, b) => a.position - b.position)
  const points: string[] = []
  let at = Number.NEGATIVE_INFINITY
  for (const p of placed) {
    at = Math.min(Math.max(p.from, at + 4), Math.max(p.from, p.to))
    points.push(`${px(at)},${px(p.y)}`)
  }
  if (points.length > 1) out.push(`<polyline class="linearization" points="${points.join(' ')}"/>`)
  out.push(...bars)
  for (const p of points) {
    const [cx, cy] = p.split(',')
    out.push(`<circle class="point" cx="${cx}" cy="${cy}" r="2.6"/>`)
  }

  // The legend: a key per kind of bar drawn, then what is shown and how the axis reads.
  const kinds = new Set(ops.map((op) => op.status.kind))
  const keysDrawn: [string, string][] = []
  if (v !== undefined) {
    const of =
      v.operations === diagram.total
        ? `${v.operations} operations`
        : `${v.operations} operations of partition ${v.partition}`
    keysDrawn.push(['prefix', `longest linearizable prefix (${v.prefix} of ${of})`])
    if (kinds.has('unplaceable')) keysDrawn.push(['unplaceable', 'cannot come next'])
    if (kinds.has('not-reached')) keysDrawn.push(['not-reached', 'not reached'])
  } else if (kinds.has('unmarked')) {
    keysDrawn.push(['unmarked', verdictNote(diagram)])
  }
  if (open) keysDrawn.push(['open', 'outcome unknown (never returned)'])
  const notes: string[] = []
  if (v !== undefined) notes.push(`state after the prefix: ${v.state}`)
  notes.push(
    `${ops.length === diagram.total ? `${ops.length}` : `${ops.length} of ${diagram.total}`} operations; time axis in event order (one step per distinct call or return time, not to scale); hover a bar for details`,
  )

  // As wide as the plot, or as the notes up to the target width; a longer note is cut, whole
  // in its tooltip.
  const noteWidth = (n: string) => Math.ceil(2 * PAD + [...n].length * TICK_CHAR)
  const fullWidth = Math.max(width, Math.min(TARGET_WIDTH, Math.max(...notes.map(noteWidth))))
  let ly = rowsBottom + 22
  let lx = PAD
  for (const [cls, text] of keysDrawn) {
    const w = 26 + text.length * LABEL_CHAR + 18
    if (lx > PAD && lx + w > fullWidth - PAD) {
      lx = PAD
      ly += LEGEND_LINE
    }
    out.push(
      `<g class="key ${cls}"><rect x="${px(lx)}" y="${px(ly - 10)}" width="20" height="12" rx="2"/>` +
        `<text x="${px(lx + 26)}" y="${px(ly)}">${escapeXml(text)}</text></g>`,
    )
    lx += w
  }
  for (const note of notes) {
    ly += LEGEND_LINE
    const shown = fit(note, Math.floor((fullWidth - 2 * PAD) / TICK_CHAR))
    const title = shown === note ? '' : `<title>${escapeXml(note)}</title>`
    out.push(`<text class="tick" x="${PAD}" y="${px(ly)}">${title}${escapeXml(shown)}</text>`)
  }
  const height = Math.ceil(ly + PAD)

  const summary = `history of ${diagram.total} operations${diagram.verdict === undefined ? '' : `: ${diagram.verdict}`}`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="musil-history" width="${fullWidth}" height="${height}" viewBox="0 0 ${fullWidth} ${height}" role="img">`,
    `<title>${escapeXml(summary)}</title>`,
    `<style>${STYLE}</style>`,
    ...out,
    '</svg>',
  ].join('\n')
}

/** Where the events of a history sit along the x axis. */
interface Axis {
  /** The distinct (time, call or return) events, in order: calls before returns at one time. */
  readonly events: readonly { readonly time: number; readonly end: 0 | 1 }[]
  /** The x of each event. */
  readonly x: readonly number[]
  /** Where the plot ends: an operation of unknown outcome runs to here. */
  readonly right: number
  /** The index of the event at `time` (`end` 0 for a call, 1 for a return). */
  slot(time: number, end: 0 | 1): number
}

/**
 * The ordinal axis (see the module comment), its steps as wide as the bars need: every step
 * starts at `MIN_GAP`, then each operation, shortest span first, widens the steps it spans
 * until its description fits (up to `MAX_LABEL`); steps no bar needs (between one operation's
 * return and the next one's call) stay narrow. When that comes to more than fits between
 * `left` and `right`, what was added is scaled down alike; when to less, every step is
 * widened alike, up to `MAX_SPREAD` times.
 */
function ordinalAxis(ops: readonly HistoryDiagramOperation[], left: number, right: number): Axis {
  const keys = new Map<string, { time: number; end: 0 | 1 }>()
  for (const op of ops) {
    keys.set(`${op.call}:0`, { time: op.call, end: 0 })
    if (op.return !== null) keys.set(`${op.return}:1`, { time: op.return, end: 1 })
  }
  const events = [...keys.values()].sort((a, b) => a.time - b.time || a.end - b.end)
  const index = new Map(events.map((e, k) => [`${e.time}:${e.end}`, k]))
  const slot = (time: number, end: 0 | 1) => index.get(`${time}:${end}`)!
  // Step k runs from event k to event k + 1; the last one, after the last event, is the room
  // operations of unknown outcome run on into.
  const open = ops.some((op) => op.return === null)
  const steps = new Array<number>(Math.max(0, events.length - 1) + (open ? 1 : 0)).fill(MIN_GAP)
  const spans = ops
    .map((op) => {
      const from = slot(op.call, 0)
      const to = op.return === null ? steps.length : slot(op.return, 1)
      return { from, to, need: Math.min(MAX_LABEL, [...op.description].length * BAR_CHAR + 10) }
    })
    .sort((a, b) => a.to - a.from - (b.to - b.from) || a.from - b.from)
  for (const { from, to, need } of spans) {
    let have = 0
    for (let k = from; k < to; k++) have += steps[k]!
    if (have >= need) continue
    const add = (need - have) / (to - from)
    for (let k = from; k < to; k++) steps[k]! += add
  }
  const room = right - left - 2 * EDGE
  const total = steps.reduce((a, b) => a + b, 0)
  const floor = MIN_GAP * steps.length
  if (total > room && total > floor) {
    const scale = Math.max(0, room - floor) / (total - floor)
    for (let k = 0; k < steps.length; k++) steps[k] = MIN_GAP + (steps[k]! - MIN_GAP) * scale
  } else if (total > 0 && total < room) {
    // Room to spare: spread out, up to twice as wide, so the ticks crowd less.
    const scale = Math.min(MAX_SPREAD, room / total)
    for (let k = 0; k < steps.length; k++) steps[k]! *= scale
  }
  const x = [left + EDGE]
  for (let k = 0; k + 1 < events.length; k++) x.push(x[k]! + steps[k]!)
  const last = x[x.length - 1]!
  return { events, x, right: (open ? last + steps[steps.length - 1]! : last) + EDGE, slot }
}

/** What an unmarked bar means: the verdict had no violation to mark. */
function verdictNote(diagram: HistoryDiagram): string {
  if (diagram.verdict === 'linearizable') return 'operation (the history is linearizable)'
  if (diagram.verdict === 'unknown') return 'operation (no verdict: the check gave none)'
  return 'operation'
}

/** A bar's tooltip: which operation, when, what it did, and what the verdict says of it. */
function tooltip(op: HistoryDiagramOperation): string {
  const ret = op.return === null ? '∞ (outcome unknown)' : String(op.return)
  const lines = [`#${op.index}  client ${op.client}  ${op.call}..${ret}`, op.description]
  const s = op.status
  const note = describeMark(s, (state: string) => state)
  if (s.kind === 'prefix') {
    const states =
      s.before !== undefined && s.after !== undefined
        ? `: state ${s.before} → ${s.after}`
        : s.after !== undefined
          ? `: leaves state ${s.after}`
          : ''
    lines.push(`${note} in the longest linearizable prefix${states}`)
  } else if (s.kind === 'not-reached') {
    lines.push('not in the longest linearizable prefix')
  } else if (note !== '') {
    lines.push(note)
  }
  return lines.join('\n')
}
