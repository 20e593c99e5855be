/**
 * Channels for models: message passing as immutable values in a model's state, with the classic
 * semantics (an unordered bag, FIFO per link, a TLA+-style set of sent messages; lossy,
 * duplicating, bounded) and the actions that deliver, lose and duplicate messages generated for
 * the user.
 *
 * Representation, chosen so that a channel needs nothing special from the checker:
 * - `bag` and `set`: a `Set` of envelope objects. Every envelope is its own object, so a Set of
 *   them holds equal messages twice, and the fingerprint of a Set is the sum of its members'
 *   structural hashes: a bag fingerprints as a multiset, whatever the order of insertion, with
 *   no string built on the way. A `set` channel drops a message equal to one it holds.
 * - `fifo`: `{ [from]: { [to]: Envelope[] } }`, one queue per link, no key for an empty link.
 *   Objects fingerprint independently of key order, so this is canonical too.
 * Both survive structured cloning (worker threads) and `symmetricIds` renaming node ids, which
 * renames `from`, `to` and the link keys alike.
 *
 * An envelope carries, under a symbol key (invisible to fingerprints and clones), how it renders:
 * `n1 → n2 vote(term 2)`.
 *
 * @module
 */
import { ChannelError } from '../errors.ts'
import { formatParam, formatValue, RENDER } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { type Action, action } from './action.ts'
import { Fingerprinter } from './fingerprint.ts'

/**
 * How a channel orders and keeps messages:
 * - `bag`: unordered; any message in flight may be delivered next; delivery consumes it.
 * - `fifo`: one queue per link (`from`, `to`); only a link's oldest message may be delivered.
 * - `set`: TLA+'s `msgs` idiom: a message once sent stays deliverable forever (any number of
 *   times) and sending it again changes nothing.
 */
export type ChannelKind = 'bag' | 'fifo' | 'set'

/** A message in flight, with its sender and receiver (node ids). */
export interface Envelope<M> {
  readonly from: string
  readonly to: string
  readonly msg: M
}

/** The value of a `bag` or `set` channel: a Set of envelopes (equal messages may repeat in a bag). */
export type BagValue<M> = ReadonlySet<Envelope<M>>

/** The value of a `fifo` channel: one queue of envelopes per link, oldest first. */
export interface FifoValue<M> {
  readonly [from: string]: { readonly [to: string]: readonly Envelope<M>[] }
}

/** A channel's value, as it lives in a model's state. Build and change it with a {@link Channel}. */
export type ChannelValue<M> = BagValue<M> | FifoValue<M>

/** The message type of a channel value type. */
export type MessageOf<V> = V extends ChannelValue<infer M> ? M : never

/** Options of {@link channel}. */
export interface ChannelOptions<M> {
  /**
   * Names the channel in errors and prefixes its generated actions (`net.deliver`); without a
   * name they are `deliver`, `lose` and `duplicate`. Name every channel of a model with several.
   */
  name?: string
  /** `bag` (default), `fifo` or `set`: see {@link ChannelKind}. */
  kind?: ChannelKind
  /** The network may lose any message in flight: generates a `lose` action (default false). */
  lossy?: boolean
  /**
   * The network may deliver a message twice: generates a `duplicate` action that adds a copy of
   * a message in flight (default false). Needs a `capacity`, or the state space is infinite; a
   * `set` channel duplicates by nature and rejects it.
   */
  duplicating?: boolean
  /**
   * Most messages the channel holds: in all for `bag` and `set`, per link for `fifo` (default
   * unbounded). `send` into a full channel throws a `ChannelError`: guard the sending action with
   * {@link Channel.canSend}.
   */
  capacity?: number
  /**
   * Renders a message in traces. The default reads a record with a string `type` as
   * `vote(term 2)` (`{ type: 'vote', term: 2 }`), a bare `type` as `ack`, anything else as a value.
   */
  format?: (msg: M) => string
}

