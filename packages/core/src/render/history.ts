/**
 * Histories as text: one row per client, each operation an interval on a shared time axis, and
 * a legend with each operation's client, times and description. With a linearizability
 * violation, the operations of the longest linearizable prefix and those that cannot come next
 * are drawn differently, and the legend says which is which. Deterministic: the same history
 * renders to the same string.
 *
 * ```
 * client  0                                                  10
 * a       [0==================================================]
 * b            [1====]
 * c                       [2!!!]
 *
 * = longest linearizable prefix   ! cannot come next   - not reached
 *
 * #  client  call..return  operation
 * 0  a       0..10         write(1)    linearized 1st
 * 1  b       1..2          read() → 1  linearized 2nd
 * 2  c       3..4          read() → 0  cannot come next: refused in state 1
 * ```
 *
 * @module
 */
import { OptionsError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { describeOperation, describeState } from '../linearizability/describe.ts'
import type {
  LinearizabilityViolation,
  Operation,
  SequentialSpec,
} from '../linearizability/types.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import {
  describeMark,
  type OperationMark,
  operationMarks,
  shownOperations,
} from './history-marks.ts'

/** Options of {@link formatHistory}. */
export interface FormatHistoryOptions<S, I, O> {
  /** Describes operations and states (`describeOperation`, `describeState`); default: structural. */
  readonly spec?: SequentialSpec<S, I, O>
  /** Marks its longest prefix and its unplaceable operations, and notes them in the legend. */
  readonly violation?: LinearizabilityViolation<S, I, O>
  /** Columns of the time axis (default 60; a number from 10 to 1,000). */
  readonly width?: number
  /** Indices of the operations to draw (default: all), e.g. from {@link failureWindow}. */
  readonly operations?: readonly number[]
}

/** The keys {@link FormatHistoryOptions} may have. */
export const FORMAT_HISTORY_OPTION_KEYS: readonly OptionKey<
  FormatHistoryOptions<unknown, unknown, unknown>
>[] = keyList<FormatHistoryOptions<unknown, unknown, unknown>>()([
  'spec',
  'violation',
  'width',
  'operations',
])

const DEFAULT_WIDTH = 60
const MAX_WIDTH = 1000
const PREFIX = '='
const UNPLACEABLE = '!'
const OTHER = '-'
const FILL: Readonly<Record<OperationMark<unknown>['kind'], string>> = {
  prefix: PREFIX,
  unplaceable: UNPLACEABLE,
  'not-reached': OTHER,
  unmarked: OTHER,
}

/**
 * Renders `history` as a per-client timeline followed by a legend (see the module comment for
 * an example). Operations are numbered by their index in `history`; an operation of unknown
 * outcome runs off the right edge (`…`) and shows `∞` as its return. Clients are rows in
 * numeric order when all are numbers, else in order of first appearance; a client with
 * overlapping operations gets as many rows as it needs.
 *
 * @example
 * console.log(formatHistory(history, { spec, violation: result.violation }))
 */
export function formatHistory<S, I, O>(
  history: readonly Operation<I, O>[],
  options: FormatHistoryOptions<S, I, O> = {},
): string {
  checkOptions(options, 'formatHistory()', FORMAT_HISTORY_OPTION_KEYS)
  const given: unknown = options.width ?? DEFAULT_WIDTH
  const width = typeof given === 'number' ? Math.floor(given) : Number.NaN
  // A width of NaN or a billion would fail deep in the drawing, or exhaust the heap.
  if (!(width >= 10 && width <= MAX_WIDTH)) {
    throw new OptionsError(
      `formatHistory(): width must be a number of columns from 10 to ${MAX_WIDTH}, got ${formatValue(options.width)}`,
      'formatHistory()',
      'width',
    )
  }
  const spec = options.spec ?? ({} as SequentialSpec<S, I, O>)
  const violation = options.violation
  const shown = shownOperations(
    history,
    options.operations,
    () => history.keys(),
    'formatHistory()',
  )
  if (shown.length === 0) return '(no operations)'

  const mark = operationMarks(violation)
  const fill = (i: number) => FILL[mark(i).kind]

  // The time axis: from the first call to the last known time (a return, or a call).
  let start = Number.POSITIVE_INFINITY
  let end = Number.NEGATIVE_INFINITY
  for (const i of shown) {
    const op = history[i]!
    start = Math.min(start, op.call)
    end = Math.max(end, op.call, op.return === Number.POSITIVE_INFINITY ? op.call : op.return)
  }
  const span = end > start ? end - start : 1
  const column = (t: number) =>
    t === Number.POSITIVE_INFINITY ? width - 1 : Math.round(((t - start) * (width - 1)) / span)

  // Rows: each client's operations in call order, on the first of its lanes that is free.
  const rows: { client: string; cells: string[]; last: number }[] = []
  for (const client of clientOrder(shown.map((i) => history[i]!.client))) {
    const mine = shown
      .filter((i) => history[i]!.client === client)
      .sort((a, b) => history[a]!.call - history[b]!.call || a - b)
    const lanes: { client: string; cells: string[]; last: number }[] = []
    for (const i of mine) {
      const op = history[i]!
      const from = column(op.call)
      const to = Math.max(column(op.return), Math.min(from + 1, width - 1))
      let lane = lanes.find((l) => l.last < from)
      if (lane === undefined) {
        lane = { client: String(client), cells: new Array<string>(width).fill(' '), last: -1 }
        lanes.push(lane)
      }
      drawBar(lane.cells, from, to, String(i), fill(i), op.return === Number.POSITIVE_INFINITY)
      lane.last = to
    }
    rows.push(...lanes)
  }

  const labelWidth = Math.max('client'.length, ...rows.map((r) => r.client.length)) + 2
  const axis = new Array<string>(width).fill(' ')
  const startLabel = String(start)
  const endLabel = String(end)
  writeAt(axis, 0, startLabel)
  if (end > start && endLabel.length + startLabel.length < width) {
    writeAt(axis, width - endLabel.length, endLabel)
  }
  const lines = [`${'client'.padEnd(labelWidth)}${axis.join('')}`.trimEnd()]
  for (const row of rows)
    lines.push(`${row.client.padEnd(labelWidth)}${row.cells.join('')}`.trimEnd())

  if (violation !== undefined) {
    lines.push(
      '',
      `${PREFIX} longest linearizable prefix   ${UNPLACEABLE} cannot come next   ${OTHER} not reached`,
    )
  }
  if (shown.length < history.length) {
    lines.push('', `showing ${shown.length} of ${history.length} operations`)
  }
  lines.push('', ...legend(history, shown, spec, mark))
  return lines.join('\n')
}

