/**
 * Composition: a model built from components (processes or roles, each with its own slice of
 * state and its own actions, instantiated once per id) and the channels and other state they
 * share. The result is an ordinary `Model` for `check`, `checkLiveness`, symmetry and refinement.
 *
 * Crash and recovery: a component declared crashable gets generated `crash` and `restart`
 * actions. A crash loses the instance's volatile fields (they return to their initial values)
 * and keeps its durable ones; while down the instance takes no step and receives nothing.
 *
 * The composed state is a plain record: one entry per component (`{ [id]: slice }`), one per
 * channel and shared field, and, when some component is crashable, `down` (the ids that are down,
 * as `{ [id]: true }`) and `crashes` (crashes so far per component with a `maxCrashes`). Ids are
 * keys and string values there, so `symmetricIds(ids)` permutes them everywhere.
 *
 * @module
 */
import { ModelDefinitionError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { type Action, action } from './action.ts'
import type { Channel, ChannelValue, Envelope, MessageOf } from './channel.ts'
import { defineModel, type Model } from './model.ts'

/** The keys of `G` that hold channel values. */
export type ChannelKeys<G> = {
  [K in keyof G]-?: G[K] extends ChannelValue<unknown> | undefined ? K : never
}[keyof G] &
  string

/** The messages of every channel of `G`. */
export type AnyMessage<G> = MessageOf<G[ChannelKeys<G>]>

/**
 * The state of a composed model: the shared fields `G` (channels and the rest) plus one record
 * per component (`s[component.name][id]`; read it with `component.of(s, id)`).
 */
export type Composed<G> = Readonly<G> & { readonly [key: string]: unknown }

/** What a component's guard sees besides its own slice. */
export interface ComponentView<G> {
  /** The instance's id. */
  readonly id: string
  /** The whole composed state (shared fields, other components). */
  readonly state: Composed<G>
}

/**
 * What a component's effect may do besides returning its new slice: send on the shared
 * channels and change other shared fields. Changes take effect in the successor, in order.
 */
export interface ComponentContext<G> extends ComponentView<G> {
  /** Sends `msg` from this instance to `to` on channel `channel` (a key of the shared state). */
  send<K extends ChannelKeys<G>>(channel: K, to: string, msg: MessageOf<G[K]>): void
  /** Sends `msg` from this instance to each of `to`. */
  broadcast<K extends ChannelKeys<G>>(channel: K, to: Iterable<string>, msg: MessageOf<G[K]>): void
  /** Sets a shared field. */
  set<K extends keyof G & string>(key: K, value: G[K]): void
  /** For `receive`: the key of the channel the message came on (undefined elsewhere). */
  readonly channel: string | undefined
}

/** A step one instance of a component can take; build it with {@link localAction}. */
export interface LocalAction<L, G> {
  /** Tells a local action from a model's `Action`. */
  readonly kind: 'local'
  /** Its name; an instance is labelled `name(id)` or `name(id, p)`. */
  readonly name: string
  /** Parameters beyond the id (absent: one instance per id, labelled `name(id)`). */
  readonly domain?: (self: L, view: ComponentView<G>) => Iterable<unknown>
  /** Whether the instance can take the step (`p` is undefined without a domain). */
  readonly guard: (self: L, view: ComponentView<G>, p: unknown) => boolean
  /** The instance's new slice; sends go through `ctx`. */
  readonly effect: (self: L, ctx: ComponentContext<G>, p: unknown) => L
}

/** The signature of {@link localAction}: a function with an `each` variant. */
export interface LocalActionBuilder {
  /**
   * A step of each instance: when `guard(self, view)` holds, the successor has the instance's
   * slice replaced by `effect(self, ctx)` (plus what the effect sent). Labelled `name(id)`.
   */
  <L, G = Record<string, never>>(
    name: string,
    guard: (self: L, view: ComponentView<G>) => boolean,
    effect: (self: L, ctx: ComponentContext<G>) => L,
  ): LocalAction<L, G>
  /** A family of steps per instance, one per `p` in `domain(self, view)`: labelled `name(id, p)`. */
  each<L, G, P>(
    name: string,
    domain: (self: L, view: ComponentView<G>) => Iterable<P>,
    guard: (self: L, view: ComponentView<G>, p: P) => boolean,
    effect: (self: L, ctx: ComponentContext<G>, p: P) => L,
  ): LocalAction<L, G>
}

function requireFn(what: string, f: unknown): void {
  if (typeof f !== 'function') {
    throw new ModelDefinitionError(`${what} must be a function, got ${typeof f}`)
  }
}

function localSingle<L, G>(
  name: string,
  guard: (self: L, view: ComponentView<G>) => boolean,
  effect: (self: L, ctx: ComponentContext<G>) => L,
): LocalAction<L, G> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ModelDefinitionError(
      `localAction: name must be a non-empty string, got ${formatValue(name)}`,
    )
  }
  requireFn(`localAction '${name}': guard`, guard)
  requireFn(`localAction '${name}': effect`, effect)
  return Object.freeze({ kind: 'local', name, guard, effect })
}

