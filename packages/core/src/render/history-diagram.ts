/**
 * A history and what its linearizability verdict says about each operation, as plain JSON: the
 * data a picture of the history is drawn from (`historyDiagramToSvg`), made where the spec is at
 * hand (to describe operations and states) and drawn wherever the data goes, e.g. in Vitest's
 * main process from a test's report. Nothing in it is a function, `undefined` or `Infinity`, so
 * it survives `JSON.stringify` and worker threads unchanged.
 *
 * @module
 */

import { describeOperation, describeState } from '../linearizability/describe.ts'
import type {
  LinearizabilityResult,
  LinearizabilityVerdict,
  Operation,
  SequentialSpec,
} from '../linearizability/types.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { failureWindow } from './history.ts'
import {
  type OperationMark,
  operationMarks,
  prefixStates,
  shownOperations,
} from './history-marks.ts'

/**
 * What the verdict says about one operation: an {@link OperationMark} with its states
 * described. A prefix operation carries the state it met (`before`) and the state it left
 * (`after`) where they are known: all of them with a spec, else only the last one's `after`
 * (the violation's `state`).
 */
export type HistoryOperationStatus =
  | {
      readonly kind: 'prefix'
      /** 0-based place in the longest linearizable prefix. */
      readonly position: number
      readonly before?: string
      readonly after?: string
    }
  | { readonly kind: 'unplaceable'; readonly state: string }
  | { readonly kind: 'not-reached' }
  | { readonly kind: 'unmarked' }

/** One operation of a {@link HistoryDiagram}. */
export interface HistoryDiagramOperation {
  /** Its index in the history. */
  readonly index: number
  readonly client: number | string
  readonly call: number
  /** When it returned; `null` when its outcome is unknown (`Infinity`, which JSON cannot hold). */
  readonly return: number | null
  /** `describeOperation` of it: input and output. */
  readonly description: string
  readonly status: HistoryOperationStatus
}

/** A history to draw, with its verdict's marks: plain JSON. */
export interface HistoryDiagram {
  /** Operations in the whole history (more than are drawn when `operations` is a window). */
  readonly total: number
  /** The verdict; absent when the history was drawn without one. */
  readonly verdict?: LinearizabilityVerdict
  /** On `not-linearizable`: the failing partition and where its search got furthest. */
  readonly violation?: {
    /** Index of the failing partition (0 when the spec does not partition). */
    readonly partition: number
    /** Operations in that partition. */
    readonly operations: number
    /** Length of the longest linearizable prefix. */
    readonly prefix: number
    /** The state after the prefix, described. */
    readonly state: string
  }
  /** The operations drawn, in index order. */
  readonly operations: readonly HistoryDiagramOperation[]
}

/** Options of {@link historyDiagram} and `historyToSvg`. */
export interface HistoryDiagramOptions<S, I, O> {
  /**
   * Describes operations and states (`describeOperation`, `describeState`; default:
   * structural), and, run again over the longest prefix, gives the state each of its operations
   * met and left.
   */
  readonly spec?: SequentialSpec<S, I, O>
  /**
   * Indices of the operations to draw. Default: with a violation, {@link failureWindow} of it
   * (its partition's operations, cut down around the failure when there are more than 30);
   * else every operation.
   */
  readonly operations?: readonly number[]
}

/** The keys {@link HistoryDiagramOptions} may have. */
export const HISTORY_DIAGRAM_OPTION_KEYS: readonly OptionKey<
  HistoryDiagramOptions<unknown, unknown, unknown>
>[] = keyList<HistoryDiagramOptions<unknown, unknown, unknown>>()(['spec', 'operations'])

/**
 * The data of a picture of `history` under `result` (see {@link HistoryDiagram}): each drawn
 * operation with its client, interval, description and what the verdict says about it.
 * Deterministic: the same history and result give an equal diagram.
 *
 * @param result - the verdict of `checkLinearizability(history, spec)`, or `undefined` to draw
 *   the history unmarked
 * @throws {OptionsError} on an unknown option, or an index in `operations` that is not one of
 *   the history's
 * @throws {UserCodeError} when the spec's `init`, `step`, `describeOperation` or
 *   `describeState` throws
 *
 * @example
 * const result = checkLinearizability(history, spec)
 * writeFileSync('diagram.json', JSON.stringify(historyDiagram(history, result, { spec })))
 */
export function historyDiagram<S, I, O>(
  history: readonly Operation<I, O>[],
  result: LinearizabilityResult<S, I, O> | undefined,
  options: HistoryDiagramOptions<S, I, O> = {},
): HistoryDiagram {
  return diagramOf(history, result, options, 'historyDiagram()')
}

/** {@link historyDiagram}, its errors naming `where` (the function the user called). */
export function diagramOf<S, I, O>(
  history: readonly Operation<I, O>[],
  result: LinearizabilityResult<S, I, O> | undefined,
  options: HistoryDiagramOptions<S, I, O>,
  where: string,
): HistoryDiagram {
  checkOptions(options, where, HISTORY_DIAGRAM_OPTION_KEYS)
  const spec = options.spec ?? ({} as SequentialSpec<S, I, O>)
  const violation = result?.violation
  const shown = shownOperations(
    history,
    options.operations,
    () => (violation !== undefined ? failureWindow(history, violation) : history.keys()),
    where,
  )

  const mark = operationMarks(violation)
  const states =
    violation !== undefined && options.spec !== undefined
      ? prefixStates(history, violation, options.spec).map((s) => describeState(spec, s))
      : undefined
  const last = violation === undefined ? -1 : violation.longestPrefix.length - 1
  const finalState = violation === undefined ? '' : describeState(spec, violation.state)

  const status = (m: OperationMark<S>): HistoryOperationStatus => {
    switch (m.kind) {
      case 'prefix': {
        const before = states?.[m.position]
        const after = states?.[m.position + 1] ?? (m.position === last ? finalState : undefined)
        return {
          kind: 'prefix',
          position: m.position,
          ...(before !== undefined && { before }),
          ...(after !== undefined && { after }),
        }
      }
      case 'unplaceable':
        return { kind: 'unplaceable', state: describeState(spec, m.state) }
      default:
        return m
    }
  }

  return {
    total: history.length,
    ...(result !== undefined && { verdict: result.result }),
    ...(violation !== undefined && {
      violation: {
        partition: violation.partition,
        operations: violation.operations.length,
        prefix: violation.longestPrefix.length,
        state: finalState,
      },
    }),
    operations: shown.map((index) => {
      const op = history[index]!
      return {
        index,
        client: op.client,
        call: op.call,
        return: op.return === Number.POSITIVE_INFINITY ? null : op.return,
        description: describeOperation(spec, op),
        status: status(mark(index)),
      }
    }),
  }
}
