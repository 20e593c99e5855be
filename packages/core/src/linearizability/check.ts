/**
 * `checkLinearizability`: is a concurrent history linearizable with respect to a sequential
 * spec? Wing & Gong's search with Lowe's memoisation (see {@link PartitionSearch}) on each of
 * the spec's partitions (P-compositionality: a history is linearizable when each part is).
 *
 * Partitions are searched in turns, a slice of steps each, rather than one after the other: a
 * partition whose search explodes cannot keep the search from reaching another that fails
 * within a few steps, and the first partition found to fail ends the search. Slices are counted
 * in steps, not time, so the verdict and the violation reported are the same on every run; only
 * the time budget (`timeoutMs`) reads the clock.
 *
 * @module
 */
import {
  HistoryError,
  MusilError,
  OptionsError,
  SequentialSpecError,
  StateEncodingError,
  UserCodeError,
} from '../errors.ts'
import { formatValue } from '../format/value.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { describeInterval, describeOperation, describeState } from './describe.ts'
import { partitionHistory, validateHistory } from './history-input.ts'
import { initialState, PartitionSearch, StepResultError } from './search.ts'
import type {
  LinearizabilityOptions,
  LinearizabilityResult,
  LinearizabilityViolation,
  Operation,
  SequentialSpec,
  UnplaceableOperation,
} from './types.ts'

/** The valid keys of {@link LinearizabilityOptions}. */
export const LINEARIZABILITY_OPTION_KEYS: readonly OptionKey<LinearizabilityOptions>[] =
  keyList<LinearizabilityOptions>()(['timeoutMs'])

/** The valid keys of a {@link SequentialSpec}. */
export const SEQUENTIAL_SPEC_KEYS: readonly OptionKey<SequentialSpec<unknown, unknown, unknown>>[] =
  keyList<SequentialSpec<unknown, unknown, unknown>>()([
    'init',
    'step',
    'partition',
    'equal',
    'hash',
    'describeOperation',
    'describeState',
  ])

/** Steps a partition searches before the next partition's turn. */
const SLICE = 1024

/**
 * The clock, taken when the module loads: the checker may run at the end of a simulated run,
 * inside its async context, where audit mode trips on `performance.now()`; the budget is not
 * part of the run, and reading the clock does not change any verdict but `unknown`.
 */
const now = performance.now.bind(performance)

/**
 * Checks that `history` is linearizable with respect to `spec`: that there is a total order of
 * its operations, consistent with real time (an operation that returned before another was
 * called comes first), in which each operation's `step` is legal from `spec.init()`.
 *
 * Operations whose outcome is unknown (`return: Infinity`) may take effect at any time after
 * their call, or never; `step` decides which outputs it accepts for them. Intervals that touch
 * (one returns at the time the other is called) count as overlapping, as in Porcupine.
 *
 * @param history - the operations, in any order
 * @param spec - the sequential specification; `partition` splits the history into parts that
 *   are checked independently (e.g. one per key)
 * @param options - `timeoutMs`: a wall-clock budget for the whole search; when it runs out the
 *   result is `unknown` with `ok: false`, never a pass
 * @returns the verdict; on `not-linearizable` the `violation` holds the first failing
 *   partition's longest linearizable prefix and the operations that cannot come after it
 * @throws {HistoryError} naming the malformed operation, or the operation the spec's
 *   `partition` lost or invented, or one whose input a shipped spec does not know
 * @throws {SequentialSpecError} when `spec` lacks `init` or `step`, or `step` returns something
 *   other than a `[legal, next]` pair
 * @throws {UserCodeError} when the spec's code throws (origin `step`, `init`, `partition`,
 *   `equal`, `describeOperation` or `describeState`)
 * @throws {StateEncodingError} when a state cannot be fingerprinted and the spec has no `equal`
 *
 * @example
 * const r = checkLinearizability(history, registerSpec())
 * if (!r.ok) console.log(r.violation?.message ?? r.reason)
 */