function localEach<L, G, P>(
  name: string,
  domain: (self: L, view: ComponentView<G>) => Iterable<P>,
  guard: (self: L, view: ComponentView<G>, p: P) => boolean,
  effect: (self: L, ctx: ComponentContext<G>, p: P) => L,
): LocalAction<L, G> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ModelDefinitionError(
      `localAction.each: name must be a non-empty string, got ${formatValue(name)}`,
    )
  }
  requireFn(`localAction.each '${name}': domain`, domain)
  requireFn(`localAction.each '${name}': guard`, guard)
  requireFn(`localAction.each '${name}': effect`, effect)
  return Object.freeze({
    kind: 'local',
    name,
    domain,
    guard: guard as LocalAction<L, G>['guard'],
    effect: effect as LocalAction<L, G>['effect'],
  })
}

/** Builds component actions; see {@link LocalActionBuilder}. */
export const localAction: LocalActionBuilder = Object.assign(localSingle, { each: localEach })

/** How a crashable component fails and recovers (the `crash` of a {@link ComponentSpec}). */
export interface CrashOptions<L, G> {
  /**
   * The fields of the slice that survive a crash (on disk); every other field is volatile and
   * returns to its initial value. Default: none (everything is lost).
   */
  durable?: readonly (keyof L & string)[]
  /** Most crashes of this component's instances, together, in one behaviour (default unbounded). */
  maxCrashes?: number
  /** Whether a crashed instance can restart (default true); `false` is crash-stop. */
  restart?: boolean
  /** Runs at restart, on the slice with durable fields kept: recovery (re-send a logged decision). */
  recover?: (self: L, ctx: ComponentContext<G>) => L
}

/** The keys {@link CrashOptions} may have. */
export const CRASH_OPTION_KEYS: readonly OptionKey<CrashOptions<unknown, unknown>>[] = keyList<
  CrashOptions<unknown, unknown>
>()(['durable', 'maxCrashes', 'restart', 'recover'])

/** What {@link component} accepts. */
export interface ComponentSpec<L, G> {
  /** The key of the component's record in the composed state; names it in errors. */
  name: string
  /** One instance per id; ids are unique across the components of a model. */
  ids: readonly string[]
  /** An instance's initial slice, or a function of its id. */
  init: L | ((id: string) => L)
  /** The steps each instance can take. */
  actions?: readonly LocalAction<L, G>[]
  /**
   * What an instance does with a message delivered to it (any shared channel): its new slice.
   * `ctx.channel` names the channel.
   */
  receive?: (self: L, env: Envelope<AnyMessage<G>>, ctx: ComponentContext<G>) => L
  /** Whether an instance takes a message now (default: whenever it is up). */
  accepts?: (self: L, env: Envelope<AnyMessage<G>>, view: ComponentView<G>) => boolean
  /** Makes the component crashable; see {@link CrashOptions}. */
  crash?: CrashOptions<L, G>
}

