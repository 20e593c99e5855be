/**
 * The lost update: threads increment a shared counter with `counter = counter + 1`, which is
 * really two steps, a read into a local and a write back. Two threads that both read before
 * either writes store the same value, and one increment vanishes.
 */
import { type Action, action, defineModel, type Model } from '@musil/core'

/** Where a thread is in its single increment. */
export type Pc = 'start' | 'locked' | 'read' | 'wrote' | 'done'

/**
 * One thread: its program counter and `tmp`, its local copy of the counter. `tmp` is set by
 * the read and cleared by the write (`null` otherwise), as a local variable lives only
 * between the two.
 */
export interface Thread {
  readonly pc: Pc
  readonly tmp: number | null
}

const START: Thread = { pc: 'start', tmp: null }

/** The shared counter, the lock (the index of its holder, or null), and every thread. */
export interface Counter {
  readonly counter: number
  readonly lock: number | null
  readonly threads: readonly Thread[]
}

/**
 * How each thread increments:
 * - `racy`: read, then write `tmp + 1`;
 * - `lock`: acquire a lock, read, write, release;
 * - `cas`: read, then compare-and-set: write `tmp + 1` only if the counter still holds `tmp`,
 *   otherwise start over.
 */
export type Increment = 'racy' | 'lock' | 'cas'

/** Every way to increment, bug first. */
export const INCREMENTS: readonly Increment[] = ['racy', 'lock', 'cas']

/** Options of {@link lostUpdate}. */
export interface LostUpdateOptions {
  /** Number of threads, each incrementing once (default 2). */
  readonly threads?: number
  /** How a thread increments (default `racy`). */
  readonly increment?: Increment
}

const setThread = (s: Counter, i: number, t: Thread): readonly Thread[] =>
  s.threads.map((x, j) => (j === i ? t : x))

/** Threads whose write has happened: each of them must be reflected in the counter. */
export const incrementsWritten = (s: Counter): number =>
  s.threads.filter((t) => t.pc === 'wrote' || t.pc === 'done').length

/** The invariant: the counter equals the number of increments written, so none was lost. */
export const noLostUpdate = (s: Counter): boolean => s.counter === incrementsWritten(s)

/** A thread reads the shared counter into its local `tmp`: the first half of every increment. */
function readCounter(ids: () => readonly number[]): Action<Counter> {
  return action.each<Counter, number>(
    'read',
    ids,
    (s, i) => s.threads[i]!.pc === 'start',
    (s, i) => ({ ...s, threads: setThread(s, i, { pc: 'read', tmp: s.counter }) }),
  )
}

/** Thread `i` writes `tmp + 1` back and is done: the second half of a successful increment. */
function incremented(s: Counter, i: number, tmp: number): Counter {
  return { ...s, counter: tmp + 1, threads: setThread(s, i, { pc: 'done', tmp: null }) }
}

function racyActions(ids: () => readonly number[]): Action<Counter>[] {
  return [
    readCounter(ids),
    action.each<Counter, number>(
      'write',
      ids,
      (s, i) => s.threads[i]!.pc === 'read',
      (s, i) => {
        const tmp = s.threads[i]!.tmp!
        return incremented(s, i, tmp)
      },
    ),
  ]
}

function lockedActions(ids: () => readonly number[]): Action<Counter>[] {
  return [
    action.each<Counter, number>(
      'acquire',
      ids,
      (s, i) => s.threads[i]!.pc === 'start' && s.lock === null,
      (s, i) => ({ ...s, lock: i, threads: setThread(s, i, { pc: 'locked', tmp: null }) }),
    ),
    action.each<Counter, number>(
      'read',
      ids,
      (s, i) => s.threads[i]!.pc === 'locked',
      (s, i) => ({ ...s, threads: setThread(s, i, { pc: 'read', tmp: s.counter }) }),
    ),
    action.each<Counter, number>(
      'write',
      ids,
      (s, i) => s.threads[i]!.pc === 'read',
      (s, i) => {
        const tmp = s.threads[i]!.tmp!
        return { ...s, counter: tmp + 1, threads: setThread(s, i, { pc: 'wrote', tmp: null }) }
      },
    ),
    action.each<Counter, number>(
      'release',
      ids,
      (s, i) => s.threads[i]!.pc === 'wrote',
      (s, i) => ({ ...s, lock: null, threads: setThread(s, i, { pc: 'done', tmp: null }) }),
    ),
  ]
}

function casActions(ids: () => readonly number[]): Action<Counter>[] {
  return [
    readCounter(ids),
    // One atomic step, as the hardware instruction is: compare, and either write or fail.
    action.each<Counter, number>(
      'compareAndSet',
      ids,
      (s, i) => s.threads[i]!.pc === 'read',
      (s, i) => {
        const tmp = s.threads[i]!.tmp!
        return s.counter === tmp
          ? incremented(s, i, tmp)
          : { ...s, threads: setThread(s, i, START) }
      },
    ),
  ]
}

/**
 * `threads` threads each increment a shared counter once, starting from 0. Finishing (every
 * thread done) is allowed; anything else without a successor is a deadlock.
 *
 * @example
 * check(lostUpdate()).violation?.trace.map((s) => s.action)
 * // ['init', 'read(0)', 'read(1)', 'write(0)', 'write(1)']
 */
export function lostUpdate({
  threads = 2,
  increment = 'racy',
}: LostUpdateOptions = {}): Model<Counter> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`lostUpdate: threads must be a positive integer, got ${threads}`)
  }
  if (!INCREMENTS.includes(increment)) {
    throw new RangeError(
      `lostUpdate: increment must be one of ${INCREMENTS.join(', ')}, got ${JSON.stringify(increment)}`,
    )
  }
  const all = Array.from({ length: threads }, (_, i) => i)
  const ids = (): readonly number[] => all
  const actions =
    increment === 'racy'
      ? racyActions(ids)
      : increment === 'lock'
        ? lockedActions(ids)
        : casActions(ids)
  return defineModel<Counter>({
    name: `lost-update(${increment}, ${threads} threads)`,
    init: { counter: 0, lock: null, threads: all.map(() => START) },
    actions,
    invariants: { noLostUpdate },
    terminal: (s) => s.threads.every((t) => t.pc === 'done'),
  })
}
