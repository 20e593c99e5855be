/**
 * Models built from the code's own transition table. When a class guards its status changes
 * with a table such as `{ pending: ['running'], running: ['stopped'], stopped: [] }`, building
 * the model's actions from that same object means the model cannot drift from the code: add a
 * transition to the code and the model has it too.
 *
 * @module
 */
import { TransitionTableError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { type Action, action } from './action.ts'

/**
 * A transition table: each state lists the states it may move to (`[]` for a state with no way
 * out). Every target must have an entry of its own. Declare it `as const` so that its states are
 * literal types.
 *
 * @example
 * const transitions = {
 *   pending: ['running', 'failed'],
 *   running: ['stopped', 'failed'],
 *   stopped: [],
 *   failed: [],
 * } as const satisfies TransitionTable
 */
export type TransitionTable<T extends string = string> = { readonly [K in T]: readonly T[] }

/** The states of a transition table, as a union of literal types. */
export type StateOf<T> = Extract<keyof T, string>

/** The keys of `S` whose values are strings: the candidates for a status field. */
export type StringFieldOf<S> = { [K in keyof S]-?: S[K] extends string ? K : never }[keyof S]

/**
 * Every state a transition table declares, in the table's order. Validates the table on the way:
 * a target without an entry of its own is an error, because the code would crash looking it up.
 *
 * Use it for invariants ("the status is always a declared state") and for coverage checks
 * ("every declared state is reachable").
 *
 * @example
 * const states = declaredStates(transitions) // ['pending', 'running', 'stopped', 'failed']
 * const model = defineModel<Svc>({
 *   init: { status: 'pending' },
 *   actions: statusFieldActions<Svc>(transitions, { field: 'status' }),
 *   invariants: { declared: (s) => states.includes(s.status) },
 * })
 *
 * @throws {TransitionTableError} when the table is not an object of string arrays, declares no
 *   state, lists a target twice, or names a target that has no entry.
 */
export function declaredStates<const T extends TransitionTable>(table: T): StateOf<T>[] {
  validateTable(table, 'declaredStates()')
  return Object.keys(table) as StateOf<T>[]
}

/** Where the status lives, as a field name: `{ field: 'status' }`. Give the state type explicitly. */
export interface StatusField<S> {
  /** The field of the state holding the status. */
  readonly field: StringFieldOf<S>
}

/** Where the status lives, as accessors: works for nested fields and infers the state type. */
export interface StatusLens<S, St extends string> {
  /** Reads the status from a state. */
  readonly get: (s: S) => St
  /** Returns a copy of `s` with the status set to `to`. */
  readonly set: (s: S, to: St) => S
}

/** Hooks and naming for {@link statusFieldActions}. */
export interface StatusFieldHooks<S, St extends string> {
  /**
   * The action's name (default `transition`, matching a method `transition(to)`); each step is
   * labelled `transition(<to>)`. Naming it in `fair` makes every target fair on its own.
   */
  readonly name?: string
  /** An extra precondition on top of the table, e.g. a retry budget. */
  readonly guard?: (s: S, to: St, from: St) => boolean
  /** Further changes made by the step; receives the state with the status already set. */
  readonly effect?: (s: S, to: St, from: St) => S
}

/** What {@link statusFieldActions} accepts: where the status lives, plus optional hooks. */
export type StatusFieldOptions<S, St extends string> = (StatusField<S> | StatusLens<S, St>) &
  StatusFieldHooks<S, St>

/** The keys {@link StatusFieldOptions} may have: anything else is a typo `statusFieldActions` rejects. */
export const STATUS_FIELD_OPTION_KEYS: readonly OptionKey<StatusFieldOptions<unknown, string>>[] =
  keyList<StatusFieldOptions<unknown, string>>()(['field', 'get', 'set', 'name', 'guard', 'effect'])

/**
 * The actions of a status field driven by a transition table: from a state whose status is
 * `from`, one successor per `to` in `table[from]`, labelled `transition(<to>)`. Pass the very
 * table the code's `transition(to)` method checks, so the model follows the code.
 *
 * @example
 * // The code:
 * export const transitions = { pending: ['running'], running: ['stopped', 'failed'], stopped: [], failed: [] } as const
 * class Service {
 *   status: StateOf<typeof transitions> = 'pending'
 *   transition(to: StateOf<typeof transitions>) {
 *     if (!(transitions[this.status] as readonly string[]).includes(to)) throw new Error(`${this.status} -> ${to}`)
 *     this.status = to
 *   }
 * }
 * // The model, built from the same table:
 * const model = defineModel<Svc>({
 *   init: { status: 'pending', restarts: 0 },
 *   actions: statusFieldActions<Svc>(transitions, { field: 'status' }),
 *   terminal: (s) => s.status === 'stopped',
 * })
 * // Or with accessors (the state type is inferred):
 * statusFieldActions(transitions, { get: (s: Svc) => s.status, set: (s, to) => ({ ...s, status: to }) })
 *
 * @throws {TransitionTableError} when the table is malformed (see {@link declaredStates}) or
 *   the options name neither a field nor accessors.
 * @throws {OptionsError} when the options have a key `statusFieldActions` does not know.
 */
export function statusFieldActions<S, const T extends TransitionTable = TransitionTable>(
  table: T,
  opts: StatusFieldOptions<S, StateOf<T>>,
): Action<S>[] {
  validateTable(table, 'statusFieldActions()')
  if (opts === null || typeof opts !== 'object') {
    throw new TransitionTableError(
      "statusFieldActions(table, opts): opts must say where the status lives: { field: 'status' } or { get, set }",
    )
  }
  checkOptions(opts, 'statusFieldActions()', STATUS_FIELD_OPTION_KEYS)
  type St = StateOf<T>
  const { get, set } = lensOf<S, St>(opts)
  const name = opts.name ?? 'transition'
  const extraGuard = opts.guard
  const extraEffect = opts.effect
  const targets = (s: S): readonly St[] => {
    const from = get(s)
    const next = (table as unknown as Record<string, readonly St[] | undefined>)[from]
    if (!Object.hasOwn(table, from) || next === undefined) {
      throw new TransitionTableError(
        `${name}: the status ${formatValue(from)} is not declared in the transition table (declared: ${Object.keys(table).join(', ')}); the state and the table disagree`,
      )
    }
    return next
  }
  return [
    action.each<S, St>(
      name,
      targets,
      extraGuard ? (s, to) => extraGuard(s, to, get(s)) : () => true,
      extraEffect
        ? (s, to) => {
            const from = get(s)
            return extraEffect(set(s, to), to, from)
          }
        : (s, to) => set(s, to),
    ),
  ]
}

function lensOf<S, St extends string>(opts: StatusFieldOptions<S, St>): StatusLens<S, St> {
  if ('get' in opts || 'set' in opts) {
    const { get, set } = opts as Partial<StatusLens<S, St>>
    if (typeof get !== 'function' || typeof set !== 'function') {
      throw new TransitionTableError(
        'statusFieldActions(): accessors need both get: (s) => status and set: (s, to) => newState',
      )
    }
    return { get, set }
  }
  const field = (opts as Partial<StatusField<S>>).field
  if (typeof field !== 'string' || field === '') {
    throw new TransitionTableError(
      "statusFieldActions(): say where the status lives, either { field: 'status' } or { get: (s) => s.status, set: (s, to) => ({ ...s, status: to }) }",
    )
  }
  return {
    get: (s) => (s as Record<string, St>)[field]!,
    set: (s, to) => ({ ...s, [field]: to }),
  }
}

function validateTable(table: unknown, where: string): asserts table is TransitionTable {
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    throw new TransitionTableError(
      `${where}: the transition table must be an object mapping each state to the states it may move to, e.g. { pending: ['running'], running: [] }; got ${formatValue(table)}`,
    )
  }
  const t = table as Record<string, unknown>
  const states = Object.keys(t)
  if (states.length === 0) {
    throw new TransitionTableError(`${where}: the transition table declares no states`)
  }
  for (const from of states) {
    const targets = t[from]
    if (!Array.isArray(targets)) {
      throw new TransitionTableError(
        `${where}: state '${from}' maps to ${formatValue(targets)}; list the states '${from}' may move to as an array ([] when it has no way out)`,
      )
    }
    const seen = new Set<unknown>()
    for (const to of targets) {
      if (typeof to !== 'string') {
        throw new TransitionTableError(
          `${where}: state '${from}' lists ${formatValue(to)}; targets must be state names (strings)`,
        )
      }
      if (!Object.hasOwn(t, to)) {
        throw new TransitionTableError(
          `${where}: state '${from}' may move to '${to}', which has no entry in the table; add '${to}: [...]' ('${to}: []' if it has no way out) or fix the name, since code looking up '${to}' would fail`,
        )
      }
      if (seen.has(to)) {
        throw new TransitionTableError(`${where}: state '${from}' lists '${to}' twice`)
      }
      seen.add(to)
    }
  }
}