/** The keys {@link ComponentSpec} may have. */
export const COMPONENT_SPEC_KEYS: readonly OptionKey<ComponentSpec<unknown, unknown>>[] = keyList<
  ComponentSpec<unknown, unknown>
>()(['name', 'ids', 'init', 'actions', 'receive', 'accepts', 'crash'])

/** A component: its spec, and readers of its instances in a composed state. */
export interface Component<L, G> {
  /** The key of its record in the composed state. */
  readonly name: string
  /** Its instances. */
  readonly ids: readonly string[]
  /** What it was declared with. */
  readonly spec: ComponentSpec<L, G>
  /** The initial slice of instance `id`. */
  initial(id: string): L
  /** The slice of instance `id` in composed state `s`. */
  of(s: Composed<G>, id: string): L
  /** Every instance's slice in `s`, by id. */
  all(s: Composed<G>): Readonly<Record<string, L>>
  /** Whether instance `id` is up in `s` (always, for a component that cannot crash). */
  isUp(s: Composed<G>, id: string): boolean
}

const RESERVED = ['down', 'crashes']

/**
 * Declares a component: a role instantiated once per id, with its own slice of state.
 *
 * @example
 * type G = { net: ChannelValue<string> }
 * const pinger = component<{ sent: boolean }, G>({
 *   name: 'pinger',
 *   ids: ['a'],
 *   init: { sent: false },
 *   actions: [
 *     localAction<{ sent: boolean }, G>('ping', (self) => !self.sent, (self, ctx) => {
 *       ctx.send('net', 'b', 'ping')
 *       return { sent: true }
 *     }),
 *   ],
 * })
 *
 * @throws {OptionsError} on an unknown key (of the spec or of `crash`).
 * @throws {ModelDefinitionError} on a missing name, no ids, duplicate ids, a non-function hook,
 *   a `maxCrashes` that is not a positive integer, or a durable field the initial slice lacks.
 */
