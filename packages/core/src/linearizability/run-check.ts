/**
 * The `linearizable` option of `simulate`, `explore` and `replay`: validated once, then applied
 * to the history of every run when the run ends. Shared by both runtimes, so a history fails the
 * same way, with the same words, whichever runtime recorded it.
 *
 * @module
 */
import { MusilError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { checkLinearizability, SEQUENTIAL_SPEC_KEYS, validateSpec } from './check.ts'
import { describeInterval, describeOperation, describeState } from './describe.ts'
import type { OperationLog } from './recorder.ts'
import type {
  LinearizabilityResult,
  LinearizabilityViolation,
  Operation,
  SequentialSpec,
} from './types.ts'

/** The object form of the `linearizable` option: the spec, and a time budget for each check. */
export interface LinearizableCheckOptions {
  /** The sequential spec every run's history is held to. */
  readonly spec: SequentialSpec<any, any, any>
  /**
   * Wall-clock budget in ms for checking one run's history (default: none). A check that runs
   * out gives the verdict `unknown`, which fails the run (kind `error`): never a pass.
   */
  readonly timeoutMs?: number
}

/**
 * The `linearizable` option of `simulate`, `explore` and `replay`: a sequential spec, or
 * `{ spec, timeoutMs }`. Every run's history (`ctx.history`, `world.history`) is checked
 * against it when the run ends.
 */
export type LinearizableOption = SequentialSpec<any, any, any> | LinearizableCheckOptions

/** The keys {@link LinearizableCheckOptions} may have: anything else is a typo. */
export const LINEARIZABLE_CHECK_OPTION_KEYS: readonly OptionKey<LinearizableCheckOptions>[] =
  keyList<LinearizableCheckOptions>()(['spec', 'timeoutMs'])

/** A validated `linearizable` option. */
export interface HistoryCheck {
  readonly spec: SequentialSpec<unknown, unknown, unknown>
  readonly timeoutMs: number | undefined
}

/** The name a linearizability failure goes by (`SimFailure.name`; the minimiser compares it). */
export const LINEARIZABILITY = 'linearizability'

/** How a non-linearizable history's failure detail begins. */
export const NOT_LINEARIZABLE = 'history not linearizable'
/** How the failure detail of a history whose check ran out of time begins. */
export const LINEARIZABILITY_UNKNOWN = 'history linearizability unknown'

/**
 * The key under which a report from `simulate`, `explore` or `replay` keeps the spec its runs'
 * histories were checked against (not data: hidden from enumeration, and lost across threads),
 * so that `expect(report).toBeLinearizable(spec)` can tell whether the report checked `spec`.
 */
export const CHECKED_SPEC: unique symbol = Symbol.for('musil.linearizable.spec')

/** Attaches the spec `check` names to `report` under {@link CHECKED_SPEC}. */
export function markCheckedSpec(report: object, check: HistoryCheck | undefined): void {
  if (check !== undefined) Object.defineProperty(report, CHECKED_SPEC, { value: check.spec })
}

/**
 * True when `failure` (of a report, or a sweep's failing seed) is a run whose history failed its
 * linearizability check: not linearizable (kind `safety`), or no verdict (kind `error`: out of
 * `timeoutMs`, or the spec threw).
 *
 * @example
 * if (report.failure && isLinearizabilityFailure(report.failure)) console.log(report.failure.history)
 */
export function isLinearizabilityFailure(failure: {
  readonly kind: string
  readonly detail: string
}): boolean {
  return (
    (failure.kind === 'safety' && failure.detail.startsWith(`${NOT_LINEARIZABLE}: `)) ||
    (failure.kind === 'error' && failure.detail.startsWith(`${LINEARIZABILITY_UNKNOWN}: `))
  )
}

/**
 * Validates a `linearizable` option (`undefined` when absent). `error` makes the runtime's own
 * configuration error from a message.
 */
export function compileLinearizable(
  value: unknown,
  where: string,
  error: (message: string) => Error,
): HistoryCheck | undefined {
  if (value === undefined) return undefined
  if (value === null || typeof value !== 'object') {
    throw error(
      `${where}: 'linearizable' must be a sequential spec { init, step, ... } or { spec, timeoutMs }, got ${formatValue(value)}`,
    )
  }
  const isObjectForm = 'spec' in value
  const spec = (isObjectForm ? (value as LinearizableCheckOptions).spec : value) as SequentialSpec<
    unknown,
    unknown,
    unknown
  >
  if (isObjectForm) {
    checkOptions(value, `${where} { linearizable }`, LINEARIZABLE_CHECK_OPTION_KEYS)
  }
  if (spec === null || typeof spec !== 'object') {
    throw error(
      `${where}: 'linearizable.spec' must be a sequential spec { init, step, ... }, got ${formatValue(spec)}`,
    )
  }
  checkOptions(spec, `${where} { linearizable } spec`, SEQUENTIAL_SPEC_KEYS)
  if (typeof spec.init !== 'function' || typeof spec.step !== 'function') {
    throw error(
      `${where}: the 'linearizable' spec needs init() (the initial state) and step(state, input, output) => [legal, next]; got init: ${typeof spec.init}, step: ${typeof spec.step}`,
    )
  }
  // The rest of what checkLinearizability would refuse in every run (an equal that is not a
  // function, a hash without equal): refused once, before any seed runs.
  try {
    validateSpec(spec)
  } catch (e) {
    throw error(`${where}: the 'linearizable' spec: ${(e as Error).message}`)
  }
  const timeoutMs = isObjectForm ? (value as LinearizableCheckOptions).timeoutMs : undefined
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0))) {
    throw error(
      `${where}: 'linearizable.timeoutMs' must be a positive number of milliseconds, got ${formatValue(timeoutMs)}; leave it out for no budget`,
    )
  }
  return { spec, timeoutMs }
}

