/**
 * Histories recorded by real systems under Jepsen, read into musil's `Operation`s so that
 * `checkLinearizability` can judge them: `history.edn` (one event map per line, or a vector of
 * them) and the operation lines of `jepsen.log`.
 *
 * Jepsen records each operation as two events of the same process: an `:invoke`, then a
 * completion, `:ok` (it happened, with this result), `:fail` (it certainly did not happen) or
 * `:info` (unknown: it may have happened, at any time after the call). The reader pairs them
 * the way Knossos does: a failed operation is left out (unless `failed: 'keep'`), an `:info` or
 * a missing completion gives `return: Infinity`.
 *
 * @module
 */
import { describeError, HistoryFormatError, OptionsError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { type EdnValue, readEdnElements, readEdnForms } from './edn.ts'
import type { Operation } from './types.ts'

/** Jepsen's event types. */
export type JepsenEventType = 'invoke' | 'ok' | 'fail' | 'info'

/** One event of a Jepsen history, with its fields normalised. */
export interface JepsenEvent {
  /** `:invoke`, `:ok`, `:fail` or `:info`. */
  readonly type: JepsenEventType
  /** The client process (an integer; the nemesis's events are skipped). */
  readonly process: number
  /** The function, e.g. `read`, `write`, `cas` (keywords read as their name). */
  readonly f: string
  /**
   * `:value`, EDN read as plain data (keywords as strings, vectors as arrays, maps as `Map`s,
   * `nil` as `null`). With `independent: true`, the value inside the `[key value]` tuple.
   */
  readonly value: EdnValue
  /** The key of a `jepsen.independent` tuple (`independent: true`), else `undefined`. */
  readonly key?: EdnValue
  /** The event's time on the chosen clock (see {@link JepsenHistoryOptions.clock}). */
  readonly at: number
  /** 1-based line of the event in the text. */
  readonly line: number
  /** Every field of the event, keyed by name (`time`, `index`, `node`, `error`, …). */
  readonly fields: ReadonlyMap<EdnValue, EdnValue>
}

/**
 * Turns an invocation and its completion into the `input` and `output` of the spec the history
 * is checked against. `completion` is `undefined` when the operation never completed; it is an
 * `:info` event when the outcome is unknown (and then the operation's `return` is `Infinity`,
 * so the spec's `step` must accept the output given here for any state it is meant to accept),
 * and a `:fail` event only with `failed: 'keep'`. Return `undefined` to leave the operation out.
 * Throw (anything) to reject it: the reader rethrows naming the line.
 */
export type JepsenOperationMapping<I, O> = (
  invoke: JepsenEvent,
  completion: JepsenEvent | undefined,
) => { readonly input: I; readonly output: O } | undefined

/** The input the default mapping gives: the invocation's function and value. */
export interface JepsenInput {
  readonly f: string
  readonly value: EdnValue
  /** The independent key, with `independent: true`. */
  readonly key?: EdnValue
}

/** Options of {@link readJepsenHistory} and {@link readJepsenLog}. */
export interface JepsenHistoryOptions<I = JepsenInput, O = EdnValue | undefined> {
  /**
   * Maps each operation to the spec's input and output. Default: input `{ f, value }` of the
   * invocation (with `key` under `independent`), output the `:ok` completion's value, or
   * `undefined` when the outcome is unknown.
   */
  readonly operation?: JepsenOperationMapping<I, O>
  /**
   * What a `:fail` completion does (default `'drop'`, as Knossos: the operation did not
   * happen, so it constrains nothing). `'keep'` passes it to `operation` with the `:fail` event
   * and its return time, for specs where a failure is an answer (a compare-and-set that found
   * another value); the mapping may still drop it by returning `undefined`.
   */
  readonly failed?: 'drop' | 'keep'
  /**
   * Which numbers become `call` and `return` (default `'index'`): `'index'` is the event's
   * position in the history (`:index` when every event has one, else its order), which orders
   * every event strictly, as Jepsen observed them; `'time'` is `:time` (nanoseconds since the
   * test began), which every event must have.
   */
  readonly clock?: 'index' | 'time'
  /**
   * The history comes from `jepsen.independent`: every `:value` is a `[key value]` tuple.
   * Events get the tuple's parts as `key` and `value` (default `false`).
   */
  readonly independent?: boolean
  /** How errors name the text (default `history.edn`, or `jepsen.log` for logs). */
  readonly source?: string
}

/** The valid keys of {@link JepsenHistoryOptions}. */
export const JEPSEN_HISTORY_OPTION_KEYS: readonly OptionKey<JepsenHistoryOptions>[] =
  keyList<JepsenHistoryOptions>()(['operation', 'failed', 'clock', 'independent', 'source'])

const EVENT_TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info'])

/**
 * Reads a Jepsen `history.edn` into operations for `checkLinearizability`.
 *
 * Events of a non-integer process (`:nemesis`) are skipped. A process that invokes again
 * before its previous operation completed, a completion with no invocation before it, or a
 * completion of another function than its invocation is an error naming the line.
 *
 * @param text - the file's contents: one event map per line, or a vector of them
 * @param options - the mapping to the spec's input and output, and how to read the history
 * @returns one operation per invocation that was not dropped, in invocation order; `client`
 *   is the process
 * @throws {HistoryFormatError} for malformed EDN or events, naming the line
 *
 * @example
 * const ops = readJepsenHistory(text, {
 *   operation: (invoke, done) => ({ input: { f: invoke.f, value: invoke.value },
 *                                   output: done?.type === 'ok' ? done.value : undefined }),
 * })
 * checkLinearizability(ops, spec)
 */
export function readJepsenHistory<I = JepsenInput, O = EdnValue | undefined>(
  text: string,
  options: JepsenHistoryOptions<I, O> = {},
): Operation<I, O>[] {
  checkJepsenOptions(options, 'readJepsenHistory()')
  const source = options.source ?? 'history.edn'
  const events: RawEvent[] = []
  for (const form of readEdnElements(text, source)) {
    const event = toRawEvent(form.value, form.line, source)
    if (event !== undefined) events.push(event)
  }
  return pairEvents(events, options, source)
}

/**
 * Reads the operation lines of a Jepsen log (`jepsen.log`), which `jepsen.util` writes as
 * `INFO  jepsen.util - 3	:ok	:cas	[1 2]`: process, type, function and value, each in EDN.
 * Other lines are ignored. Such logs carry no times, so `call` and `return` are the events'
 * order (`clock: 'time'` is refused).
 *
 * @param text - the log's contents
 * @param options - as for {@link readJepsenHistory}
 * @throws {HistoryFormatError} for a malformed operation line, naming it
 */
export function readJepsenLog<I = JepsenInput, O = EdnValue | undefined>(
  text: string,
  options: JepsenHistoryOptions<I, O> = {},
): Operation<I, O>[] {
  checkJepsenOptions(options, 'readJepsenLog()')
  const source = options.source ?? 'jepsen.log'
  if (options.clock === 'time') {
    throw new HistoryFormatError(
      `${source}: a Jepsen log has no times; use clock: 'index' (the default)`,
      source,
      1,
    )
  }
  const events: RawEvent[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const at = line.indexOf('jepsen.util - ')
    if (at < 0) continue
    const rest = line.slice(at + 'jepsen.util - '.length)
    const forms = readEdnForms(rest, `${source} line ${i + 1}`)
    if (forms.length < 3 || forms.length > 4) {
      throw new HistoryFormatError(
        `${source} line ${i + 1}: expected 'process type f value', got ${forms.length} fields\n  ${line}`,
        source,
        i + 1,
      )
    }
    const fields = new Map<EdnValue, EdnValue>([
      ['process', forms[0]!.value],
      ['type', forms[1]!.value],
      ['f', forms[2]!.value],
      ['value', forms[3]?.value ?? null],
    ])
    const event = toRawEvent(fields, i + 1, source)
    if (event !== undefined) events.push(event)
  }
  return pairEvents(events, options, source)
}

/** Unknown keys, and values of the wrong kind, are errors: a typo must not change a verdict. */
function checkJepsenOptions(options: JepsenHistoryOptions<unknown, unknown>, where: string): void {
  checkOptions(options, where, JEPSEN_HISTORY_OPTION_KEYS)
  const bad = (key: string, expected: string, value: unknown) =>
    new OptionsError(`${where}: ${key} must be ${expected}, got ${formatValue(value)}`, where)
  const { operation, failed, clock, independent, source } = options
  if (operation !== undefined && typeof operation !== 'function') {
    throw bad('operation', 'a function (invoke, completion) => { input, output }', operation)
  }
  if (failed !== undefined && failed !== 'drop' && failed !== 'keep') {
    throw bad('failed', "'drop' or 'keep'", failed)
  }
  if (clock !== undefined && clock !== 'index' && clock !== 'time') {
    throw bad('clock', "'index' or 'time'", clock)
  }
  if (independent !== undefined && typeof independent !== 'boolean') {
    throw bad('independent', 'true or false', independent)
  }
  if (source !== undefined && typeof source !== 'string') throw bad('source', 'a string', source)
}

/** An event before pairing: its fields, checked. */
interface RawEvent {
  readonly type: JepsenEventType
  readonly process: number
  readonly f: string
  readonly line: number
  readonly fields: ReadonlyMap<EdnValue, EdnValue>
}

function toRawEvent(form: EdnValue, line: number, source: string): RawEvent | undefined {
  if (!(form instanceof Map)) {
    throw new HistoryFormatError(
      `${source} line ${line}: expected an event map {:type … :process … :f …}, got ${formatValue(form)}`,
      source,
      line,
    )
  }
  const fields = form as ReadonlyMap<EdnValue, EdnValue>
  const process = fields.get('process')
  if (process === undefined) {
    throw new HistoryFormatError(`${source} line ${line}: the event has no :process`, source, line)
  }
  // The nemesis (and any other non-client process) is not a client of the object under test.
  if (typeof process !== 'number' || !Number.isInteger(process)) return undefined
  const type = fields.get('type')
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) {
    throw new HistoryFormatError(
      `${source} line ${line}: :type must be :invoke, :ok, :fail or :info, got ${formatValue(type)}`,
      source,
      line,
    )
  }
  const f = fields.get('f')
  if (typeof f !== 'string') {
    throw new HistoryFormatError(
      `${source} line ${line}: :f must be a keyword such as :read, got ${formatValue(f)}`,
      source,
      line,
    )
  }
  return { type: type as JepsenEventType, process, f, line, fields }
}