export function component<L, G = Record<string, never>>(
  spec: ComponentSpec<L, G>,
): Component<L, G> {
  checkOptions(spec, 'component()', COMPONENT_SPEC_KEYS)
  const { name } = spec
  if (typeof name !== 'string' || name.length === 0) {
    throw new ModelDefinitionError(
      `component(): name must be a non-empty string, got ${formatValue(name)}`,
    )
  }
  if (RESERVED.includes(name)) {
    throw new ModelDefinitionError(
      `component '${name}': '${name}' is a key of the composed state musil keeps; rename the component`,
    )
  }
  const ids = spec.ids
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.some((id) => typeof id !== 'string' || id === '')
  ) {
    throw new ModelDefinitionError(
      `component '${name}': ids must be a non-empty array of non-empty strings, got ${formatValue(ids)}`,
    )
  }
  if (new Set(ids).size !== ids.length) {
    throw new ModelDefinitionError(
      `component '${name}': ids must be distinct, got ${ids.join(', ')}`,
    )
  }
  if (!('init' in spec) || spec.init === undefined) {
    throw new ModelDefinitionError(
      `component '${name}': missing 'init' (a slice, or (id) => slice)`,
    )
  }
  for (const key of ['receive', 'accepts'] as const) {
    if (spec[key] !== undefined) requireFn(`component '${name}': ${key}`, spec[key])
  }
  const actions = spec.actions ?? []
  if (!Array.isArray(actions)) {
    throw new ModelDefinitionError(
      `component '${name}': actions must be an array of localAction(...)`,
    )
  }
  actions.forEach((a, i) => {
    if (a === null || typeof a !== 'object' || a.kind !== 'local') {
      throw new ModelDefinitionError(
        `component '${name}': actions[${i}] is not built with localAction(...) or localAction.each(...)`,
      )
    }
  })
  const init = spec.init
  const initial =
    typeof init === 'function' ? (id: string) => (init as (id: string) => L)(id) : () => init as L
  if (spec.crash !== undefined) {
    const crash = spec.crash
    checkOptions(crash, `component '${name}' crash`, CRASH_OPTION_KEYS)
    if (
      crash.maxCrashes !== undefined &&
      !(Number.isInteger(crash.maxCrashes) && crash.maxCrashes > 0)
    ) {
      throw new ModelDefinitionError(
        `component '${name}': crash.maxCrashes must be a positive integer, got ${formatValue(crash.maxCrashes)}`,
      )
    }
    if (crash.recover !== undefined) requireFn(`component '${name}': crash.recover`, crash.recover)
    const durable = crash.durable ?? []
    if (!Array.isArray(durable)) {
      throw new ModelDefinitionError(
        `component '${name}': crash.durable must be an array of field names`,
      )
    }
    for (const id of ids) {
      const slice = initial(id)
      if (typeof slice !== 'object' || slice === null || Array.isArray(slice)) {
        throw new ModelDefinitionError(
          `component '${name}': a crashable component's slice must be a record of fields (durable and volatile), got ${formatValue(slice)}`,
        )
      }
      for (const f of durable) {
        if (!Object.hasOwn(slice, f)) {
          throw new ModelDefinitionError(
            `component '${name}': durable field '${String(f)}' is not a field of the initial slice of ${id}`,
          )
        }
      }
    }
  }
  const records = (s: Composed<G>) => s[name] as Readonly<Record<string, L>>
  return Object.freeze({
    name,
    ids: [...ids],
    spec,
    initial,
    of: (s: Composed<G>, id: string) => records(s)[id] as L,
    all: records,
    isUp: (s: Composed<G>, id: string) =>
      spec.crash === undefined || !Object.hasOwn((s.down as object | undefined) ?? {}, id),
  })
}

/** What {@link compose} accepts. */
export interface ComposeSpec<G> {
  /** Optional name, used in errors and reports. */
  name?: string
  /** The components; their ids must be distinct across all of them. */
  components: readonly Component<any, G>[]
  /**
   * The shared channels, by the key that holds them in the state: each starts empty, and its
   * generated actions deliver to the receiving component's `receive` (and lose, duplicate).
   */
  channels?: { readonly [K in ChannelKeys<G>]?: Channel<MessageOf<G[K]>> }
  /** Initial values of the shared fields that are not channels. */
  shared?: Partial<G>
  /** Actions over the whole state besides the components' (an environment, a client). */
  actions?: readonly Action<Composed<G>>[]
  /** As in `defineModel`. */
  invariants?: Record<string, (s: Composed<G>) => boolean>
  terminal?: (s: Composed<G>) => boolean
  constraint?: (s: Composed<G>) => boolean
  symmetry?: (s: Composed<G>) => Composed<G>
  view?: (s: Composed<G>) => unknown
}

/** The keys {@link ComposeSpec} may have. */
export const COMPOSE_SPEC_KEYS: readonly OptionKey<ComposeSpec<unknown>>[] = keyList<
  ComposeSpec<unknown>
>()([
  'name',
  'components',
  'channels',
  'shared',
  'actions',
  'invariants',
  'terminal',
  'constraint',
  'symmetry',
  'view',
])

type AnyComponent<G> = Component<unknown, G>

/** What an effect's context needs to know of the model it runs in. */
interface Composition {
  readonly modelName: string
  readonly channels: Readonly<Record<string, Channel<unknown>>>
  readonly names: ReadonlySet<string>
}

/**
 * The context of one effect: the changes it makes to shared fields, in order. A class rather than
 * a literal of closures, because one is made per effect and per delivery.
 */
class EffectContext<G> implements ComponentContext<G> {
  /** Shared fields the effect changed, by key (undefined while it changed none). */
  pending: Record<string, unknown> | undefined = undefined
  readonly id: string
  readonly state: Composed<G>
  readonly channel: string | undefined
  readonly #where: Composition
  readonly #component: string

