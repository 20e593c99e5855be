/**
 * Actions: the guarded transitions of a model. An action is a plain value; `check` enumerates
 * its enabled instances at every state.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { formatParam, formatValue } from '../render/value.ts'

/** An action without parameters: one successor when its guard holds. */
export interface SingleAction<S> {
  readonly kind: 'single'
  /** Name shown in traces, used in `fair` lists. */
  readonly name: string
  readonly guard: (s: S) => boolean
  readonly effect: (s: S) => S
}

/** A parameterised action: one successor per parameter value whose guard holds. */
export interface EachAction<S, P = any> {
  readonly kind: 'each'
  /** Name shown in traces; an instance is labelled `name(p)`. */
  readonly name: string
  readonly domain: (s: S) => Iterable<P>
  readonly guard: (s: S, p: P) => boolean
  readonly effect: (s: S, p: P) => S
  /**
   * How an instance is labelled in traces, fairness and errors, instead of `name(p)`: e.g. a
   * channel's delivery reads `n1 → n2 vote(term 2)`. Instances with equal labels count as one
   * instance for fairness.
   */
  readonly label?: (p: P) => string
}

/** Options of {@link ActionBuilder.each}. */
export interface EachActionOptions<P> {
  /** Labels an instance instead of `name(p)` (see {@link EachAction.label}). */
  label?: (p: P) => string
}

/** The keys {@link EachActionOptions} may have. */
export const EACH_ACTION_OPTION_KEYS: readonly OptionKey<EachActionOptions<unknown>>[] = keyList<
  EachActionOptions<unknown>
>()(['label'])

/** A guarded transition of a model, built with {@link action} or {@link action.each}. */
export type Action<S> = SingleAction<S> | EachAction<S, any>

/** The signature of {@link action}: a function with an `each` variant. */
export interface ActionBuilder {
  /**
   * A guarded transition: when `guard(s)` holds, `effect(s)` is a successor of `s`.
   * The effect must return a new state and leave `s` untouched.
   *
   * @example
   * const fillBig = action<Jugs>('FillBig', (s) => s.big < 5, (s) => ({ ...s, big: 5 }))
   */
  <S>(name: string, guard: (s: S) => boolean, effect: (s: S) => S): Action<S>
  /**
   * A family of transitions, one per parameter value: for every `p` in `domain(s)` with
   * `guard(s, p)`, `effect(s, p)` is a successor labelled `name(p)`. Naming the action in
   * `fair` makes every instance fair on its own. `options.label` renders an instance's label
   * instead of `name(p)`.
   *
   * @example
   * const eat = action.each<Table, number>('eat', () => [0, 1, 2], (s, i) => s.hungry[i], eatEffect)
   */
  each<S, P>(
    name: string,
    domain: (s: S) => Iterable<P>,
    guard: (s: S, p: P) => boolean,
    effect: (s: S, p: P) => S,
    options?: EachActionOptions<P>,
  ): Action<S>
}

function single<S>(name: string, guard: (s: S) => boolean, effect: (s: S) => S): Action<S> {
  requireName(name)
  requireFunction(name, 'guard', guard)
  requireFunction(name, 'effect', effect)
  return Object.freeze({ kind: 'single', name, guard, effect })
}

function each<S, P>(
  name: string,
  domain: (s: S) => Iterable<P>,
  guard: (s: S, p: P) => boolean,
  effect: (s: S, p: P) => S,
  options: EachActionOptions<P> = {},
): Action<S> {
  requireName(name)
  checkOptions(options, `action.each('${name}')`, EACH_ACTION_OPTION_KEYS)
  requireFunction(name, 'domain', domain)
  requireFunction(name, 'guard', guard)
  requireFunction(name, 'effect', effect)
  const label = options.label
  if (label !== undefined) requireFunction(name, 'label', label)
  return Object.freeze({ kind: 'each', name, domain, guard, effect, ...(label && { label }) })
}

/** Builds actions; see {@link ActionBuilder}. */
export const action: ActionBuilder = Object.assign(single, { each })

/** The label of one instance of an action: `name`, `name(p)`, or the action's own `label(p)`. */
export function instanceLabel(a: Action<unknown>, param?: unknown): string {
  if (a.kind === 'single') return a.name
  if (a.label !== undefined) return a.label(param)
  return `${a.name}(${formatParam(param)})`
}

function requireName(name: unknown): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`action name must be a non-empty string, got ${formatValue(name)}`)
  }
}

function requireFunction(name: string, role: string, f: unknown): void {
  if (typeof f !== 'function') {
    throw new TypeError(`action '${name}': ${role} must be a function, got ${typeof f}`)
  }
}
