/**
 * `defineModel`: a protocol as a state machine of immutable states, guarded actions and
 * invariants, validated once up front so that misuse fails with a clear message.
 *
 * @module
 */
import { ModelDefinitionError } from '../errors.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { Action } from './action.ts'

/** What {@link defineModel} accepts. */
export interface ModelSpec<S> {
  /** Optional name, used in error messages and reports. */
  name?: string
  /**
   * One initial state, or an array of initial states. A model whose state is itself an array
   * must always pass an array of initial states.
   */
  init: S | readonly S[]
  /** The transitions. Every enabled instance of every action yields one successor. */
  actions: readonly Action<S>[]
  /** Named predicates that must hold in every reachable state. */
  invariants?: Record<string, (s: S) => boolean>
  /** States allowed to have no successor: reaching one is not a deadlock. */
  terminal?: (s: S) => boolean
  /**
   * TLC's CONSTRAINT: a successor failing it is counted as generated but neither stored nor
   * explored. Use it to bound an infinite model; it makes liveness results unsound.
   */
  constraint?: (s: S) => boolean
  /** Canonical representative of a state's symmetry orbit (see `symmetricIds`). */
  symmetry?: (s: S) => S
  /** TLC's VIEW: what the fingerprint sees. States with equal views are merged. */
  view?: (s: S) => unknown
}

/** A validated model; build it with {@link defineModel}. */
export interface Model<S> {
  readonly name: string
  /** Initial states, always as a list. */
  readonly init: readonly S[]
  readonly actions: readonly Action<S>[]
  readonly invariants: Readonly<Record<string, (s: S) => boolean>>
  readonly terminal?: (s: S) => boolean
  readonly constraint?: (s: S) => boolean
  readonly symmetry?: (s: S) => S
  readonly view?: (s: S) => unknown
}

/** The keys a {@link ModelSpec} may have: anything else is a typo `defineModel` rejects. */
export const MODEL_SPEC_KEYS: readonly OptionKey<ModelSpec<unknown>>[] = keyList<
  ModelSpec<unknown>
>()(['name', 'init', 'actions', 'invariants', 'terminal', 'constraint', 'symmetry', 'view'])

const MODEL_BRAND = Symbol.for('musil.model')

/**
 * Defines a model: states are immutable values (plain objects, arrays, Map, Set, primitives,
 * bigint); every action returns a new state.
 *
 * @example
 * const jugs = defineModel({
 *   init: { big: 0, small: 0 },
 *   actions: [action('FillBig', (s) => s.big < 5, (s) => ({ ...s, big: 5 }))],
 *   invariants: { notFour: (s) => s.big !== 4 },
 * })
 *
 * @throws {ModelDefinitionError} when the spec is malformed (no initial state, no actions,
 *   an action not built with `action()`, duplicate action names, a non-function invariant).
 * @throws {OptionsError} when the spec is not an object or has a key a model does not have
 *   (`invariant` for `invariants`): such a typo would otherwise check nothing.
 */
export function defineModel<S>(spec: ModelSpec<S>): Model<S> {
  checkOptions(spec, 'defineModel()', MODEL_SPEC_KEYS)
  const name = spec.name ?? 'model'
  if (!('init' in spec) || spec.init === undefined) {
    throw new ModelDefinitionError(
      `${name}: missing 'init': give one initial state or an array of them`,
    )
  }
  const init = Array.isArray(spec.init) ? [...(spec.init as readonly S[])] : [spec.init as S]
  if (init.length === 0) {
    throw new ModelDefinitionError(
      `${name}: 'init' is an empty array, so the model has no initial state; give at least one (a model whose state is an array must wrap it: init: [[...]])`,
    )
  }
  if (!Array.isArray(spec.actions)) {
    throw new ModelDefinitionError(`${name}: 'actions' must be an array of action(...) values`)
  }
  const seen = new Set<string>()
  spec.actions.forEach((a, i) => {
    const ok =
      a !== null &&
      typeof a === 'object' &&
      typeof a.name === 'string' &&
      (a.kind === 'single' || a.kind === 'each') &&
      typeof a.guard === 'function' &&
      typeof a.effect === 'function'
    if (!ok) {
      throw new ModelDefinitionError(
        `${name}: actions[${i}] is not an action; build it with action(name, guard, effect) or action.each(name, domain, guard, effect)`,
      )
    }
    if (seen.has(a.name)) {
      throw new ModelDefinitionError(
        `${name}: two actions are named '${a.name}'; action names must be unique (they label traces and fairness)`,
      )
    }
    seen.add(a.name)
  })
  const invariants = spec.invariants ?? {}
  for (const [k, f] of Object.entries(invariants)) {
    if (typeof f !== 'function') {
      throw new ModelDefinitionError(
        `${name}: invariant '${k}' must be a function (s) => boolean, got ${typeof f}`,
      )
    }
  }
  for (const key of ['terminal', 'constraint', 'symmetry', 'view'] as const) {
    const f = spec[key]
    if (f !== undefined && typeof f !== 'function') {
      throw new ModelDefinitionError(`${name}: '${key}' must be a function, got ${typeof f}`)
    }
  }
  const model: Model<S> = {
    name,
    init,
    actions: [...spec.actions],
    invariants: { ...invariants },
    ...(spec.terminal && { terminal: spec.terminal }),
    ...(spec.constraint && { constraint: spec.constraint }),
    ...(spec.symmetry && { symmetry: spec.symmetry }),
    ...(spec.view && { view: spec.view }),
  }
  Object.defineProperty(model, MODEL_BRAND, { value: true })
  return Object.freeze(model)
}

/** True when `x` was built by {@link defineModel} (in any copy of the package). */
export function isModel(x: unknown): x is Model<unknown> {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[MODEL_BRAND] === true
}
