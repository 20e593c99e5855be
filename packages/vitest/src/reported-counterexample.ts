/**
 * A model check's counterexample as the HTML report shows it: every state rendered as text,
 * what each step changed, and each invariant's value after each step, so the report's stepper
 * needs nothing but strings and booleans.
 *
 * @module
 */
import { diffStates, formatChange, formatValue, type Model, type Step } from '@musil/core'
import type { ReportedCounterexample } from './context.ts'

/** Each invariant's value on `s`; one that throws counts as violated, as in `check`. */
function invariantValues<S>(model: Model<S>, s: S): { name: string; holds: boolean }[] {
  return Object.entries(model.invariants).map(([name, f]) => {
    try {
      return { name, holds: Boolean(f(s)) }
    } catch {
      return { name, holds: false }
    }
  })
}

/** The report's form of a counterexample of `model`. */
export function reportedCounterexample<S>(
  model: Model<S>,
  headline: string,
  trace: readonly Step<S>[],
): ReportedCounterexample {
  return {
    model: model.name,
    headline,
    steps: trace.map((step, i) => ({
      label: step.action,
      state: formatValue(step.state),
      changes: i === 0 ? [] : diffStates(trace[i - 1]!.state, step.state).map(formatChange),
      invariants: invariantValues(model, step.state),
    })),
  }
}
