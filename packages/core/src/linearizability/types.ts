/**
 * The vocabulary of linearizability checking: a history of operations with call and return
 * times, the sequential specification the history is held to, and the verdict. Plain data
 * throughout (apart from the spec's functions): results cross worker threads and go into
 * reports.
 *
 * @module
 */

/**
 * One operation of a concurrent history, as a client saw it: it was called at `call` and its
 * response arrived at `return` (any consistent unit: virtual milliseconds in a simulation,
 * nanoseconds in a Jepsen history). An operation whose outcome is unknown (a timeout, a crash:
 * Jepsen's `:info`) has `return: Infinity`: it may or may not have taken effect, at any time
 * after its call, and the spec's `step` decides which outputs it accepts for it.
 */
export interface Operation<I, O> {
  /** The client (process, session, node) that issued the operation. */
  readonly client: number | string
  /** What was asked, e.g. `{ op: 'write', value: 3 }`. */
  readonly input: I
  /** When the call was made. */
  readonly call: number
  /** What was returned (for an unknown outcome: whatever the client recorded, often `undefined`). */
  readonly output: O
  /** When the response arrived; `Infinity` when the outcome is unknown. */
  readonly return: number
}

/**
 * A sequential specification: the object's behaviour when operations take effect one at a
 * time. The checker looks for an order of the history's operations, consistent with real time
 * (an operation that returned before another was called comes first), in which every `step` is
 * legal.
 */
export interface SequentialSpec<S, I, O> {
  /** The object's initial state. */
  init(): S
  /**
   * Applies `input` to `state`: whether `output` is a legal response there, and the state
   * after. Must not mutate `state`. For an operation of unknown outcome `output` is what the
   * client recorded; a spec that accepts any output for such operations lets the checker place
   * them anywhere after their call (or, by never placing them, drop them).
   */
  step(state: S, input: I, output: O): readonly [legal: boolean, next: S]
  /**
   * P-compositionality: splits a history into independent sub-histories (e.g. one per key) that
   * are each checked on their own; the history is linearizable when every part is.
   */
  partition?(history: readonly Operation<I, O>[]): readonly (readonly Operation<I, O>[])[]
  /** State equality for memoisation (default: musil's structural fingerprint equality). */
  equal?(a: S, b: S): boolean
  /**
   * With `equal`: a hash of a state (a number), the same for any two states `equal` calls equal
   * (Porcupine's `Hash`). Without it the memo can file states by the set of placed operations
   * only, and compares a new state with every state already reached with that set: a history
   * whose states differ by the order of concurrent appends (one set, thousands of states) runs
   * tens of times slower. A hash that breaks the rule costs only memoisation, never a verdict.
   */
  hash?(state: S): number
  /** How an operation reads in a failure, e.g. `write(3)`, `read() → 2`. */
  describeOperation?(input: I, output: O): string
  /** How a state reads in a failure. */
  describeState?(state: S): string
}

/** Options of `checkLinearizability`. */
export interface LinearizabilityOptions {
  /**
   * Wall-clock budget in milliseconds for the whole search (default: none). When it runs out
   * the result is `unknown`, `ok: false`: never a pass.
   */
  readonly timeoutMs?: number
}

/** The verdict on a history. */
export type LinearizabilityVerdict = 'linearizable' | 'not-linearizable' | 'unknown'

/**
 * An operation that could not be placed: after the longest linearizable prefix of its
 * partition, in the state that prefix leads to, `step` rejected it (or it could not come next
 * in real-time order).
 */
export interface UnplaceableOperation<S, I, O> {
  /** The operation. */
  readonly operation: Operation<I, O>
  /** Its index in the history given to the checker. */
  readonly index: number
  /** The state it met. */
  readonly state: S
  /** `describeOperation` of it, or a structural rendering. */
  readonly description: string
}

/** Why a history is not linearizable: the first partition found to fail, and how far it got. */
export interface LinearizabilityViolation<S, I, O> {
  /** Index of the failing partition (0 when the spec does not partition). */
  readonly partition: number
  /** The partition's operations, as indices into the history given to the checker. */
  readonly operations: readonly number[]
  /**
   * The longest linearizable prefix found: history indices in linearization order (Porcupine's
   * longest partial linearization).
   */
  readonly longestPrefix: readonly number[]
  /** The operations that cannot come next after that prefix, each with the state it met. */
  readonly unplaceable: readonly UnplaceableOperation<S, I, O>[]
  /** The state after the longest prefix. */
  readonly state: S
  /** One paragraph: the prefix, the state, and why each next operation is refused. */
  readonly message: string
}

/** The result of `checkLinearizability`. */
export interface LinearizabilityResult<S = unknown, I = unknown, O = unknown> {
  /** True only when the verdict is `linearizable`. */
  readonly ok: boolean
  /** `unknown` when the time budget ran out before a verdict. */
  readonly result: LinearizabilityVerdict
  /** Operations in the history. */
  readonly operations: number
  /** Partitions checked (1 when the spec does not partition). */
  readonly partitions: number
  /** Search statistics: states (linearized set + spec state pairs) visited, and wall time. */
  readonly stats: { readonly visited: number; readonly durationMs: number }
  /** On `not-linearizable`: the failing partition and how far it got. */
  readonly violation?: LinearizabilityViolation<S, I, O>
  /** On `unknown`: why no verdict was reached (e.g. the time budget). */
  readonly reason?: string
}