/** The keys {@link ChannelOptions} may have. */
export const CHANNEL_OPTION_KEYS: readonly OptionKey<ChannelOptions<unknown>>[] = keyList<
  ChannelOptions<unknown>
>()(['name', 'kind', 'lossy', 'duplicating', 'capacity', 'format'])

/** Options of {@link Channel.actions}: where the channel lives and what delivery does. */
export interface ChannelActionsOptions<S, M> {
  /** The key of the state that holds the channel's value. */
  at: keyof S & string
  /**
   * What the receiver does with a delivered message: called with the state the message was
   * already taken from (for `bag` and `fifo`). Without it, no `deliver` action is generated (write
   * your own receive actions with {@link Channel.receive}).
   */
  deliver?: (s: S, env: Envelope<M>) => S
  /** Whether a message can be delivered now (e.g. its receiver is up); default always. */
  accept?: (s: S, env: Envelope<M>) => boolean
}

/** The keys {@link ChannelActionsOptions} may have. */
export const CHANNEL_ACTIONS_OPTION_KEYS: readonly OptionKey<
  ChannelActionsOptions<unknown, unknown>
>[] = keyList<ChannelActionsOptions<unknown, unknown>>()(['at', 'deliver', 'accept'])

/**
 * A channel: its semantics, and the functions that build and change its values. The values live
 * in a model's state; the channel itself does not (it holds no messages).
 */
export interface Channel<M> {
  /** The channel's name, if it was given one. */
  readonly name: string | undefined
  /** How it orders and keeps messages. */
  readonly kind: ChannelKind
  /** Whether it generates `lose`. */
  readonly lossy: boolean
  /** Whether it generates `duplicate`. */
  readonly duplicating: boolean
  /** Most messages held (per link for `fifo`); `Infinity` when unbounded. */
  readonly capacity: number
  /** Names of the generated actions. */
  readonly actionNames: {
    readonly deliver: string
    readonly lose: string
    readonly duplicate: string
  }
  /** A channel with no message in flight: the value for an initial state. */
  empty(): ChannelValue<M>
  /**
   * `c` with `msg` sent from `from` to `to`.
   *
   * @throws {ChannelError} when the channel (or the link, for `fifo`) is full.
   */
  send(c: ChannelValue<M>, from: string, to: string, msg: M): ChannelValue<M>
  /** `c` with `msg` sent from `from` to each of `to`, in order. */
  broadcast(c: ChannelValue<M>, from: string, to: Iterable<string>, msg: M): ChannelValue<M>
  /** Whether `n` more messages from `from` to `to` fit (always true when unbounded). */
  canSend(c: ChannelValue<M>, from: string, to: string, n?: number): boolean
  /**
   * `c` after `env` is delivered: one copy taken out (`bag`), the link's head taken out (`fifo`),
   * unchanged (`set`). `env` is one of {@link deliverable}'s, or equal to one.
   *
   * @throws {ChannelError} when `env` is not in flight or, for `fifo`, not its link's oldest.
   */
  receive(c: ChannelValue<M>, env: Envelope<M>): ChannelValue<M>
  /** `c` with one copy of `env` taken out, whatever the kind (a loss). */
  drop(c: ChannelValue<M>, env: Envelope<M>): ChannelValue<M>
  /** Every message in flight (a `bag` lists equal messages as often as they are held). */
  messages(c: ChannelValue<M>): readonly Envelope<M>[]
  /** How many messages are in flight. */
  size(c: ChannelValue<M>): number
  /** What can be delivered next: each distinct message (`bag`, `set`), each link's head (`fifo`). */
  deliverable(c: ChannelValue<M>): readonly Envelope<M>[]
  /** `from → to msg`, the label of a delivery. */
  format(env: Envelope<M>): string
  /** A message as the channel renders it. */
  formatMessage(msg: M): string
  /**
   * The generated actions, to spread into `defineModel`'s `actions`: `deliver` (when
   * `options.deliver` is given), `lose` (lossy channels) and `duplicate` (duplicating ones).
   * Each is an `action.each` over messages, labelled `n1 → n2 vote(term 2)`,
   * `lose n1 → n2 vote(term 2)` and `duplicate n1 → n2 vote(term 2)`; naming `deliver` in
   * `fair` makes the delivery of every distinct message fair on its own.
   */
  actions<S>(options: ChannelActionsOptions<S, M>): Action<S>[]
}