/** What checking one run's history came to. */
export interface HistoryVerdict {
  /** The run's history in virtual time (failed operations left out). */
  readonly history: Operation<unknown, unknown>[]
  /** The checker's result, its operations and message in virtual time. */
  readonly result: LinearizabilityResult
  /**
   * Set when the history fails the run: `safety` when it is not linearizable, `error` when the
   * check ran out of time (`unknown`) or the spec threw.
   */
  readonly failure?: { readonly kind: 'safety' | 'error'; readonly detail: string }
}

/**
 * Checks the history `log` recorded against `check`. The checker sees the run's order of events
 * (see `OperationLog.orderedHistory`); the verdict is reported against the virtual-time history.
 */
export function checkRunHistory(log: OperationLog, check: HistoryCheck): HistoryVerdict {
  const history = log.history()
  let result: LinearizabilityResult
  try {
    result = checkLinearizability(
      log.orderedHistory(),
      check.spec,
      check.timeoutMs === undefined ? {} : { timeoutMs: check.timeoutMs },
    )
  } catch (e) {
    const why = MusilError.is(e)
      ? e.message
      : e instanceof Error
        ? `${e.name}: ${e.message}`
        : formatValue(e)
    return {
      history,
      result: {
        ok: false,
        result: 'unknown',
        operations: history.length,
        partitions: 0,
        stats: { visited: 0, durationMs: 0 },
        reason: why,
      },
      failure: {
        kind: 'error',
        detail: `${LINEARIZABILITY_UNKNOWN}: checking the history of ${history.length} operations failed: ${why}`,
      },
    }
  }
  if (result.result === 'linearizable') return { history, result }
  if (result.result === 'unknown') {
    return {
      history,
      result,
      failure: {
        kind: 'error',
        detail: `${LINEARIZABILITY_UNKNOWN}: ${result.reason ?? 'the check gave no verdict'}`,
      },
    }
  }
  const violation = inVirtualTime(result.violation!, history, check.spec)
  return {
    history,
    result: { ...result, violation },
    failure: { kind: 'safety', detail: `${NOT_LINEARIZABLE}: ${violation.message}` },
  }
}

/**
 * The violation as the checker found it on the ordered history, restated against the
 * virtual-time history: the operations it names carry their virtual times, and its message
 * names them by client and time.
 */
function inVirtualTime(
  v: LinearizabilityViolation<unknown, unknown, unknown>,
  history: readonly Operation<unknown, unknown>[],
  spec: SequentialSpec<unknown, unknown, unknown>,
): LinearizabilityViolation<unknown, unknown, unknown> {
  const unplaceable = v.unplaceable.map((u) => ({ ...u, operation: history[u.index]! }))
  const refused = unplaceable
    .map(
      (u) =>
        `${describeOperation(spec, u.operation)} (client ${formatValue(u.operation.client)}, t=${describeInterval(u.operation)})`,
    )
    .join('; ')
  const prefix = v.longestPrefix.length
  const after =
    prefix === 0
      ? 'no operation can come first'
      : `after the longest linearizable prefix (${prefix} of its ${v.operations.length} operations, ending with ${describeOperation(spec, history[v.longestPrefix[prefix - 1]!]!)}), in state ${describeState(spec, v.state)}, no operation that may come next fits`
  const where =
    v.partition === 0 && v.operations.length === history.length ? '' : ` (partition ${v.partition})`
  return {
    ...v,
    unplaceable,
    message: `${after}${where}: ${refused} ${unplaceable.length === 1 ? 'is' : 'are'} refused`,
  }
}