  constructor(
    where: Composition,
    component: string,
    id: string,
    state: Composed<G>,
    channel: string | undefined,
  ) {
    this.#where = where
    this.#component = component
    this.id = id
    this.state = state
    this.channel = channel
  }

  #current(key: string): ChannelValue<unknown> {
    const p = this.pending
    return (
      p !== undefined && Object.hasOwn(p, key) ? p[key] : this.state[key]
    ) as ChannelValue<unknown>
  }

  #channel(key: string): Channel<unknown> {
    const ch = this.#where.channels[key]
    if (ch === undefined) {
      throw new ModelDefinitionError(
        `${this.#where.modelName}: ${this.#component} ${this.id} sends on '${key}', which is not a channel of the model (channels: ${Object.keys(this.#where.channels).join(', ') || 'none'})`,
      )
    }
    return ch
  }

  send<K extends ChannelKeys<G>>(key: K, to: string, msg: MessageOf<G[K]>): void {
    const next = this.#channel(key).send(this.#current(key), this.id, to, msg)
    this.pending ??= {}
    this.pending[key] = next
  }

  broadcast<K extends ChannelKeys<G>>(key: K, to: Iterable<string>, msg: MessageOf<G[K]>): void {
    const next = this.#channel(key).broadcast(this.#current(key), this.id, to, msg)
    this.pending ??= {}
    this.pending[key] = next
  }

  set<K extends keyof G & string>(key: K, value: G[K]): void {
    const { channels, names, modelName } = this.#where
    if (
      Object.hasOwn(channels, key) ||
      !Object.hasOwn(this.state, key) ||
      names.has(key) ||
      RESERVED.includes(key)
    ) {
      throw new ModelDefinitionError(
        `${modelName}: ${this.#component} ${this.id} sets '${key}', which is not a shared field (declare it in compose({ shared }))`,
      )
    }
    this.pending ??= {}
    this.pending[key] = value
  }
}

/**
 * Builds a model from components and shared channels. Its actions, in order: each component's
 * actions (an `action.each` over its ids that are up, labelled `name(id)` or `name(id, p)`), the
 * extra `actions`, each channel's `deliver` / `lose` / `duplicate`, then `crash(id)` and
 * `restart(id)` when a component is crashable. Action names must be unique across components.
 *
 * Fairness names a component's action for every instance at once (`fair: ['vote']`: each
 * `vote(p)` on its own) or one instance by its label (`fair: ['vote(p1)']`).
 *
 * @example
 * const model = compose<G>({ components: [pinger, ponger], channels: { net }, invariants })
 *
 * @throws {OptionsError} on an unknown key.
 * @throws {ModelDefinitionError} on no components, an id in two components, two unnamed
 *   channels, a shared key that clashes with a component's name, or whatever `defineModel`
 *   rejects (duplicate action names).
 */