/**
 * Declares a channel for models.
 *
 * @example
 * type Msg = { type: 'vote'; term: number }
 * const net = channel<Msg>({ kind: 'bag', lossy: true })
 * type S = { net: ChannelValue<Msg>; votes: number }
 * const model = defineModel<S>({
 *   init: { net: net.send(net.empty(), 'n1', 'n2', { type: 'vote', term: 2 }), votes: 0 },
 *   actions: net.actions<S>({ at: 'net', deliver: (s) => ({ ...s, votes: s.votes + 1 }) }),
 * })
 *
 * @throws {OptionsError} on an unknown option.
 * @throws {ChannelError} on an unknown kind, a capacity that is not a positive integer, or a
 *   duplicating channel without a capacity (or of kind `set`).
 */
export function channel<M>(options: ChannelOptions<M> = {}): Channel<M> {
  checkOptions(options, 'channel()', CHANNEL_OPTION_KEYS)
  const { name, kind = 'bag', lossy = false, duplicating = false } = options
  const label = name ?? 'channel'
  const where = name === undefined ? 'channel()' : `channel '${name}'`
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new ChannelError(
      label,
      `channel(): name must be a non-empty string, got ${formatValue(name)}`,
    )
  }
  if (kind !== 'bag' && kind !== 'fifo' && kind !== 'set') {
    throw new ChannelError(
      label,
      `${where}: kind must be 'bag', 'fifo' or 'set', got ${formatValue(kind)}`,
    )
  }
  const capacity = options.capacity ?? Number.POSITIVE_INFINITY
  if (options.capacity !== undefined && !(Number.isInteger(capacity) && capacity > 0)) {
    throw new ChannelError(
      label,
      `${where}: capacity must be a positive integer, got ${formatValue(options.capacity)}`,
    )
  }
  if (duplicating && kind === 'set') {
    throw new ChannelError(
      label,
      `${where}: a 'set' channel already delivers a message any number of times; drop 'duplicating'`,
    )
  }
  if (duplicating && options.capacity === undefined) {
    throw new ChannelError(
      label,
      `${where}: a duplicating channel without a capacity has infinitely many states; give it a capacity`,
    )
  }
  const formatMessage: (msg: M) => string = options.format ?? defaultFormat
  if (typeof formatMessage !== 'function') {
    throw new ChannelError(label, `${where}: format must be a function (msg) => string`)
  }
  const format = (env: Envelope<M>): string => `${env.from} → ${env.to} ${formatMessage(env.msg)}`
  // Shared by every envelope of this channel: renders the envelope it is called on.
  const render = function (this: Envelope<M>): string {
    return format(this)
  }
  const envelope = (from: string, to: string, msg: M): Envelope<M> =>
    ({ from, to, msg, [RENDER]: render }) as Envelope<M>
  const copy = (env: Envelope<M>): Envelope<M> => envelope(env.from, env.to, env.msg)

  const full = (held: number, n: number) => held + n > capacity

  const made: OpsSetup<M> = { where, label, capacity, envelope, copy }
  const ops: ChannelOps<M> = kind === 'fifo' ? fifoOps(made) : setOps(kind === 'set', made)

  const actionNames = {
    deliver: name === undefined ? 'deliver' : `${name}.deliver`,
    lose: name === undefined ? 'lose' : `${name}.lose`,
    duplicate: name === undefined ? 'duplicate' : `${name}.duplicate`,
  }

  const ch: Channel<M> = {
    name,
    kind,
    lossy,
    duplicating,
    capacity,
    actionNames,
    empty: ops.empty,
    send: (c, from, to, msg) => ops.send(c, from, to, msg),
    broadcast: (c, from, to, msg) => ops.broadcast(c, from, to, msg),
    canSend: (c, from, to, n = 1) => !full(ops.held(c, from, to), n),
    receive: (c, env) => ops.receive(c, env),
    drop: (c, env) => ops.drop(c, env),
    messages: (c) => ops.messages(c),
    size(c) {
      ops.check(c)
      return c instanceof Set ? c.size : ops.messages(c).length
    },
    deliverable: (c) => ops.deliverable(c),
    format,
    formatMessage,
    actions<S>(opts: ChannelActionsOptions<S, M>): Action<S>[] {
      checkOptions(opts, `${where}.actions()`, CHANNEL_ACTIONS_OPTION_KEYS)
      const at = opts.at
      if (typeof at !== 'string' || at.length === 0) {
        throw new ChannelError(
          label,
          `${where}.actions(): 'at' must name the state key that holds the channel, got ${formatValue(at)}`,
        )
      }
      for (const key of ['deliver', 'accept'] as const) {
        if (opts[key] !== undefined && typeof opts[key] !== 'function') {
          throw new ChannelError(label, `${where}.actions(): '${key}' must be a function`)
        }
      }
      const get = (s: S) => (s as Record<string, unknown>)[at] as ChannelValue<M>
      const put = (s: S, c: ChannelValue<M>): S => ({ ...s, [at]: c })
      const out: Action<S>[] = []
      const { deliver, accept } = opts
      if (deliver !== undefined) {
        out.push(
          action.each<S, Envelope<M>>(
            actionNames.deliver,
            (s) => ops.deliverable(get(s)),
            accept === undefined ? () => true : (s, env) => accept(s, env),
            (s, env) => deliver(kind === 'set' ? s : put(s, ops.drop(get(s), env)), env),
            { label: format },
          ),
        )
      }
      if (lossy) {
        out.push(
          action.each<S, Envelope<M>>(
            actionNames.lose,
            (s) => ops.distinct(get(s)),
            () => true,
            (s, env) => put(s, ops.drop(get(s), env)),
            { label: (env) => `lose ${format(env)}` },
          ),
        )
      }
      if (duplicating) {
        out.push(
          action.each<S, Envelope<M>>(
            actionNames.duplicate,
            (s) => ops.distinct(get(s)),
            (s, env) => !full(ops.held(get(s), env.from, env.to), 1),
            (s, env) => put(s, ops.duplicate(get(s), env)),
            { label: (env) => `duplicate ${format(env)}` },
          ),
        )
      }
      return out
    },
  }
  return Object.freeze(ch)
}

