/**
 * Mutual exclusion for two processes with nothing but shared reads and writes. Two natural
 * attempts with flags fail (one admits both processes, the other wedges them); Peterson's
 * algorithm adds a `turn` variable and is correct, and the order of its two writes matters.
 */
import { type Action, action, defineModel, type Model } from '@musil/core'

/** A process's program counter. */
export type Pc =
  /** In its non-critical section. */
  | 'idle'
  /** Past the entry check, about to raise its flag (`check-then-flag` only). */
  | 'checked'
  /** Flag raised, `turn` not yet given away (`peterson` only). */
  | 'flagged'
  /** Turn given away, flag not yet raised (`turn-then-flag` only). */
  | 'yielded'
  /** Spinning on the entry condition. */
  | 'waiting'
  /** In the critical section. */
  | 'critical'

/** Shared memory and both program counters. Process ids are 0 and 1. */
export interface Mutex {
  readonly pc: readonly [Pc, Pc]
  readonly flag: readonly [boolean, boolean]
  /** Which process must wait when both want in (Peterson's variants only; 0 otherwise). */
  readonly turn: 0 | 1
}

/**
 * The entry protocol:
 * - `check-then-flag`: wait until the other's flag is down, then raise mine;
 * - `flag-then-check`: raise mine, then wait until the other's flag is down;
 * - `peterson`: raise mine, give the turn away, wait until the other's flag is down or it is my turn;
 * - `turn-then-flag`: Peterson's two writes in the opposite order.
 */
export type Protocol = 'check-then-flag' | 'flag-then-check' | 'peterson' | 'turn-then-flag'

/** Every entry protocol, bug first. */
export const PROTOCOLS: readonly Protocol[] = [
  'check-then-flag',
  'flag-then-check',
  'turn-then-flag',
  'peterson',
]

type Id = 0 | 1
const IDS: readonly Id[] = [0, 1]
const ids = (): readonly Id[] => IDS
const other = (i: Id): Id => (i === 0 ? 1 : 0)

function pair<T>(xs: readonly [T, T], i: Id, v: T): [T, T] {
  return i === 0 ? [v, xs[1]] : [xs[0], v]
}

/** Moves process `i` to `pc`, optionally setting its flag and the turn. */
function step(s: Mutex, i: Id, pc: Pc, change: { flag?: boolean; turn?: Id } = {}): Mutex {
  return {
    pc: pair(s.pc, i, pc),
    flag: change.flag === undefined ? s.flag : pair(s.flag, i, change.flag),
    turn: change.turn ?? s.turn,
  }
}

/** The guarded step from `from` to `to`, for each process. */
function move(
  name: string,
  from: Pc,
  to: Pc,
  guard: (s: Mutex, i: Id) => boolean = () => true,
  change: (i: Id) => { flag?: boolean; turn?: Id } = () => ({}),
): Action<Mutex> {
  return action.each<Mutex, Id>(
    name,
    ids,
    (s, i) => s.pc[i] === from && guard(s, i),
    (s, i) => step(s, i, to, change(i)),
  )
}

const otherFlagDown = (s: Mutex, i: Id): boolean => !s.flag[other(i)]
const petersonMayEnter = (s: Mutex, i: Id): boolean => !s.flag[other(i)] || s.turn === i

function entry(protocol: Protocol): Action<Mutex>[] {
  switch (protocol) {
    case 'check-then-flag':
      return [
        move('check', 'idle', 'checked', otherFlagDown),
        move('raiseFlag', 'checked', 'critical', undefined, () => ({ flag: true })),
      ]
    case 'flag-then-check':
      return [
        move('raiseFlag', 'idle', 'waiting', undefined, () => ({ flag: true })),
        move('enter', 'waiting', 'critical', otherFlagDown),
      ]
    case 'peterson':
      return [
        move('raiseFlag', 'idle', 'flagged', undefined, () => ({ flag: true })),
        move('yieldTurn', 'flagged', 'waiting', undefined, (i) => ({ turn: other(i) })),
        move('enter', 'waiting', 'critical', petersonMayEnter),
      ]
    case 'turn-then-flag':
      return [
        move('yieldTurn', 'idle', 'yielded', undefined, (i) => ({ turn: other(i) })),
        move('raiseFlag', 'yielded', 'waiting', undefined, () => ({ flag: true })),
        move('enter', 'waiting', 'critical', petersonMayEnter),
      ]
    default:
      throw new RangeError(
        `twoProcessMutex: unknown protocol ${JSON.stringify(protocol)}; use one of ${PROTOCOLS.join(', ')}`,
      )
  }
}

/** The safety property: never both processes in the critical section. */
export const mutualExclusion = (s: Mutex): boolean =>
  !(s.pc[0] === 'critical' && s.pc[1] === 'critical')

/**
 * Two processes looping forever through idle, entry protocol, critical section and exit (lower
 * the flag). No state is terminal: a state without successors is a deadlock.
 *
 * @example
 * check(twoProcessMutex('peterson')).ok                          // true
 * check(twoProcessMutex('turn-then-flag')).violation?.name       // 'mutualExclusion'
 */
export function twoProcessMutex(protocol: Protocol): Model<Mutex> {
  return defineModel<Mutex>({
    name: `mutex(${protocol})`,
    init: { pc: ['idle', 'idle'], flag: [false, false], turn: 0 },
    actions: [
      ...entry(protocol),
      move('exit', 'critical', 'idle', undefined, () => ({ flag: false })),
    ],
    invariants: { mutualExclusion },
  })
}