/** Pairs invocations with completions, per process, and maps each pair to an operation. */
function pairEvents<I, O>(
  events: readonly RawEvent[],
  options: JepsenHistoryOptions<I, O>,
  source: string,
): Operation<I, O>[] {
  const clockOf = clock(events, options.clock ?? 'index', source)
  const independent = options.independent ?? false
  const keep = (options.failed ?? 'drop') === 'keep'
  const map = options.operation ?? (defaultMapping as unknown as JepsenOperationMapping<I, O>)
  const normalise = (e: RawEvent, i: number): JepsenEvent => {
    let value = e.fields.get('value') ?? null
    let key: EdnValue | undefined
    if (independent) {
      if (!Array.isArray(value) || value.length !== 2) {
        // An :info or :fail completion may carry no tuple (a crash before any result); the
        // mapping has the invocation's key.
        if ((e.type === 'info' || e.type === 'fail') && !Array.isArray(value)) {
          return {
            type: e.type,
            process: e.process,
            f: e.f,
            value,
            at: clockOf[i]!,
            line: e.line,
            fields: e.fields,
          }
        }
        throw new HistoryFormatError(
          `${source} line ${e.line}: independent: true expects :value [key value], got ${formatValue(value)}`,
          source,
          e.line,
        )
      }
      key = value[0]
      value = value[1]
    }
    return {
      type: e.type,
      process: e.process,
      f: e.f,
      value,
      ...(independent && { key }),
      at: clockOf[i]!,
      line: e.line,
      fields: e.fields,
    }
  }

  // Pending invocation per process: its position among `events`.
  const pending = new Map<number, number>()
  // One slot per invocation, in invocation order; filled when its completion arrives.
  const invocations: number[] = []
  const completionOf = new Map<number, number>()
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const open = pending.get(e.process)
    if (e.type === 'invoke') {
      if (open !== undefined) {
        throw new HistoryFormatError(
          `${source} line ${e.line}: process ${e.process} invokes :${e.f} while its :${events[open]!.f} from line ${events[open]!.line} has not completed (a process runs one operation at a time; after an :info Jepsen gives it a new number)`,
          source,
          e.line,
        )
      }
      pending.set(e.process, i)
      invocations.push(i)
      continue
    }
    if (open === undefined) {
      throw new HistoryFormatError(
        `${source} line ${e.line}: :${e.type} of process ${e.process} completes nothing (no :invoke of that process is open)`,
        source,
        e.line,
      )
    }
    if (events[open]!.f !== e.f) {
      throw new HistoryFormatError(
        `${source} line ${e.line}: :${e.type} :${e.f} of process ${e.process} completes an :invoke :${events[open]!.f} (line ${events[open]!.line})`,
        source,
        e.line,
      )
    }
    pending.delete(e.process)
    completionOf.set(open, i)
  }

  const history: Operation<I, O>[] = []
  for (const i of invocations) {
    const c = completionOf.get(i)
    const completion = c === undefined ? undefined : events[c]!
    if (completion?.type === 'fail' && !keep) continue
    const invokeEvent = normalise(events[i]!, i)
    const completionEvent = c === undefined ? undefined : normalise(completion!, c)
    let mapped: { readonly input: I; readonly output: O } | undefined
    try {
      mapped = map(invokeEvent, completionEvent)
    } catch (cause) {
      if (cause instanceof HistoryFormatError) throw cause
      const at = completion ?? events[i]!
      const why = describeError(cause, 'message')
      throw new HistoryFormatError(
        `${source} line ${at.line}: the operation mapping rejected :${events[i]!.f} of process ${events[i]!.process} (invoked on line ${events[i]!.line}): ${why}`,
        source,
        at.line,
      )
    }
    if (mapped === undefined) continue
    const known = completion !== undefined && completion.type !== 'info'
    history.push({
      client: events[i]!.process,
      input: mapped.input,
      call: invokeEvent.at,
      output: mapped.output,
      return: known ? completionEvent!.at : Number.POSITIVE_INFINITY,
    })
  }
  return history
}