/** What a kind of channel does to its values. */
interface ChannelOps<M> {
  empty(): ChannelValue<M>
  check(c: ChannelValue<M>): void
  send(c: ChannelValue<M>, from: string, to: string, msg: M): ChannelValue<M>
  broadcast(c: ChannelValue<M>, from: string, to: Iterable<string>, msg: M): ChannelValue<M>
  /** Messages held that count against the capacity of a send from `from` to `to`. */
  held(c: ChannelValue<M>, from: string, to: string): number
  drop(c: ChannelValue<M>, env: Envelope<M>): ChannelValue<M>
  /** `c` after `env` is delivered; throws when `env` cannot be delivered next. */
  receive(c: ChannelValue<M>, env: Envelope<M>): ChannelValue<M>
  duplicate(c: ChannelValue<M>, env: Envelope<M>): ChannelValue<M>
  messages(c: ChannelValue<M>): readonly Envelope<M>[]
  deliverable(c: ChannelValue<M>): readonly Envelope<M>[]
  /** One envelope per distinct way to lose or duplicate a message. */
  distinct(c: ChannelValue<M>): readonly Envelope<M>[]
}

function notAChannel(where: string, label: string, kind: string, c: unknown): ChannelError {
  return new ChannelError(
    label,
    `${where}: expected a '${kind}' channel value (from ${where.startsWith('channel(') ? 'its' : "the channel's"} empty()), got ${formatValue(c)}`,
  )
}

