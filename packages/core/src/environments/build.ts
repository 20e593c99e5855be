/**
 * Helpers shared by the prebuilt environments: one fault as an action (parameterised when the
 * fault picks a target), and the assembly of a validated environment from a platform's
 * assumptions plus the user's.
 *
 * @module
 */
import { type Action, action } from '../model/action.ts'
import {
  type Assumption,
  defineEnvironment,
  type EnvironmentOptions,
  type EnvironmentSpec,
} from './spec.ts'

/** A fault that strikes one target chosen among `targets(s)`: one successor per target. */
export function targetedFault<S, P>(
  name: string,
  targets: (s: S) => Iterable<P>,
  when: ((s: S, p: P) => boolean) | undefined,
  apply: (s: S, p: P) => S,
): Action<S> {
  return action.each<S, P>(name, targets, when ?? (() => true), apply)
}

/** A fault without a target. */
export function fault<S>(
  name: string,
  when: ((s: S) => boolean) | undefined,
  apply: (s: S) => S,
): Action<S> {
  return action<S>(name, when ?? (() => true), apply)
}

/**
 * The assumption that the fault may strike whenever the model allows: `verified` when no
 * restricting guard was given (the search then covers every timing the platform could choose),
 * `unverified` otherwise (the restriction itself must hold of the real platform).
 */
export function coverage(
  name: string,
  restricted: boolean,
  what: string,
  restriction: string,
  source: string,
): Assumption {
  return restricted
    ? {
        name,
        description: `${what} only strikes where ${restriction} allows it: that restriction must hold of the real platform`,
        source,
        status: 'unverified',
      }
    : {
        name,
        description: `${what} may strike at any reachable state, which covers every timing the platform could choose`,
        source,
        status: 'verified',
      }
}

/** A validated environment from its platform namespace, actions, built-in and user assumptions. */
export function environment<S>(
  platform: string,
  actions: Action<S>[],
  builtIn: readonly Assumption[],
  opts: EnvironmentOptions<S>,
): EnvironmentSpec<S> {
  return defineEnvironment<S>({
    name: opts.name ?? platform,
    actions,
    assumptions: [...builtIn, ...(opts.assumptions ?? [])],
    ...(opts.guarantees && { guarantees: opts.guarantees }),
  })
}
