/**
 * `checkOpen`: model-check an open system. The system's actions and every environment's fault
 * actions are interleaved in one breadth-first search, so no assumption is made about when or
 * in which order faults happen; environment guarantees are checked as invariants; assumptions
 * the search cannot discharge are returned as residual proof obligations.
 *
 * @module
 */
import type { EnvironmentAssumption, EnvironmentSpec } from '../environments/spec.ts'
import { validateEnvironment } from '../environments/spec.ts'
import { EnvironmentSpecError, ModelDefinitionError } from '../errors.ts'
import { type Action, action } from '../model/action.ts'
import { defineModel, isModel, type Model } from '../model/model.ts'
import { check, validateOptions } from './check.ts'
import type { CheckOptions, CheckResult } from './types.ts'

/** What {@link checkOpen} returns. Plain and serialisable. */
export interface OpenCheckResult<S> {
  /** The system's invariants and every environment guarantee hold in all reachable states. */
  readonly ok: boolean
  /** The search over the composition; a trace labels environment steps `<env>:<action>`. */
  readonly result: CheckResult<S>
  /** Residual proof obligations: the `unverified` assumptions, with their environment and source. */
  readonly unverifiedAssumptions: EnvironmentAssumption[]
  /** Every assumption of every environment, verified ones included, in environment order. */
  readonly assumptions: EnvironmentAssumption[]
  /** The environment namespaces that took part, in order, without repeats. */
  readonly environments: string[]
  /** Set when the violation is an environment guarantee rather than a system invariant. */
  readonly violatedGuarantee?: { readonly environment: string; readonly guarantee: string }
}

/**
 * The composition of a system with its environments, as an ordinary model: the system's
 * actions followed by each environment's actions relabelled `<env>:<action>`, the system's
 * invariants plus each guarantee as `<env>:<guarantee>`. Use it to pass options to `check`
 * (`check(openModel(m, k8s), { maxStates })`) or to check liveness of the open system.
 *
 * Environment actions are always prefixed, so they cannot shadow a system action; a label that
 * still clashes (a system action literally named `k8s:evictPod`, or two environments of one
 * namespace with the same action) is an error naming both owners.
 *
 * @example
 * const open = openModel(service, podEviction({ pods: (s) => s.pods.keys(), evict }))
 * const r = check(open, { maxDepth: 20 })
 *
 * @throws {ModelDefinitionError} when `m` is not a model built with `defineModel`.
 * @throws {EnvironmentSpecError} when an environment is malformed or a label clashes.
 */
export function openModel<S>(m: Model<S>, ...envs: EnvironmentSpec<S>[]): Model<S> {
  return compose(m, envs).model
}

/**
 * Model-checks `m` against every interleaving of its own actions with the fault actions of
 * `envs`. Returns the search result, and the environments' unverified assumptions: what the
 * search relied on but could not prove, each with the environment and source it came from.
 *
 * @example
 * import { podEviction } from '@musil/core/environments/k8s'
 * const r = checkOpen(service, podEviction({ pods: () => ['web'], evict: (s) => ({ ...s, up: false }) }))
 * if (!r.ok) console.log(r.result.violation)
 * for (const a of r.unverifiedAssumptions) console.log(`${a.environment}/${a.name}: ${a.source}`)
 *
 * @throws {ModelDefinitionError} when `m` is not a model built with `defineModel`.
 * @throws {EnvironmentSpecError} when an environment is malformed or a label clashes.
 */
export function checkOpen<S>(m: Model<S>, ...envs: EnvironmentSpec<S>[]): OpenCheckResult<S> {
  return runOpen(m, envs, {})
}

/**
 * {@link checkOpen} with options for the underlying search (`maxStates`, `maxDepth`,
 * `deadlock`, `onProgress`).
 *
 * @example
 * const r = checkOpenWith(service, [k8s, aws], { maxStates: 100_000 })
 *
 * @throws {OptionsError} when `opts` has a key `check` does not know.
 */
export function checkOpenWith<S>(
  m: Model<S>,
  envs: readonly EnvironmentSpec<S>[],
  opts: CheckOptions,
): OpenCheckResult<S> {
  if (!Array.isArray(envs)) {
    throw new EnvironmentSpecError(
      'checkOpenWith(model, envs, opts): envs must be an array of environments',
      'envs',
    )
  }
  validateOptions(opts, 'checkOpenWith()')
  return runOpen(m, envs, opts)
}

/**
 * The assumptions of `envs` that are still `unverified`, each tagged with its environment: the
 * residual proof obligations of any check against these environments.
 */
export function residualObligations<S>(...envs: EnvironmentSpec<S>[]): EnvironmentAssumption[] {
  for (const [i, e] of envs.entries())
    validateEnvironment(e, `residualObligations(): environments[${i}]`)
  return collectAssumptions(envs).filter((a) => a.status === 'unverified')
}