/**
 * The operations worth drawing for a violation: those of the failing partition when there are
 * at most `max`; otherwise the unplaceable ones and, of the others called before they return,
 * the `max` that returned last (what the failure met).
 */
export function failureWindow<S, I, O>(
  history: readonly Operation<I, O>[],
  violation: LinearizabilityViolation<S, I, O>,
  max = 30,
): number[] {
  if (violation.operations.length <= max) return [...violation.operations]
  const unplaceable = new Set(violation.unplaceable.map((u) => u.index))
  let horizon = Number.NEGATIVE_INFINITY
  for (const u of violation.unplaceable) {
    const op = history[u.index]!
    horizon = Math.max(horizon, op.return === Number.POSITIVE_INFINITY ? op.call : op.return)
  }
  const others = violation.operations
    .filter((i) => !unplaceable.has(i) && history[i]!.call <= horizon)
    .sort((a, b) => history[b]!.return - history[a]!.return || b - a)
  const room = Math.max(0, max - unplaceable.size)
  return [...unplaceable, ...others.slice(0, room)].sort((a, b) => a - b)
}

/**
 * Clients in the order their rows are drawn: numeric order when every client is a number, else
 * the order of first appearance in `clients` (which may repeat them).
 */
export function clientOrder(clients: Iterable<string | number>): (string | number)[] {
  const order = [...new Set(clients)]
  if (order.every((c) => typeof c === 'number')) {
    order.sort((a, b) => (a as number) - (b as number))
  }
  return order
}

/** `[label====]`, or `[label===…` for an operation that never returned. */
function drawBar(
  cells: string[],
  from: number,
  to: number,
  label: string,
  fill: string,
  open: boolean,
): void {
  for (let c = from; c <= to; c++) cells[c] = fill
  cells[from] = '['
  cells[to] = open ? '…' : ']'
  // The label goes inside when it fits; the legend names every operation anyway.
  if (to - from - 1 >= label.length) writeAt(cells, from + 1, label)
}

function writeAt(cells: string[], at: number, text: string): void {
  for (let k = 0; k < text.length && at + k < cells.length; k++) cells[at + k] = text[k]!
}

function legend<S, I, O>(
  history: readonly Operation<I, O>[],
  shown: readonly number[],
  spec: SequentialSpec<S, I, O>,
  mark: (index: number) => OperationMark<S>,
): string[] {
  const note = (i: number) => describeMark(mark(i), (state) => describeState(spec, state))
  const rows = [
    ['#', 'client', 'call..return', 'operation', ''],
    ...shown.map((i) => {
      const op = history[i]!
      const ret = op.return === Number.POSITIVE_INFINITY ? '∞' : String(op.return)
      return [
        String(i),
        String(op.client),
        `${op.call}..${ret}`,
        describeOperation(spec, op),
        note(i),
      ]
    }),
  ]
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) =>
    r
      .map((cell, c) => (c < 4 ? cell.padEnd(widths[c]!) : cell))
      .join('  ')
      .trimEnd(),
  )
}
