/**
 * The Die Hard jugs puzzle: with a 3-gallon and a 5-gallon jug, measure exactly 4 gallons.
 * The "bug" is the puzzle's solution: an invariant claiming the big jug never holds 4 gallons
 * is violated, and BFS returns the shortest sequence of pours.
 */
import { action, defineModel, type Model } from '@musil/core'

/** Gallons in each jug. */
export interface Jugs {
  readonly small: number
  readonly big: number
}

const SMALL = 3
const BIG = 5

/** The six moves of the puzzle, as in Lamport's DieHard spec. */
export const jugActions = [
  action<Jugs>(
    'FillSmall',
    (s) => s.small < SMALL,
    (s) => ({ ...s, small: SMALL }),
  ),
  action<Jugs>(
    'FillBig',
    (s) => s.big < BIG,
    (s) => ({ ...s, big: BIG }),
  ),
  action<Jugs>(
    'EmptySmall',
    (s) => s.small > 0,
    (s) => ({ ...s, small: 0 }),
  ),
  action<Jugs>(
    'EmptyBig',
    (s) => s.big > 0,
    (s) => ({ ...s, big: 0 }),
  ),
  action<Jugs>(
    'SmallToBig',
    (s) => s.small > 0 && s.big < BIG,
    (s) => {
      const poured = Math.min(s.small, BIG - s.big)
      return { small: s.small - poured, big: s.big + poured }
    },
  ),
  action<Jugs>(
    'BigToSmall',
    (s) => s.big > 0 && s.small < SMALL,
    (s) => {
      const poured = Math.min(s.big, SMALL - s.small)
      return { small: s.small + poured, big: s.big - poured }
    },
  ),
]

const typeOK = (s: Jugs): boolean => s.small >= 0 && s.small <= SMALL && s.big >= 0 && s.big <= BIG

/**
 * The puzzle. With `solve` (the default) it carries the invariant "the big jug never holds 4
 * gallons", whose shortest counterexample is the solution; without it, only the type invariant,
 * so `check` explores every reachable state (16).
 */
export function dieHard({ solve = true }: { solve?: boolean } = {}): Model<Jugs> {
  return defineModel<Jugs>({
    name: 'die-hard',
    init: { small: 0, big: 0 },
    actions: jugActions,
    invariants: solve ? { typeOK, bigNotFour: (s) => s.big !== 4 } : { typeOK },
  })
}
