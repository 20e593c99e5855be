/**
 * `checkRefinement`: every behaviour of an implementation model, seen through an abstraction
 * function, is a behaviour of a specification model. As in TLA+ (`Impl => Spec` under a
 * refinement mapping), initial states must map to initial states and every step must map to a
 * step of the spec or to a stutter (both ends have the same abstraction).
 *
 * The implementation is explored breadth-first, so a violation has a shortest trace. Spec steps
 * already verified are remembered by the fingerprints of their two ends, so each distinct
 * abstract step costs one enumeration of the spec's successors.
 *
 * @module
 */
import { ModelDefinitionError, UserCodeError } from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { instanceLabel } from '../model/action.ts'
import { isModel, type Model } from '../model/model.ts'
import { keyFingerprinter } from '../model/state-key.ts'
import { successors } from '../model/successors.ts'
import { VisitedStore } from '../model/visited-store.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { exploreStates } from './engine.ts'
import type { Incompleteness, Step } from './types.ts'

const TWO_POW_64 = 2 ** 64

/** Options of {@link checkRefinement}. */
export interface RefinementOptions {
  /** Stop after storing this many implementation states (the result is then incomplete, never `ok`). */
  maxStates?: number
}

/** The keys {@link RefinementOptions} may have: anything else is a typo `checkRefinement` rejects. */
export const REFINEMENT_OPTION_KEYS: readonly OptionKey<RefinementOptions>[] =
  keyList<RefinementOptions>()(['maxStates'])

/** An implementation step (or initial state) with no counterpart in the spec. */
export interface RefinementViolation<I, A> {
  readonly kind: 'refinement'
  /** `init` for an initial state, otherwise the label of the implementation step. */
  readonly name: string
  /** One sentence a person can read. */
  readonly message: string
  /** A shortest implementation trace ending with the offending step (or initial state). */
  readonly trace: Step<I>[]
  /** The abstraction of every state of `trace`. */
  readonly abstractTrace: A[]
  /**
   * The spec step that would be needed: from `before` (absent for an initial state) to
   * `after`. The spec has no such step (or, for `init`, no such initial state).
   */
  readonly missing: { readonly before?: A; readonly after: A }
  /** What the spec does allow instead: its successors of `before`, or its initial states. */
  readonly allowed: Step<A>[]
}

/** Counters of a refinement check. */
export interface RefinementStats {
  /** Implementation states stored. */
  distinct: number
  /** Initial states plus every implementation successor produced. */
  generated: number
  /** BFS levels of the implementation, the initial states being level 1. */
  depth: number
  /** Distinct spec steps (pairs of abstract states) matched. */
  specSteps: number
  /** Implementation steps that were stutters of the spec (equal abstractions). */
  stutters: number
  durationMs: number
  /** Estimated probability that two distinct implementation states shared a fingerprint. */
  collisionProbability: number
}

/** What {@link checkRefinement} returns: plain data. */
export interface RefinementResult<I, A> {
  /** True only when every reachable implementation step was matched and the search completed. */
  readonly ok: boolean
  /** False when `maxStates` cut the search. */
  readonly complete: boolean
  readonly stats: RefinementStats
  readonly violation?: RefinementViolation<I, A>
  /** Set when `complete` is false. */
  readonly incomplete?: Incompleteness
  /** The implementation model's name. */
  readonly model: string
  /** The spec model's name. */
  readonly spec: string
}

/**
 * Checks that `impl` refines `spec` under `abstraction`: each initial state of `impl` maps to
 * an initial state of `spec`, and each step of `impl` maps to a step of `spec` or leaves the
 * abstraction unchanged (a stutter). Abstract states are compared by the spec's fingerprint
 * (honouring its `symmetry` and `view`).
 *
 * @example
 * const r = checkRefinement(twoCounters, oneCounter, (s) => ({ n: s.a + s.b }))
 * if (!r.ok) console.log(r.violation!.message, r.violation!.missing)
 *
 * @throws {ModelDefinitionError} when `impl` or `spec` was not built with `defineModel`.
 * @throws {TypeError} when `abstraction` is not a function.
 * @throws {UserCodeError} when the abstraction or an action throws.
 * @throws {OptionsError} when `opts` has a key `checkRefinement` does not know.
 */
