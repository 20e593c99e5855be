/**
 * `expect(report).toBeLinearizable(spec?)` on a finished simulation report: no run's history
 * failed its linearizability check. The runs check their histories themselves (the
 * `linearizable` option of `simulate`, `explore`, `replay` and the targets); this matcher reads
 * the verdict, and shows the failing run's history as a per-client timeline.
 *
 * No verdict on nothing: a report whose runs checked no history throws a `NothingCheckedError`,
 * unless it is a `simulate` report of this thread and a spec is given, in which case its seeds
 * run again checked against the spec (as `toRefine(model, abstraction)` does).
 *
 * @module
 */
import {
  isLinearizabilityFailure,
  NothingCheckedError,
  type RunReport,
  type SequentialSpec,
} from '@musil/core'
import type { MatcherState } from 'vitest'
import { checkedSpecOf, failureHistory, sameSpec } from '../target.ts'
import { matchProperty, type Property, rerunOf } from './simulation-matchers.ts'
import type { SyncMatchResult } from './trace-diff.ts'

type AnySpec = SequentialSpec<unknown, unknown, unknown>

function isSpec(x: unknown): x is AnySpec {
  if (x === null || typeof x !== 'object') return false
  const s = x as Record<string, unknown>
  return typeof s.init === 'function' && typeof s.step === 'function'
}

/** The property, describing operations with `spec` when it is known. */
function linearizable(spec: AnySpec | undefined): Property {
  return {
    matcher: 'toBeLinearizable',
    refutes: isLinearizabilityFailure,
    holds: "every seed's history is linearizable",
    about: 'linearizability',
    unchecked: (checked, runs) =>
      checked.linearizable === true
        ? undefined
        : `the runs checked no history for linearizability, so ${runs}; record operations with ctx.history / world.history and pass linearizable: spec to simulate(), explore(), replay() or the target (or, on a report from simulate(), write toBeLinearizable(spec) to run its seeds again against spec)`,
    explain: (failure) => failureHistory(failure, spec),
  }
}

/**
 * The report to judge: `received` itself when it checked `spec` (the same object, or a shipped
 * spec made the same way; from another thread, some spec it can no longer name), else the same
 * seeds run again against `spec` when the report can be run again. Throws when it can be
 * neither.
 */
function reportFor(ctx: MatcherState, received: RunReport, spec: AnySpec): RunReport {
  const checkedSpec = checkedSpecOf(received)
  const checked = received.checked?.linearizable === true
  if (sameSpec(checkedSpec, spec) || (checked && checkedSpec === undefined)) return received
  const rerun = rerunOf(received)
  if (rerun !== undefined) return rerun({ linearizable: spec })
  const hint = `expect(report).${ctx.isNot ? 'not.' : ''}toBeLinearizable(spec)`
  if (!checked) {
    throw new NothingCheckedError(
      `${hint}: the report's runs checked no history for linearizability, and the report cannot be run again (it is not from simulate() in this thread); pass linearizable: spec to explore(), replay() or the target, then call toBeLinearizable()`,
    )
  }
  throw new TypeError(
    `${hint}: the report's runs checked their histories against another spec, and the report cannot be run again (it is not from simulate() in this thread); call toBeLinearizable() to read its own verdict, or pass this spec as linearizable to explore(), replay() or the target`,
  )
}

/** `expect(report).toBeLinearizable(spec?)`: no seed's history failed its linearizability check. */
export function reportToBeLinearizable(
  this: MatcherState,
  received: unknown,
  ...args: unknown[]
): SyncMatchResult {
  const report = received as RunReport
  const [spec] = args
  if (args.length > 1 || (spec !== undefined && !isSpec(spec))) {
    throw new TypeError(
      `expect(report).${this.isNot ? 'not.' : ''}toBeLinearizable(spec?): give at most a sequential spec { init, step, ... }; on a report, the time budget is the linearizable option's timeoutMs`,
    )
  }
  const judged = spec === undefined ? report : reportFor(this, report, spec)
  const known = spec ?? checkedSpecOf(judged)
  const result = matchProperty(this, judged, linearizable(known))
  // A check that gave no verdict fails the matcher, and proves no violation either: `.not`
  // fails too, unless some other run's history really was not linearizable.
  if (this.isNot && !result.pass && onlyUndecided(judged)) {
    return {
      pass: true,
      message: () =>
        `expect(report).not.toBeLinearizable()\n\nno run's history was found not linearizable: ${judged.failure?.detail ?? 'the check gave no verdict'}`,
    }
  }
  return result
}

/** True when the report's linearizability failures are all checks that gave no verdict. */
function onlyUndecided(report: RunReport): boolean {
  const seeds = (report as { failingSeeds?: readonly { kind: string; detail: string }[] })
    .failingSeeds
  const failures = (seeds ?? (report.failure === undefined ? [] : [report.failure])).filter(
    isLinearizabilityFailure,
  )
  return failures.length > 0 && failures.every((f) => f.kind === 'error')
}