export function checkLinearizability<S, I, O>(
  history: readonly Operation<I, O>[],
  spec: SequentialSpec<S, I, O>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult<S, I, O> {
  const started = now()
  checkOptions(options, 'checkLinearizability()', LINEARIZABILITY_OPTION_KEYS)
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new OptionsError(
      `checkLinearizability(): timeoutMs must be a number of milliseconds, 0 or more, got ${formatValue(options.timeoutMs)}; leave it out for no budget`,
      'checkLinearizability()',
    )
  }
  validateSpec(spec)
  validateHistory(history)
  const parts = partitionHistory(history, spec)
  // A partition's search is made at its first turn and dropped once it is found linearizable:
  // a history of many small partitions (a key-value store's keys) never holds them all at once.
  const searches: (PartitionSearch<S, I, O> | undefined)[] = new Array(parts.length)
  const deadline = started + timeoutMs
  let active = parts.map((_, p) => p)
  let visited = 0
  let failed = -1
  // A budget of 0 buys no search at all: no verdict, however small the history.
  let outOfTime = timeoutMs === 0 && parts.length > 0
  while (active.length > 0 && failed < 0 && !outOfTime) {
    const still: number[] = []
    for (let a = 0; a < active.length; a++) {
      const p = active[a]!
      const search = (searches[p] ??= new PartitionSearch<S, I, O>(history, parts[p]!, spec))
      outOfTime = !runSlice(search, deadline)
      if (search.status === 'not-linearizable') {
        failed = p
        break
      }
      if (search.status === 'running') still.push(p)
      else {
        visited += search.visited
        searches[p] = undefined
      }
      if (outOfTime) {
        // The partitions not reached in this round are undecided too.
        still.push(...active.slice(a + 1))
        break
      }
    }
    active = still
  }
  for (const search of searches) visited += search?.visited ?? 0
  const base = {
    operations: history.length,
    partitions: parts.length,
    stats: { visited, durationMs: now() - started },
  }
  if (failed >= 0) {
    return {
      ok: false,
      result: 'not-linearizable',
      ...base,
      violation: explainViolation(failed, searches[failed]!, parts.length, spec),
    }
  }
  if (active.length > 0) {
    const decided = parts.length - active.length
    return {
      ok: false,
      result: 'unknown',
      ...base,
      reason: `the time budget of ${timeoutMs} ms (timeoutMs) ran out before a verdict: ${decided} of ${parts.length} partition${parts.length === 1 ? '' : 's'} decided, ${visited} configurations explored; give it more time, or partition the spec (e.g. by key) so each part is smaller`,
    }
  }
  return { ok: true, result: 'linearizable', ...base }
}

/**
 * Steps between two readings of the clock. A turn of {@link SLICE} steps can take long when
 * `step` is slow (or a round when there are thousands of partitions): reading the clock only
 * between turns or rounds would overrun the budget many times over.
 */
const CLOCK_EVERY = 64

/**
 * One turn of a partition's search, with the spec's exceptions named by operation. The turn
 * is run in pieces of {@link CLOCK_EVERY} steps, which changes nothing but where the clock is
 * read (the search is resumable); false when `deadline` passed before the turn ended.
 */
function runSlice<S, I, O>(search: PartitionSearch<S, I, O>, deadline: number): boolean {
  try {
    if (deadline === Number.POSITIVE_INFINITY) {
      search.run(SLICE)
      return true
    }
    for (let left = SLICE; left > 0 && search.status === 'running'; left -= CLOCK_EVERY) {
      search.run(Math.min(CLOCK_EVERY, left))
      if (now() >= deadline) return search.status !== 'running'
    }
    return true
  } catch (e) {
    // Errors of musil's own (a state that cannot be fingerprinted, `equal` throwing) say
    // already what they are; anything else came out of the spec's `step`.
    if (search.current < 0) throw e
    const op = search.ops[search.current]!
    if (e instanceof StateEncodingError) {
      throw new StateEncodingError(
        `after ${formatValue(op.input)} (operation ${search.historyIndex[search.current]} of the history), ${e.message}; or give the spec an equal(a, b) that compares its states`,
        e.path,
      )
    }
    const where = `operation ${search.historyIndex[search.current]} of the history (client ${formatValue(op.client)})`
    if (e instanceof StepResultError) {
      throw new SequentialSpecError(
        `the spec's step returned ${formatValue(e.returned)} for ${formatValue(op.input)}, ${where}: step(state, input, output) must return a pair [legal, next], e.g. [output === state, state] for a read`,
      )
    }
    // A shipped spec refusing an input it does not know: say which operation has it.
    if (e instanceof HistoryError && e.index === undefined) {
      throw new HistoryError(`${where}: ${e.message}`, search.historyIndex[search.current])
    }
    if (MusilError.is(e)) throw e
    throw new UserCodeError(
      'step',
      `${formatValue(op.input)} (operation ${search.historyIndex[search.current]} of the history, client ${formatValue(op.client)})`,
      e,
    )
  }
}

/**
 * Throws a {@link SequentialSpecError} (an `OptionsError` for an unknown member) when `spec` is
 * not a sequential spec: what {@link checkLinearizability} checks before searching.
 */