function defaultMapping(
  invoke: JepsenEvent,
  completion: JepsenEvent | undefined,
): { input: JepsenInput; output: EdnValue | undefined } {
  const input: JepsenInput =
    invoke.key === undefined
      ? { f: invoke.f, value: invoke.value }
      : { f: invoke.f, value: invoke.value, key: invoke.key }
  return { input, output: completion?.type === 'ok' ? completion.value : undefined }
}

/** Each event's number on the chosen clock. */
function clock(events: readonly RawEvent[], kind: 'index' | 'time', source: string): number[] {
  const field = kind === 'time' ? 'time' : 'index'
  const values: number[] = new Array(events.length)
  let everyOne = true
  for (let i = 0; i < events.length; i++) {
    const v = events[i]!.fields.get(field)
    if (typeof v === 'number' && Number.isFinite(v)) values[i] = v
    else if (typeof v === 'bigint') values[i] = Number(v)
    else if (kind === 'time') {
      throw new HistoryFormatError(
        `${source} line ${events[i]!.line}: clock: 'time' needs a :time on every event; this one has ${v === undefined ? 'none' : formatValue(v)} (use clock: 'index')`,
        source,
        events[i]!.line,
      )
    } else {
      everyOne = false
      break
    }
  }
  if (kind === 'index' && !everyOne) for (let i = 0; i < events.length; i++) values[i] = i
  return values
}