function notInFlight<M>(where: string, label: string, env: Envelope<M>): ChannelError {
  return new ChannelError(label, `${where}: no message ${formatValue(env)} in flight to take out`)
}

function fullError(where: string, label: string, capacity: number, link: string): ChannelError {
  return new ChannelError(
    label,
    `${where}: ${link} already holds ${capacity} message${capacity === 1 ? '' : 's'}, its capacity; guard the sending action with canSend(...)`,
  )
}

/** What every kind of channel is made from. */
interface OpsSetup<M> {
  /** How errors name the channel (`channel 'net'`), and its name for `ChannelError`. */
  readonly where: string
  readonly label: string
  readonly capacity: number
  /** Makes an envelope that renders as the channel says. */
  readonly envelope: (from: string, to: string, msg: M) => Envelope<M>
  readonly copy: (env: Envelope<M>) => Envelope<M>
}

/** `bag` and `set` channels: a Set of envelopes. */
function setOps<M>(isSet: boolean, setup: OpsSetup<M>): ChannelOps<M> {
  const { where, label, capacity, envelope, copy } = setup
  const asSet = (c: ChannelValue<M>): ReadonlySet<Envelope<M>> => {
    if (!(c instanceof Set)) throw notAChannel(where, label, isSet ? 'set' : 'bag', c)
    return c as ReadonlySet<Envelope<M>>
  }
  const find = (set: ReadonlySet<Envelope<M>>, env: Envelope<M>): Envelope<M> | undefined => {
    if (set.has(env)) return env
    for (const x of set) if (sameEnvelope(x, env)) return x
    return undefined
  }
  // Equal messages are found by hash, so listing the distinct messages of a bag of N costs O(N),
  // not O(N²) comparisons. An envelope never changes: its hash is computed once.
  const fp = new Fingerprinter()
  const hashes = new WeakMap<Envelope<M>, number>()
  const hashOf = (env: Envelope<M>): number => {
    let h = hashes.get(env)
    if (h === undefined) {
      fp.of(env)
      h = fp.hi
      hashes.set(env, h)
    }
    return h
  }
  const distinct = (c: ChannelValue<M>): readonly Envelope<M>[] => {
    const set = asSet(c)
    if (isSet || set.size < 2) return [...set]
    const out: Envelope<M>[] = []
    const byHash = new Map<number, Envelope<M>[]>()
    for (const x of set) {
      const h = hashOf(x)
      const same = byHash.get(h)
      if (same === undefined) byHash.set(h, [x])
      else if (same.some((y) => sameEnvelope(x, y))) continue
      else same.push(x)
      out.push(x)
    }
    return out
  }
  return {
    empty: () => new Set<Envelope<M>>(),
    check: (c) => void asSet(c),
    send(c, from, to, msg) {
      const set = asSet(c)
      const env = envelope(from, to, msg)
      if (isSet && find(set, env) !== undefined) return c
      if (set.size + 1 > capacity) throw fullError(where, label, capacity, 'the channel')
      return new Set(set).add(env)
    },
    broadcast(c, from, to, msg) {
      // One copy of the Set for the whole broadcast, not one per receiver.
      let next: Set<Envelope<M>> | undefined
      for (const t of to) {
        const env = envelope(from, t, msg)
        const current: ReadonlySet<Envelope<M>> = next ?? asSet(c)
        if (isSet && find(current, env) !== undefined) continue
        if (current.size + 1 > capacity) throw fullError(where, label, capacity, 'the channel')
        next ??= new Set(current)
        next.add(env)
      }
      return next ?? c
    },
    held: (c) => asSet(c).size,
    drop(c, env) {
      const set = asSet(c)
      const x = find(set, env)
      if (x === undefined) {
        throw notInFlight(where, label, env)
      }
      const next = new Set(set)
      next.delete(x)
      return next
    },
    receive(c, env) {
      if (!isSet) return this.drop(c, env)
      // A set keeps what it delivers, but only what was sent can be delivered.
      if (find(asSet(c), env) === undefined) throw notInFlight(where, label, env)
      return c
    },
    duplicate(c, env) {
      const set = asSet(c)
      if (set.size + 1 > capacity) throw fullError(where, label, capacity, 'the channel')
      return new Set(set).add(copy(env))
    },
    messages: (c) => [...asSet(c)],
    deliverable: distinct,
    distinct,
  }
}