function runOpen<S>(
  m: Model<S>,
  envs: readonly EnvironmentSpec<S>[],
  opts: CheckOptions,
): OpenCheckResult<S> {
  const { model, guaranteeOwners } = compose(m, envs)
  // Collected before the search so that conflicting assumptions fail fast, like any bad input.
  const assumptions = collectAssumptions(envs)
  const raw = check(model, opts)
  const v = raw.violation
  const owner = v?.kind === 'invariant' ? guaranteeOwners.get(v.name) : undefined
  const result: CheckResult<S> =
    owner && v
      ? {
          ...raw,
          violation: {
            ...v,
            message: `guarantee '${owner.guarantee}' of environment '${owner.environment}' is violated after ${v.trace.length - 1} steps`,
          },
        }
      : raw
  return {
    ok: raw.ok,
    result,
    unverifiedAssumptions: assumptions.filter((a) => a.status === 'unverified'),
    assumptions,
    environments: [...new Set(envs.map((e) => e.name))],
    ...(owner && { violatedGuarantee: owner }),
  }
}

interface Composition<S> {
  readonly model: Model<S>
  /** Invariant name in the composed model -> the environment guarantee it stands for. */
  readonly guaranteeOwners: Map<string, { environment: string; guarantee: string }>
}

function compose<S>(m: Model<S>, envs: readonly EnvironmentSpec<S>[]): Composition<S> {
  if (!isModel(m as unknown)) {
    throw new ModelDefinitionError(
      'checkOpen() expects a model built with defineModel({ init, actions })',
    )
  }
  for (const [i, e] of envs.entries()) validateEnvironment(e, `checkOpen(): environments[${i}]`)
  // Who owns each action label and invariant name, so that a clash names both parties.
  const labels = new Map<string, string>(
    m.actions.map((a) => [a.name, `system action '${a.name}' of model '${m.name}'`]),
  )
  const invariantOwners = new Map<string, string>(
    Object.keys(m.invariants).map((k) => [k, `invariant '${k}' of model '${m.name}'`]),
  )
  const actions: Action<S>[] = [...m.actions]
  const invariants: Record<string, (s: S) => boolean> = { ...m.invariants }
  const guaranteeOwners = new Map<string, { environment: string; guarantee: string }>()
  for (const env of envs) {
    for (const a of env.actions) {
      const label = `${env.name}:${a.name}`
      const mine = `action '${a.name}' of environment '${env.name}'`
      const other = labels.get(label)
      if (other !== undefined) {
        throw new EnvironmentSpecError(
          `${mine} is labelled '${label}', which clashes with ${other}; rename one of them (environment actions are labelled <environment>:<action>)`,
          env.name,
        )
      }
      labels.set(label, mine)
      actions.push(relabel(a, label))
    }
    for (const [g, pred] of Object.entries(env.guarantees ?? {})) {
      const key = `${env.name}:${g}`
      const mine = `guarantee '${g}' of environment '${env.name}'`
      const other = invariantOwners.get(key)
      if (other !== undefined) {
        throw new EnvironmentSpecError(
          `${mine} is checked as invariant '${key}', which clashes with ${other}; rename one of them`,
          env.name,
        )
      }
      invariantOwners.set(key, mine)
      invariants[key] = pred
      guaranteeOwners.set(key, { environment: env.name, guarantee: g })
    }
  }
  const names = [...new Set(envs.map((e) => e.name))]
  const model = defineModel<S>({
    name: names.length > 0 ? `${m.name} under ${names.join(' + ')}` : m.name,
    init: m.init,
    actions,
    invariants,
    ...(m.terminal && { terminal: m.terminal }),
    ...(m.constraint && { constraint: m.constraint }),
    ...(m.symmetry && { symmetry: m.symmetry }),
    ...(m.view && { view: m.view }),
  })
  return { model, guaranteeOwners }
}

function relabel<S>(a: Action<S>, label: string): Action<S> {
  return a.kind === 'single'
    ? action(label, a.guard, a.effect)
    : action.each(label, a.domain, a.guard, a.effect)
}

function collectAssumptions<S>(envs: readonly EnvironmentSpec<S>[]): EnvironmentAssumption[] {
  const out: EnvironmentAssumption[] = []
  const seen = new Map<string, EnvironmentAssumption>()
  for (const env of envs) {
    for (const a of env.assumptions) {
      const key = `${env.name}\u0000${a.name}`
      const entry: EnvironmentAssumption = {
        environment: env.name,
        name: a.name,
        description: a.description,
        ...(a.source !== undefined && { source: a.source }),
        status: a.status,
      }
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        // Two environments of one namespace may cite the same fact; a conflicting restatement is a mistake.
        if (
          earlier.description !== entry.description ||
          earlier.status !== entry.status ||
          earlier.source !== entry.source
        ) {
          throw new EnvironmentSpecError(
            `environment '${env.name}' states assumption '${a.name}' twice with different content; give the two different names or make them identical`,
            env.name,
          )
        }
        continue
      }
      seen.set(key, entry)
      out.push(entry)
    }
  }
  return out
}

/**
 * Renders residual obligations for a terminal, one block per assumption:
 *
 * ```text
 * [unverified] k8s/graceful-termination
 *     An evicted pod gets SIGTERM and its grace period before SIGKILL
 *     Source: Kubernetes documentation, "Pod Lifecycle"
 * ```
 */
export function formatAssumptions(assumptions: readonly EnvironmentAssumption[]): string {
  return assumptions
    .map((a) => {
      const lines = [`[${a.status}] ${a.environment}/${a.name}`, `    ${a.description}`]
      if (a.source !== undefined) lines.push(`    Source: ${a.source}`)
      return lines.join('\n')
    })
    .join('\n')
}
