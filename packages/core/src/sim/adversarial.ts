/**
 * Byzantine nodes: a service that stays up and answers, but answers wrongly.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import type { Context, Node } from './node.ts'

/** Decides whether a behaviour handles a message. `ctx.random()` is seeded, so "sometimes" replays. */
export type BehaviorWhen = (src: string, payload: unknown, ctx: Context) => boolean
/** What the node does instead of the honest thing: usually send a wrong answer. */
export type BehaviorAct = (ctx: Context, src: string, payload: unknown) => void
/** A rule of an adversarial node: `[when, act]`. */
export type Behavior = readonly [when: BehaviorWhen, act: BehaviorAct]

/** What {@link AdversarialNode} accepts. */
export interface AdversarialOptions {
  /** Rules tried in order on each message; the first whose `when` holds acts. */
  readonly behaviors: readonly Behavior[]
  /**
   * The honest implementation: it handles start, timers, and every message no behaviour claims.
   * Without it, unclaimed messages are ignored.
   */
  readonly honest?: Node
}

/** The keys {@link AdversarialOptions} may have: anything else is a typo `new AdversarialNode` rejects. */
export const ADVERSARIAL_OPTION_KEYS: readonly OptionKey<AdversarialOptions>[] =
  keyList<AdversarialOptions>()(['behaviors', 'honest'])

/**
 * A Byzantine node: it receives messages like any node, and for each one the first behaviour
 * whose `when` holds acts instead of the honest code. Deterministic under a seed like every
 * other node.
 *
 * @example
 * const liar = new AdversarialNode({
 *   behaviors: [[(src, payload) => payload === 'query', (ctx, src) => ctx.send(src, -1)]],
 * })
 *
 * @throws {OptionsError} when the options have a key other than `behaviors` and `honest`.
 */
export class AdversarialNode implements Node {
  readonly behaviors: readonly Behavior[]
  readonly honest: Node | undefined
  /** How many messages a behaviour answered instead of the honest code. */
  lies = 0

  constructor(options: AdversarialOptions) {
    // Keys first: a misspelt 'behaviours' should be named as such, not as a missing 'behaviors'.
    if (options !== null && typeof options === 'object') {
      checkOptions(options, 'new AdversarialNode()', ADVERSARIAL_OPTION_KEYS)
    }
    if (!options || !Array.isArray(options.behaviors)) {
      throw new TypeError('AdversarialNode expects { behaviors: [[when, act], ...] }')
    }
    options.behaviors.forEach((b, i) => {
      if (!Array.isArray(b) || typeof b[0] !== 'function' || typeof b[1] !== 'function') {
        throw new TypeError(
          `AdversarialNode: behaviors[${i}] must be a pair [when(src, payload, ctx), act(ctx, src, payload)]`,
        )
      }
    })
    this.behaviors = [...options.behaviors]
    this.honest = options.honest
  }

  onStart(ctx: Context): void {
    this.honest?.onStart?.(ctx)
  }

  onMessage(ctx: Context, src: string, payload: unknown): void {
    for (const [when, act] of this.behaviors) {
      if (when(src, payload, ctx)) {
        this.lies++
        act(ctx, src, payload)
        return
      }
    }
    this.honest?.onMessage?.(ctx, src, payload)
  }

  onTimer(ctx: Context, name: string): void {
    this.honest?.onTimer?.(ctx, name)
  }
}
