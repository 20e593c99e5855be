/**
 * Environments: the adversarial world a system runs in (a platform, a cloud API, a kernel, a
 * human crew), described as fault actions that interleave with the system's own, the named
 * assumptions the model relies on but cannot check, and optional guarantees the environment
 * promises. `checkOpen` composes a model with any number of them into one search.
 *
 * @module
 */
import { EnvironmentSpecError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import type { Action } from '../model/action.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'

/**
 * A fact the verification relies on but the model checker does not prove: a platform's
 * documented behaviour, a bound on how often faults happen, a human procedure.
 *
 * `status: 'verified'` means the fact was discharged elsewhere (a proof, a published result,
 * or because the model over-approximates it); `'unverified'` makes it a residual proof
 * obligation, listed in `checkOpen(...).unverifiedAssumptions`.
 *
 * @example
 * const graceful: Assumption = {
 *   name: 'graceful-termination',
 *   description: 'An evicted pod gets SIGTERM and its grace period before SIGKILL',
 *   source: 'Kubernetes documentation, "Pod Lifecycle", section "Termination of Pods"',
 *   status: 'unverified',
 * }
 */
export interface Assumption {
  /** Short identifier, unique within its environment, e.g. `pdb-honoured`. */
  readonly name: string
  /** What is assumed, in one or two sentences a reviewer can check. */
  readonly description: string
  /** Where the fact comes from: a document title and section, a paper, a URL. */
  readonly source?: string
  /** `unverified` assumptions are the residual proof obligations of a check. */
  readonly status: 'verified' | 'unverified'
}

/**
 * An environment of an open system. Its actions are faults (or other external behaviour) that
 * may happen at any point of any run; `checkOpen` labels them `<name>:<action>` in traces.
 *
 * Environments are generic over the user's state: build them with factories that take
 * accessors into that state (see `@musil/core/environments/k8s` and friends), or by hand.
 *
 * @example
 * const flakyDisk: EnvironmentSpec<Db> = {
 *   name: 'disk',
 *   actions: [action('fail', (s) => s.writing, (s) => ({ ...s, writing: false, error: 'EIO' }))],
 *   assumptions: [{ name: 'no-silent-corruption', description: 'A failed write reports an error', status: 'unverified' }],
 *   guarantees: { atMostOneError: (s) => s.errors <= 1 },
 * }
 */
export interface EnvironmentSpec<S> {
  /**
   * Namespace of the environment, e.g. `k8s`. It prefixes the labels of its actions and the
   * names of its guarantees. Several environments may share a namespace (pod eviction and node
   * drain are both `k8s`) as long as their action labels differ.
   */
  readonly name: string
  /** The behaviours the environment may exhibit at any point; at least one. */
  readonly actions: readonly Action<S>[]
  /** What the verification relies on about this environment; `[]` when nothing. */
  readonly assumptions: readonly Assumption[]
  /** Named predicates the environment promises; checked as invariants of the composition. */
  readonly guarantees?: Readonly<Record<string, (s: S) => boolean>>
}

/** An assumption together with the environment (namespace) that made it. */
export interface EnvironmentAssumption extends Assumption {
  /** The `name` of the environment the assumption belongs to. */
  readonly environment: string
}

/** Options every prebuilt environment factory accepts besides its accessors. */
export interface EnvironmentOptions<S> {
  /** Namespace of the environment (default: the platform, e.g. `k8s`); prefixes its action labels. */
  name?: string
  /** Assumptions your model adds about this environment, e.g. a bound on how often it faults. */
  assumptions?: readonly Assumption[]
  /** Predicates the environment promises, checked as invariants of the composition. */
  guarantees?: Record<string, (s: S) => boolean>
}

/** The keys an {@link EnvironmentSpec} may have: anything else is a typo. */
export const ENVIRONMENT_SPEC_KEYS: readonly OptionKey<EnvironmentSpec<unknown>>[] = keyList<
  EnvironmentSpec<unknown>
>()(['name', 'actions', 'assumptions', 'guarantees'])

/** The keys an {@link Assumption} may have: anything else is a typo. */
export const ASSUMPTION_KEYS: readonly OptionKey<Assumption>[] = keyList<Assumption>()([
  'name',
  'description',
  'source',
  'status',
])

/** The keys of {@link EnvironmentOptions}, shared by every prebuilt environment factory. */
export const ENVIRONMENT_OPTION_KEYS: readonly OptionKey<EnvironmentOptions<unknown>>[] = keyList<
  EnvironmentOptions<unknown>
>()(['name', 'assumptions', 'guarantees'])

const STATUSES: ReadonlySet<string> = new Set(['verified', 'unverified'])

/**
 * Validates an environment and returns it frozen, so that a malformed one fails where it is
 * written rather than inside a check.
 *
 * @example
 * const clock = defineEnvironment<Timer>({
 *   name: 'clock',
 *   actions: [action('jump', () => true, (s) => ({ ...s, now: s.now + 60 }))],
 *   assumptions: [],
 * })
 *
 * @throws {EnvironmentSpecError} when the environment has no name or no actions, an action is
 *   not built with `action()`, two actions share a name, an assumption lacks a name or
 *   description or has an unknown status, or a guarantee is not a function.
 * @throws {OptionsError} when the environment or an assumption has a key it cannot have.
 */
export function defineEnvironment<S>(env: EnvironmentSpec<S>): EnvironmentSpec<S> {
  validateEnvironment(env, 'defineEnvironment()')
  return Object.freeze({
    name: env.name,
    actions: Object.freeze([...env.actions]),
    assumptions: Object.freeze(env.assumptions.map((a) => Object.freeze({ ...a }))),
    ...(env.guarantees && { guarantees: Object.freeze({ ...env.guarantees }) }),
  })
}

/**
 * Checks the shape of one environment. `where` says how the caller refers to it when it has no
 * usable name, e.g. `checkOpen(): environments[1]`.
 *
 * @throws {EnvironmentSpecError} naming the environment and what to fix.
 * @throws {OptionsError} when the environment or an assumption has a key it cannot have.
 */
export function validateEnvironment(
  env: unknown,
  where: string,
): asserts env is EnvironmentSpec<unknown> {
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    throw new EnvironmentSpecError(
      `${where} is not an environment: expected { name, actions, assumptions, guarantees? }, got ${formatValue(env)}`,
      where,
    )
  }
  const e = env as Record<string, unknown>
  const named = typeof e.name === 'string' && e.name !== '' ? ` (environment '${e.name}')` : ''
  checkOptions(env, `${where}${named}`, ENVIRONMENT_SPEC_KEYS)
  if (typeof e.name !== 'string' || e.name.trim() === '') {
    throw new EnvironmentSpecError(
      `${where} has no name: give the environment a non-empty name such as 'k8s' (it prefixes its actions in traces, e.g. k8s:evictPod)`,
      where,
    )
  }
  const name = e.name
  if (name.includes(':')) {
    throw new EnvironmentSpecError(
      `environment '${name}': the name must not contain ':', which separates the environment from its action in labels such as k8s:evictPod`,
      name,
    )
  }
  validateActions(name, e.actions)
  validateAssumptions(name, e.assumptions)
  validateGuarantees(name, e.guarantees)
}