/** `fifo` channels: `{ [from]: { [to]: Envelope[] } }`, no key for an empty link. */
function fifoOps<M>(setup: OpsSetup<M>): ChannelOps<M> {
  const { where, label, capacity, envelope, copy } = setup
  type Links = { readonly [to: string]: readonly Envelope<M>[] }
  const asFifo = (c: ChannelValue<M>): FifoValue<M> => {
    if (typeof c !== 'object' || c === null || c instanceof Set || Array.isArray(c)) {
      throw notAChannel(where, label, 'fifo', c)
    }
    return c as FifoValue<M>
  }
  const queue = (c: FifoValue<M>, from: string, to: string): readonly Envelope<M>[] =>
    (Object.hasOwn(c, from) && Object.hasOwn(c[from]!, to) ? c[from]![to] : undefined) ?? []
  /** `c` with the queue of `from → to` replaced (removed when empty). */
  const withQueue = (
    c: FifoValue<M>,
    from: string,
    to: string,
    q: readonly Envelope<M>[],
  ): FifoValue<M> => {
    const links: Links = Object.hasOwn(c, from) ? c[from]! : {}
    if (q.length > 0) return { ...c, [from]: { ...links, [to]: q } }
    const { [to]: _gone, ...restLinks } = links
    if (Object.keys(restLinks).length > 0) return { ...c, [from]: restLinks }
    const { [from]: _empty, ...rest } = c
    return rest
  }
  const indexOf = (q: readonly Envelope<M>[], env: Envelope<M>): number => {
    const i = q.indexOf(env)
    return i >= 0 ? i : q.findIndex((x) => sameEnvelope(x, env))
  }
  const each = (c: FifoValue<M>, visit: (q: readonly Envelope<M>[]) => void): void => {
    for (const from of Object.keys(c)) {
      const links = c[from]!
      for (const to of Object.keys(links)) visit(links[to]!)
    }
  }
  return {
    empty: () => ({}),
    check: (c) => void asFifo(c),
    send(c, from, to, msg) {
      const f = asFifo(c)
      const q = queue(f, from, to)
      if (q.length + 1 > capacity)
        throw fullError(where, label, capacity, `the link ${from} → ${to}`)
      return withQueue(f, from, to, [...q, envelope(from, to, msg)])
    },
    broadcast(c, from, to, msg) {
      let out = c
      for (const t of to) out = this.send(out, from, t, msg)
      return out
    },
    held: (c, from, to) => queue(asFifo(c), from, to).length,
    drop(c, env) {
      const f = asFifo(c)
      const q = queue(f, env.from, env.to)
      const i = indexOf(q, env)
      if (i < 0) {
        throw notInFlight(where, label, env)
      }
      return withQueue(f, env.from, env.to, [...q.slice(0, i), ...q.slice(i + 1)])
    },
    receive(c, env) {
      // Only a link's oldest message can be delivered: taking a later one would reorder it.
      const f = asFifo(c)
      const head = queue(f, env.from, env.to)[0]
      if (head === undefined || !sameEnvelope(head, env)) {
        throw new ChannelError(
          label,
          `${where}: ${formatValue(env)} is not the oldest message on the link ${env.from} → ${env.to}${head === undefined ? ' (the link is empty)' : `, ${formatValue(head)} is`}; a FIFO link delivers in order (deliverable(c) lists the heads)`,
        )
      }
      return this.drop(f, head)
    },
    duplicate(c, env) {
      const f = asFifo(c)
      const q = queue(f, env.from, env.to)
      const i = indexOf(q, env)
      if (q.length + 1 > capacity) {
        throw fullError(where, label, capacity, `the link ${env.from} → ${env.to}`)
      }
      // The copy follows the original: the link stays in order, one message arrives twice.
      return withQueue(f, env.from, env.to, [...q.slice(0, i + 1), copy(q[i]!), ...q.slice(i + 1)])
    },
    messages(c) {
      const out: Envelope<M>[] = []
      each(asFifo(c), (q) => out.push(...q))
      return out
    },
    deliverable(c) {
      const out: Envelope<M>[] = []
      each(asFifo(c), (q) => out.push(q[0]!))
      return out
    },
    distinct(c) {
      // Losing (or copying) either of two equal neighbours leaves the same queue.
      const out: Envelope<M>[] = []
      each(asFifo(c), (q) => {
        q.forEach((x, i) => {
          if (i === 0 || !sameEnvelope(x, q[i - 1]!)) out.push(x)
        })
      })
      return out
    },
  }
}