export function validateSpec(spec: unknown): void {
  if (spec === null || typeof spec !== 'object') {
    throw new SequentialSpecError(
      `checkLinearizability() expects a sequential spec { init, step, partition?, equal?, hash?, describeOperation?, describeState? }, got ${formatValue(spec)}`,
    )
  }
  checkOptions(spec, 'checkLinearizability() spec', SEQUENTIAL_SPEC_KEYS)
  const s = spec as Record<string, unknown>
  for (const member of ['init', 'step'] as const) {
    if (typeof s[member] !== 'function') {
      throw new SequentialSpecError(
        `the spec's ${member} is ${formatValue(s[member])}: a sequential spec needs init() (the initial state) and step(state, input, output) => [legal, next]`,
      )
    }
  }
  for (const member of [
    'partition',
    'equal',
    'hash',
    'describeOperation',
    'describeState',
  ] as const) {
    if (s[member] !== undefined && typeof s[member] !== 'function') {
      throw new SequentialSpecError(
        `the spec's ${member} is ${formatValue(s[member])}: it must be a function, or left out`,
      )
    }
  }
  if (s.hash !== undefined && s.equal === undefined) {
    throw new SequentialSpecError(
      "the spec has hash but no equal: hash files states for the spec's equal; without equal, states are compared by their structural fingerprint, which is a hash already, so leave hash out",
    )
  }
}

/** Operations named in a message before the prefix is cut short. */
const PREFIX_SHOWN = 8

/**
 * The violation of a failed partition: its longest linearizable prefix, the state after it,
 * and the operations that may come next in real-time order, none of which the spec accepts
 * there.
 */
function explainViolation<S, I, O>(
  partition: number,
  search: PartitionSearch<S, I, O>,
  partitions: number,
  spec: SequentialSpec<S, I, O>,
): LinearizabilityViolation<S, I, O> {
  const { ops, historyIndex, callPos, returnPos } = search
  const prefix = [...search.longest()]
  let state = initialState(spec)
  const placed = new Uint8Array(ops.length)
  for (const op of prefix) {
    state = spec.step(state, ops[op]!.input, ops[op]!.output)[1]
    placed[op] = 1
  }
  // May come next: not placed, and called before the first return still pending.
  let firstReturn = Number.POSITIVE_INFINITY
  for (let op = 0; op < ops.length; op++) {
    if (!placed[op] && returnPos[op]! < firstReturn) firstReturn = returnPos[op]!
  }
  const next: number[] = []
  for (let op = 0; op < ops.length; op++) {
    if (!placed[op] && callPos[op]! < firstReturn) next.push(op)
  }
  next.sort((a, b) => callPos[a]! - callPos[b]!)
  const refused = next.filter((op) => !spec.step(state, ops[op]!.input, ops[op]!.output)[0])
  // Every candidate is refused after a longest prefix (one accepted would make it longer); the
  // fallback only matters when two distinct states share a fingerprint.
  const shown = refused.length > 0 ? refused : next
  const unplaceable: UnplaceableOperation<S, I, O>[] = shown.map((op) => ({
    operation: ops[op]!,
    index: historyIndex[op]!,
    state,
    description: describeOperation(spec, ops[op]!),
  }))
  const name = (op: number) =>
    `${describeOperation(spec, ops[op]!)} (client ${formatValue(ops[op]!.client)}, ${describeInterval(ops[op]!)})`
  const where =
    partitions === 1
      ? `the history (${ops.length} operations)`
      : `partition ${partition} of ${partitions} (${ops.length} operations)`
  const listed =
    prefix.length === 0
      ? 'places none of them'
      : `places ${prefix.length}: ${
          prefix.length > PREFIX_SHOWN
            ? `…, ${prefix
                .slice(-PREFIX_SHOWN)
                .map((op) => describeOperation(spec, ops[op]!))
                .join(', ')}`
            : prefix.map((op) => describeOperation(spec, ops[op]!)).join(', ')
        }`
  const why =
    refused.length > 0
      ? `none of the operations that may come next fits: ${refused.map(name).join('; ')} ${refused.length === 1 ? 'is' : 'are'} refused in that state`
      : `each operation that may come next (${next.map(name).join('; ')}) leads to a dead end`
  return {
    partition,
    operations: [...historyIndex].sort((a, b) => a - b),
    longestPrefix: prefix.map((op) => historyIndex[op]!),
    unplaceable,
    state,
    message: `${where} is not linearizable: the longest linearizable prefix ${listed}, leaving the state ${describeState(spec, state)}; ${why}`,
  }
}