export function checkRefinement<I, A>(
  impl: Model<I>,
  spec: Model<A>,
  abstraction: (s: I) => A,
  opts: RefinementOptions = {},
): RefinementResult<I, A> {
  validate(impl, spec, abstraction, opts)
  const started = performance.now()
  const specKey = keyFingerprinter(spec)
  const specFp = specKey.fp
  const abstractOf = (s: I): A => {
    try {
      return abstraction(s)
    } catch (e) {
      throw new UserCodeError('abstraction', `the abstraction of ${impl.name}`, e)
    }
  }
  const specInits = new VisitedStore(16)
  for (const a of spec.init) {
    specKey(a)
    specInits.add(specFp.hi, specFp.lo, -1)
  }
  /** Abstract steps already matched, keyed by a fingerprint of the pair of fingerprints. */
  const matched = new VisitedStore()
  let stutters = 0
  let failure:
    | { index: number; step?: Step<I>; before?: A; after: A; allowed: Step<A>[] }
    | undefined
  // The abstraction of the state being expanded, computed once per state.
  let currentIndex = -1
  let current: { a: A; hi: number; lo: number } | undefined

  const graph = exploreStates(
    impl,
    {
      state(s, index, initial) {
        if (!initial) return
        const after = abstractOf(s)
        specKey(after)
        if (specInits.indexOf(specFp.hi, specFp.lo) >= 0) return
        failure = { index, after, allowed: spec.init.map((state) => ({ action: 'init', state })) }
        return true
      },
      edge(from, _to, ai, param, s, t) {
        if (from !== currentIndex) {
          const a = abstractOf(s)
          specKey(a)
          current = { a, hi: specFp.hi, lo: specFp.lo }
          currentIndex = from
        }
        const before = current!
        const after = abstractOf(t)
        specKey(after)
        const hi = specFp.hi
        const lo = specFp.lo
        if (hi === before.hi && lo === before.lo) {
          stutters++
          return
        }
        const pairHi = (before.hi ^ Math.imul(hi, 0x9e3779b1) ^ (lo >>> 7)) | 0
        const pairLo = (before.lo ^ Math.imul(lo, 0x85ebca77) ^ Math.imul(hi, 0xc2b2ae3d)) | 0
        if (matched.indexOf(pairHi, pairLo) >= 0) return
        const next = successors(spec, before.a)
        const found = next.some((x) => {
          specKey(x.state)
          return specFp.hi === hi && specFp.lo === lo
        })
        if (found) {
          matched.add(pairHi, pairLo, -1)
          return
        }
        failure = {
          index: from,
          step: { action: instanceLabel(impl.actions[ai]! as never, param), state: t },
          before: before.a,
          after,
          allowed: next.map((x) => ({
            action: instanceLabel(spec.actions[x.action]! as never, x.param),
            state: x.state,
          })),
        }
        return true
      },
    },
    opts.maxStates === undefined ? {} : { maxStates: opts.maxStates },
  )

  const distinct = graph.store.size
  const stats: RefinementStats = {
    distinct,
    generated: graph.generated,
    depth: graph.depth,
    specSteps: matched.size,
    stutters,
    durationMs: performance.now() - started,
    collisionProbability: (distinct * Math.max(graph.generated - distinct, 0)) / TWO_POW_64,
  }
  const violation =
    failure && describe(impl, spec, graph.traceTo(failure.index), failure, abstractOf)
  const complete = graph.incomplete === undefined
  return {
    ok: complete && violation === undefined,
    complete,
    stats,
    model: impl.name,
    spec: spec.name,
    ...(violation && { violation }),
    ...(graph.incomplete && { incomplete: graph.incomplete }),
  }
}

function describe<I, A>(
  impl: Model<I>,
  spec: Model<A>,
  prefix: Step<I>[],
  failure: { step?: Step<I>; before?: A; after: A; allowed: Step<A>[] },
  abstractOf: (s: I) => A,
): RefinementViolation<I, A> {
  const trace = failure.step ? [...prefix, failure.step] : prefix
  const abstractTrace = trace.map((step) => abstractOf(step.state))
  if (!failure.step) {
    return {
      kind: 'refinement',
      name: 'init',
      message: `an initial state of ${impl.name} maps to ${formatValue(failure.after)}, which is not an initial state of ${spec.name}`,
      trace,
      abstractTrace,
      missing: { after: failure.after },
      allowed: failure.allowed,
    }
  }
  const label = failure.step.action
  const n = trace.length - 1
  return {
    kind: 'refinement',
    name: label,
    message: `step ${n} of ${impl.name} (${label}) maps to ${formatValue(failure.before)} -> ${formatValue(failure.after)}, which is neither a step of ${spec.name} nor a stutter${failure.allowed.length === 0 ? ` (${spec.name} has no step from there)` : ''}`,
    trace,
    abstractTrace,
    missing: { before: failure.before as A, after: failure.after },
    allowed: failure.allowed,
  }
}

function validate<I, A>(
  impl: Model<I>,
  spec: Model<A>,
  abstraction: unknown,
  opts: RefinementOptions,
): void {
  if (!isModel(impl as unknown)) {
    throw new ModelDefinitionError(
      'checkRefinement(impl, spec, abstraction): impl must be a model built with defineModel({ init, actions })',
    )
  }
  if (!isModel(spec as unknown)) {
    throw new ModelDefinitionError(
      `checkRefinement(${impl.name}, spec, abstraction): spec must be a model built with defineModel({ init, actions })`,
    )
  }
  if (typeof abstraction !== 'function') {
    throw new TypeError(
      `checkRefinement(${impl.name}, ${spec.name}, abstraction): abstraction must be a function from a state of ${impl.name} to a state of ${spec.name}, got ${typeof abstraction}`,
    )
  }
  checkOptions(opts, 'checkRefinement()', REFINEMENT_OPTION_KEYS)
  if (opts.maxStates !== undefined && !(Number.isInteger(opts.maxStates) && opts.maxStates > 0)) {
    throw new RangeError(
      `checkRefinement(${impl.name}, ${spec.name}): maxStates must be a positive integer, got ${String(opts.maxStates)}`,
    )
  }
}