function validateActions(env: string, actions: unknown): void {
  if (!Array.isArray(actions) || actions.length === 0) {
    throw new EnvironmentSpecError(
      `environment '${env}' has no actions: an environment contributes the faults that interleave with the system, so give it at least one action(...) (assumptions alone do not change what is explored)`,
      env,
    )
  }
  const seen = new Set<string>()
  actions.forEach((a: unknown, i) => {
    const x = a as Record<string, unknown> | null
    const ok =
      x !== null &&
      typeof x === 'object' &&
      typeof x.name === 'string' &&
      (x.kind === 'single' || x.kind === 'each') &&
      typeof x.guard === 'function' &&
      typeof x.effect === 'function'
    if (!ok) {
      throw new EnvironmentSpecError(
        `environment '${env}': actions[${i}] is not an action; build it with action(name, guard, effect) or action.each(name, domain, guard, effect)`,
        env,
      )
    }
    const actionName = x.name as string
    if (seen.has(actionName)) {
      throw new EnvironmentSpecError(
        `environment '${env}': two actions are named '${actionName}'; action names must be unique within an environment`,
        env,
      )
    }
    seen.add(actionName)
  })
}

function validateAssumptions(env: string, assumptions: unknown): void {
  if (!Array.isArray(assumptions)) {
    throw new EnvironmentSpecError(
      `environment '${env}': 'assumptions' must be an array of { name, description, source?, status } (use [] when the environment assumes nothing)`,
      env,
    )
  }
  const seen = new Set<string>()
  assumptions.forEach((a: unknown, i) => {
    const x = a as Record<string, unknown> | null
    if (x === null || typeof x !== 'object') {
      throw new EnvironmentSpecError(
        `environment '${env}': assumptions[${i}] is not an assumption: expected { name, description, source?, status }, got ${formatValue(a)}`,
        env,
      )
    }
    // Before the field checks: a misspelt 'description' should be named as such, not as missing.
    checkOptions(x, `environment '${env}': assumptions[${i}]`, ASSUMPTION_KEYS)
    if (typeof x.name !== 'string' || x.name.trim() === '') {
      throw new EnvironmentSpecError(
        `environment '${env}': assumptions[${i}] has no name; give every assumption a non-empty name so that residual obligations can be tracked and cited`,
        env,
      )
    }
    const label = `environment '${env}': assumption '${x.name}'`
    if (typeof x.description !== 'string' || x.description.trim() === '') {
      throw new EnvironmentSpecError(
        `${label} has no description; say in a sentence what is assumed`,
        env,
      )
    }
    if (typeof x.status !== 'string' || !STATUSES.has(x.status)) {
      throw new EnvironmentSpecError(
        `${label} has status ${formatValue(x.status)}; use 'verified' (discharged elsewhere) or 'unverified' (a residual proof obligation)`,
        env,
      )
    }
    if (x.source !== undefined && typeof x.source !== 'string') {
      throw new EnvironmentSpecError(
        `${label}: 'source' must be a string (a document title, paper or URL)`,
        env,
      )
    }
    if (seen.has(x.name)) {
      throw new EnvironmentSpecError(
        `environment '${env}': two assumptions are named '${x.name}'; assumption names must be unique within an environment`,
        env,
      )
    }
    seen.add(x.name)
  })
}

function validateGuarantees(env: string, guarantees: unknown): void {
  if (guarantees === undefined) return
  if (guarantees === null || typeof guarantees !== 'object' || Array.isArray(guarantees)) {
    throw new EnvironmentSpecError(
      `environment '${env}': 'guarantees' must be an object of named predicates { name: (s) => boolean }`,
      env,
    )
  }
  for (const [k, f] of Object.entries(guarantees)) {
    if (typeof f !== 'function') {
      throw new EnvironmentSpecError(
        `environment '${env}': guarantee '${k}' must be a function (s) => boolean, got ${typeof f}`,
        env,
      )
    }
  }
}