export function compose<G>(spec: ComposeSpec<G>): Model<Composed<G>> {
  checkOptions(spec, 'compose()', COMPOSE_SPEC_KEYS)
  const modelName = spec.name ?? 'composed'
  const components = spec.components as readonly AnyComponent<G>[]
  if (!Array.isArray(components) || components.length === 0) {
    throw new ModelDefinitionError(`${modelName}: compose() needs at least one component`)
  }
  const owner = new Map<string, AnyComponent<G>>()
  const names = new Set<string>()
  for (const c of components) {
    if (c === null || typeof c !== 'object' || typeof c.of !== 'function') {
      throw new ModelDefinitionError(`${modelName}: components must be built with component(...)`)
    }
    if (names.has(c.name)) {
      throw new ModelDefinitionError(`${modelName}: two components are named '${c.name}'`)
    }
    names.add(c.name)
    for (const id of c.ids) {
      const other = owner.get(id)
      if (other !== undefined) {
        throw new ModelDefinitionError(
          `${modelName}: id '${id}' belongs to components '${other.name}' and '${c.name}'; ids must be distinct across components`,
        )
      }
      owner.set(id, c)
    }
  }
  const channels = (spec.channels ?? {}) as Record<string, Channel<unknown>>
  const shared = (spec.shared ?? {}) as Record<string, unknown>
  const crashable = components.filter((c) => c.spec.crash !== undefined)
  const bounded = crashable.filter((c) => c.spec.crash!.maxCrashes !== undefined)
  const taken = new Set<string>([...names, ...(crashable.length > 0 ? RESERVED : [])])
  for (const key of [...Object.keys(channels), ...Object.keys(shared)]) {
    if (taken.has(key)) {
      throw new ModelDefinitionError(
        `${modelName}: shared key '${key}' clashes with a component's name or a key musil keeps (${RESERVED.join(', ')}); rename it`,
      )
    }
  }
  const byActionName = new Map<string, string>()
  for (const [key, ch] of Object.entries(channels)) {
    const other = byActionName.get(ch.actionNames.deliver)
    if (other !== undefined) {
      throw new ModelDefinitionError(
        `${modelName}: channels '${other}' and '${key}' both generate '${ch.actionNames.deliver}'; name each channel (channel({ name: '${key}' })) so their actions are told apart`,
      )
    }
    byActionName.set(ch.actionNames.deliver, key)
  }
  for (const key of Object.keys(shared)) {
    if (Object.hasOwn(channels, key)) {
      throw new ModelDefinitionError(`${modelName}: '${key}' is both a channel and a shared field`)
    }
  }

  const init: Record<string, unknown> = {}
  for (const c of components) {
    init[c.name] = Object.fromEntries(c.ids.map((id: string) => [id, c.initial(id)]))
  }
  for (const [key, ch] of Object.entries(channels)) init[key] = ch.empty()
  Object.assign(init, shared)
  if (crashable.length > 0) init.down = {}
  if (bounded.length > 0) init.crashes = Object.fromEntries(bounded.map((c) => [c.name, 0]))

  type S = Composed<G>
  const view = (s: S, id: string): ComponentView<G> => ({ id, state: s })
  const isDown = (s: S, id: string): boolean => Object.hasOwn(s.down as object, id)

  const where: Composition = { modelName, channels, names }
  /** Runs `f` as instance `id` of `c`: its result replaces the slice; sends apply in order. */
  const run = (
    s: S,
    c: AnyComponent<G>,
    id: string,
    via: string | undefined,
    f: (self: unknown, ctx: ComponentContext<G>) => unknown,
    extra?: Record<string, unknown>,
  ): S => {
    const ctx = new EffectContext<G>(where, c.name, id, s, via)
    const next = f((s[c.name] as Record<string, unknown>)[id], ctx)
    return {
      ...s,
      ...ctx.pending,
      ...extra,
      [c.name]: { ...(s[c.name] as object), [id]: next },
    } as S
  }

  const actions: Action<S>[] = []
  for (const c of components) {
    const up =
      c.spec.crash === undefined
        ? () => c.ids
        : (s: S) => c.ids.filter((id: string) => !isDown(s, id))
    const slice = (s: S, id: string) => (s[c.name] as Record<string, unknown>)[id]
    for (const a of c.spec.actions ?? []) {
      const la = a as LocalAction<unknown, G>
      const domain = la.domain
      if (domain === undefined) {
        actions.push(
          action.each<S, string>(
            la.name,
            up,
            (s, id) => la.guard(slice(s, id), view(s, id), undefined),
            (s, id) => run(s, c, id, undefined, (self, ctx) => la.effect(self, ctx, undefined)),
          ),
        )
      } else {
        actions.push(
          action.each<S, readonly [string, unknown]>(
            la.name,
            (s) => {
              const out: (readonly [string, unknown])[] = []
              for (const id of up(s))
                for (const p of domain(slice(s, id), view(s, id))) out.push([id, p])
              return out
            },
            (s, [id, p]) => la.guard(slice(s, id), view(s, id), p),
            (s, [id, p]) => run(s, c, id, undefined, (self, ctx) => la.effect(self, ctx, p)),
          ),
        )
      }
    }
  }
  actions.push(...((spec.actions ?? []) as Action<S>[]))

  const receiver = (env: Envelope<unknown>, key: string): AnyComponent<G> => {
    const c = owner.get(env.to)
    if (c === undefined) {
      throw new ModelDefinitionError(
        `${modelName}: a message on '${key}' is addressed to '${env.to}', which is no component's id (ids: ${[...owner.keys()].join(', ')})`,
      )
    }
    if (c.spec.receive === undefined) {
      throw new ModelDefinitionError(
        `${modelName}: a message on '${key}' is addressed to ${c.name} ${env.to}, but component '${c.name}' has no receive`,
      )
    }
    return c
  }
  for (const [key, ch] of Object.entries(channels)) {
    actions.push(
      ...ch.actions<S>({
        at: key as keyof S & string,
        accept: (s, env) => {
          const c = receiver(env, key)
          if (c.spec.crash !== undefined && isDown(s, env.to)) return false
          const accepts = c.spec.accepts
          return accepts === undefined || accepts(c.of(s, env.to), env as never, view(s, env.to))
        },
        deliver: (s, env) => {
          const c = receiver(env, key)
          return run(s, c, env.to, key, (self, ctx) => c.spec.receive!(self, env as never, ctx))
        },
      }),
    )
  }

  if (crashable.length > 0) {
    const crashIds = crashable.flatMap((c) => c.ids)
    const restartable = new Set(
      crashable.filter((c) => c.spec.crash!.restart !== false).flatMap((c) => c.ids),
    )
    actions.push(
      action.each<S, string>(
        'crash',
        (s) => crashIds.filter((id) => !isDown(s, id)),
        (s, id) => {
          const max = owner.get(id)!.spec.crash!.maxCrashes
          return (
            max === undefined || (s.crashes as Record<string, number>)[owner.get(id)!.name]! < max
          )
        },
        (s, id) => {
          const c = owner.get(id)!
          const crash = c.spec.crash!
          const self = c.of(s, id) as Record<string, unknown>
          // Volatile fields return to their initial values at once: nobody can read them while
          // the instance is down, and resetting now keeps equal down states equal.
          const fresh: Record<string, unknown> = { ...(c.initial(id) as Record<string, unknown>) }
          for (const f of crash.durable ?? []) fresh[f] = self[f]
          const next: Record<string, unknown> = {
            ...s,
            [c.name]: { ...(s[c.name] as object), [id]: fresh },
            down: { ...(s.down as object), [id]: true },
          }
          if (crash.maxCrashes !== undefined) {
            const crashes = s.crashes as Record<string, number>
            next.crashes = { ...crashes, [c.name]: crashes[c.name]! + 1 }
          }
          return next as S
        },
      ),
      action.each<S, string>(
        'restart',
        (s) => Object.keys(s.down as object).filter((id) => restartable.has(id)),
        () => true,
        (s, id) => {
          const c = owner.get(id)!
          const { [id]: _up, ...down } = s.down as Record<string, true>
          const recover = c.spec.crash!.recover
          if (recover === undefined) return { ...s, down } as S
          return run(s, c, id, undefined, (self, ctx) => recover(self, ctx), { down })
        },
      ),
    )
  }

  return defineModel<S>({
    name: modelName,
    init: init as S,
    actions,
    ...(spec.invariants && { invariants: spec.invariants }),
    ...(spec.terminal && { terminal: spec.terminal }),
    ...(spec.constraint && { constraint: spec.constraint }),
    ...(spec.symmetry && { symmetry: spec.symmetry }),
    ...(spec.view && { view: spec.view }),
  })
}
