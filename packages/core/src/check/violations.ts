/**
 * The violations a safety search reports, built the same way by `check`, `checkParallel` and
 * the random walk: plain data, since they cross worker threads.
 *
 * @module
 */
import { UserCodeError } from '../errors.ts'
import type { SafetyViolation, Step } from './types.ts'

const NO_VERDICT =
  'it returned undefined instead of a boolean (does the predicate forget to return?)'

/** The first invariant that is false (or throws) at `s`, or undefined when all hold. */
export function failingInvariant<S>(
  names: readonly string[],
  predicates: readonly ((s: S) => boolean)[],
  s: S,
): { name: string; error?: UserCodeError } | undefined {
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!
    let holds: boolean
    try {
      const verdict = predicates[k]!(s)
      if (verdict === undefined) throw new TypeError(NO_VERDICT)
      holds = Boolean(verdict)
    } catch (e) {
      return { name, error: new UserCodeError('invariant', name, e) }
    }
    if (!holds) return { name }
  }
  return undefined
}

/** What threw, as plain data (it crosses worker threads). */
export interface UserErrorInfo {
  readonly origin: string
  readonly label: string
  readonly type: string
  readonly message: string
}

/** A {@link UserCodeError} as plain data. */
export function describeUserError(err: UserCodeError): UserErrorInfo {
  const cause = err.cause
  return {
    origin: err.origin,
    label: err.label,
    type: cause instanceof Error ? cause.name : typeof cause,
    message: cause instanceof Error ? cause.message : String(cause),
  }
}

/** The violation for user code that threw at the last state of `trace`. */
export function errorViolation<S>(info: UserErrorInfo, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'error',
    name: info.label,
    message: `${info.origin} of ${info.label} threw after ${trace.length - 1} steps: ${info.message}`,
    trace,
    error: { origin: info.origin, type: info.type, message: info.message },
  }
}

/** The violation for an invariant that is false at the last state of `trace`. */
export function invariantViolation<S>(name: string, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'invariant',
    name,
    message: `invariant ${name} is violated after ${trace.length - 1} steps`,
    trace,
  }
}

/** The violation for a deadlock at the last state of `trace`. */
export function deadlockViolation<S>(model: string, trace: Step<S>[]): SafetyViolation<S> {
  return {
    kind: 'deadlock',
    name: 'deadlock',
    message: `deadlock: a reachable state of ${model} has no enabled action and is not terminal`,
    trace,
  }
}
