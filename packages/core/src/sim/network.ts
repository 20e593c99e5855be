/**
 * The simulated network: per-link loss, duplication and latency spread, and an optional
 * corruption hook. Reliable and in order unless you opt into faults.
 *
 * @module
 */
import { SimulationConfigError } from '../errors.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'

/** Fault and latency settings of a link (or of every link, as defaults). */
export interface LinkOptions {
  /** Probability that a message is lost in transit, in [0, 1]. Default 0. */
  readonly loss?: number
  /** Probability that a message is delivered twice, in [0, 1]. Default 0. */
  readonly duplicate?: number
  /**
   * Smallest latency in virtual ms. Default 1. When both bounds are integers the latency is a
   * uniform integer in [minLatency, maxLatency]; otherwise a uniform float in that range.
   */
  readonly minLatency?: number
  /** Largest latency in virtual ms. Default `minLatency`, so a link keeps its order. */
  readonly maxLatency?: number
}

/** Settings of one directed link `src -> dst`, overriding the network's defaults. */
export interface LinkOverride extends LinkOptions {
  readonly src: string
  readonly dst: string
}

/**
 * Corrupts a payload on the wire. Return the payload unchanged (the same value) to leave the
 * message intact; anything else is delivered instead and recorded as a `corrupt` trace event.
 * `random` draws from the run's own `mutate` substream.
 */
export type MutateFn = (src: string, dst: string, payload: unknown, random: () => number) => unknown

/** What {@link NetworkModel} accepts. */
export interface NetworkOptions extends LinkOptions {
  /** Wire corruption, applied once to every message that is not lost. */
  readonly mutate?: MutateFn
  /** Per-link overrides, one direction each; unset fields fall back to the defaults above. */
  readonly links?: readonly LinkOverride[]
}

/** The keys {@link LinkOptions} may have (`network.link(src, dst, options)`). */
export const LINK_OPTION_KEYS: readonly OptionKey<LinkOptions>[] = keyList<LinkOptions>()([
  'loss',
  'duplicate',
  'minLatency',
  'maxLatency',
])

/** The keys a {@link LinkOverride} (an entry of `links`) may have. */
export const LINK_OVERRIDE_KEYS: readonly OptionKey<LinkOverride>[] = keyList<LinkOverride>()([
  'src',
  'dst',
  ...LINK_OPTION_KEYS,
])

/** The keys {@link NetworkOptions} may have: anything else is a typo `new NetworkModel` rejects. */
export const NETWORK_OPTION_KEYS: readonly OptionKey<NetworkOptions>[] = keyList<NetworkOptions>()([
  ...LINK_OPTION_KEYS,
  'mutate',
  'links',
])

/** The resolved settings of one link. */
export interface LinkSettings {
  readonly loss: number
  readonly duplicate: number
  readonly minLatency: number
  readonly maxLatency: number
}

/**
 * The network of a simulation. By default every link is reliable and in order with a latency of
 * 1 ms; faults are opt-in. A latency spread (`minLatency < maxLatency`) reorders messages.
 *
 * Randomness: each send draws exactly one latency from the run's `network` substream, even when
 * the message is then lost, so that a loss never shifts the latencies of later messages. Loss
 * and duplication draw from the `faults` substream (one draw each per send, on links where they
 * are enabled).
 *
 * @example
 * const lossy = new NetworkModel({ loss: 0.3, minLatency: 1, maxLatency: 3 })
 * const oneBadLink = lossy.link('cp', 'agent', { loss: 0.9 })
 *
 * @throws {SimulationConfigError} when a probability is outside [0, 1] or a latency is invalid.
 * @throws {OptionsError} when the options, or an entry of `links`, have a key they cannot have.
 */
export class NetworkModel {
  /** Settings of every link without an override. */
  readonly defaults: LinkSettings
  readonly mutate: MutateFn | undefined
  /** Per-link overrides, resolved against the defaults. */
  readonly links: readonly (LinkSettings & { readonly src: string; readonly dst: string })[]

  constructor(options: NetworkOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new SimulationConfigError(
        'NetworkModel expects an options object { loss?, duplicate?, minLatency?, maxLatency?, mutate?, links? }',
      )
    }
    checkOptions(options, 'new NetworkModel()', NETWORK_OPTION_KEYS)
    this.defaults = resolve(options, DEFAULTS, 'NetworkModel')
    if (options.mutate !== undefined && typeof options.mutate !== 'function') {
      throw new SimulationConfigError(
        `NetworkModel: 'mutate' must be a function (src, dst, payload) => payload, got ${typeof options.mutate}`,
      )
    }
    this.mutate = options.mutate
    this.links = (options.links ?? []).map((l, i) => {
      if (l !== null && typeof l === 'object') {
        checkOptions(l, `new NetworkModel() links[${i}]`, LINK_OVERRIDE_KEYS)
      }
      if (typeof l?.src !== 'string' || typeof l?.dst !== 'string') {
        throw new SimulationConfigError(
          `NetworkModel: links[${i}] needs string 'src' and 'dst' node addresses`,
        )
      }
      return { src: l.src, dst: l.dst, ...resolve(l, this.defaults, `link ${l.src} -> ${l.dst}`) }
    })
  }

  /** A copy of this network with the directed link `src -> dst` overridden. */
  link(src: string, dst: string, options: LinkOptions): NetworkModel {
    checkOptions(options, `network.link('${src}', '${dst}')`, LINK_OPTION_KEYS)
    return new NetworkModel({
      ...this.defaults,
      ...(this.mutate && { mutate: this.mutate }),
      links: [...this.links, { src, dst, ...options }],
    })
  }
}

const DEFAULTS: LinkSettings = { loss: 0, duplicate: 0, minLatency: 1, maxLatency: 1 }

function resolve(o: LinkOptions, base: LinkSettings, where: string): LinkSettings {
  const loss = probability(o.loss, base.loss, 'loss', where)
  const duplicate = probability(o.duplicate, base.duplicate, 'duplicate', where)
  const minLatency = o.minLatency ?? base.minLatency
  // An explicit minimum above the inherited maximum raises the maximum with it.
  const maxLatency =
    o.maxLatency ?? Math.max(minLatency, o.minLatency === undefined ? base.maxLatency : minLatency)
  if (!Number.isFinite(minLatency) || minLatency < 0) {
    throw new SimulationConfigError(
      `${where}: minLatency must be a finite number >= 0, got ${minLatency}`,
    )
  }
  if (!Number.isFinite(maxLatency) || maxLatency < minLatency) {
    throw new SimulationConfigError(
      `${where}: maxLatency must be a finite number >= minLatency (${minLatency}), got ${maxLatency}`,
    )
  }
  return { loss, duplicate, minLatency, maxLatency }
}

function probability(
  v: number | undefined,
  fallback: number,
  field: string,
  where: string,
): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new SimulationConfigError(
      `${where}: '${field}' is a probability in [0, 1], got ${String(v)}`,
    )
  }
  return v
}