function sameEnvelope<M>(a: Envelope<M>, b: Envelope<M>): boolean {
  return a === b || (a.from === b.from && a.to === b.to && sameValue(a.msg, b.msg))
}

/** Structural equality of state values (what the fingerprint sees); messages are small. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false
    return true
  }
  if (a instanceof Set || a instanceof Map || b instanceof Set || b instanceof Map) {
    if (a.constructor !== b.constructor) return false
    if (a instanceof Set) {
      // A multiset comparison: every member of a matched by a distinct member of b.
      const rest = [...(b as Set<unknown>)]
      if (rest.length !== a.size) return false
      for (const x of a) {
        const i = rest.findIndex((y) => sameValue(x, y))
        if (i < 0) return false
        rest.splice(i, 1)
      }
      return true
    }
    const mb = b as Map<unknown, unknown>
    const ma = a as Map<unknown, unknown>
    if (ma.size !== mb.size) return false
    for (const [k, x] of ma) {
      if (mb.has(k)) {
        if (!sameValue(x, mb.get(k))) return false
        continue
      }
      let found = false
      for (const [k2, y] of mb) {
        if (sameValue(k, k2) && sameValue(x, y)) {
          found = true
          break
        }
      }
      if (!found) return false
    }
    return true
  }
  if (Array.isArray(b)) return false
  const oa = a as Record<string, unknown>
  const ob = b as Record<string, unknown>
  let n = 0
  for (const k in oa) {
    if (!Object.hasOwn(ob, k) || !sameValue(oa[k], ob[k])) return false
    n++
  }
  for (const _ in ob) n--
  return n === 0
}

const IDENTIFIER = /^[A-Za-z_$][\w$.-]*$/

/**
 * The default rendering of a message: `{ type: 'vote', term: 2 }` reads `vote(term 2)`,
 * `{ type: 'ack' }` reads `ack`, a string or number reads as itself, anything else as a value.
 */
export function defaultFormat(msg: unknown): string {
  if (typeof msg === 'string') return IDENTIFIER.test(msg) ? msg : JSON.stringify(msg)
  if (typeof msg === 'object' && msg !== null && !Array.isArray(msg)) {
    const proto = Object.getPrototypeOf(msg)
    const m = msg as Record<string, unknown>
    if ((proto === Object.prototype || proto === null) && typeof m.type === 'string') {
      const fields = Object.keys(m).filter((k) => k !== 'type')
      if (fields.length === 0) return m.type
      const body = fields.map((k) => `${k} ${formatField(m[k])}`).join(', ')
      return `${m.type}(${body})`
    }
  }
  return formatField(msg)
}

function formatField(x: unknown): string {
  return Array.isArray(x) ? formatValue(x) : formatParam(x)
}
