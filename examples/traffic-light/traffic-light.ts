/**
 * Traffic lights: the smallest finite-state machine worth checking. One light cycles
 * red → green → yellow → red. Two lights guarding a crossing must never let both directions
 * move at once, and whether they do depends on the rule that lets a light turn green.
 */
import { type Action, action, defineModel, type Model } from '@musil/core'

/** What a light shows. Yellow still lets traffic through: only red stops it. */
export type Colour = 'red' | 'green' | 'yellow'

/** The two directions at a crossing. */
export type Direction = 'northSouth' | 'eastWest'

/** The two lights of a crossing, one per direction. */
export interface Crossing {
  readonly northSouth: Colour
  readonly eastWest: Colour
}

/**
 * The rule that lets a light turn green:
 * - `cross-not-green`: the crossing light is not green (the tempting, wrong rule: it forgets that
 *   yellow still lets traffic through);
 * - `cross-red`: the crossing light is red.
 */
export type Interlock = 'cross-not-green' | 'cross-red'

const DIRECTIONS: readonly Direction[] = ['northSouth', 'eastWest']

const cross = (d: Direction): Direction => (d === 'northSouth' ? 'eastWest' : 'northSouth')

/** A single light on its own: three states in a cycle, none of them a dead end. */
export function trafficLight(): Model<Colour> {
  return defineModel<Colour>({
    name: 'traffic-light',
    init: 'red',
    actions: [
      action<Colour>(
        'RedToGreen',
        (c) => c === 'red',
        () => 'green',
      ),
      action<Colour>(
        'GreenToYellow',
        (c) => c === 'green',
        () => 'yellow',
      ),
      action<Colour>(
        'YellowToRed',
        (c) => c === 'yellow',
        () => 'red',
      ),
    ],
  })
}

/** The lights of a crossing; each direction runs the single light's cycle, gated by `interlock`. */
export function crossingActions(interlock: Interlock): Action<Crossing>[] {
  const mayTurnGreen = (s: Crossing, d: Direction): boolean =>
    interlock === 'cross-red' ? s[cross(d)] === 'red' : s[cross(d)] !== 'green'
  const directions = (): readonly Direction[] => DIRECTIONS
  return [
    action.each<Crossing, Direction>(
      'turnGreen',
      directions,
      (s, d) => s[d] === 'red' && mayTurnGreen(s, d),
      (s, d) => ({ ...s, [d]: 'green' }),
    ),
    action.each<Crossing, Direction>(
      'turnYellow',
      directions,
      (s, d) => s[d] === 'green',
      (s, d) => ({ ...s, [d]: 'yellow' }),
    ),
    action.each<Crossing, Direction>(
      'turnRed',
      directions,
      (s, d) => s[d] === 'yellow',
      (s, d) => ({ ...s, [d]: 'red' }),
    ),
  ]
}

/** Safety of a crossing: at every moment at least one direction is held at red. */
export const crossTrafficStopped = (s: Crossing): boolean =>
  s.northSouth === 'red' || s.eastWest === 'red'

/**
 * A crossing that powers up all red (as real controllers do) and lets a light turn green
 * according to `interlock`.
 *
 * @example
 * check(crossing('cross-not-green')).violation?.name // 'crossTrafficStopped'
 * check(crossing('cross-red')).stats.distinct        // 5
 */
export function crossing(interlock: Interlock): Model<Crossing> {
  if (interlock !== 'cross-red' && interlock !== 'cross-not-green') {
    throw new RangeError(
      `crossing: interlock must be 'cross-red' or 'cross-not-green', got ${JSON.stringify(interlock)}`,
    )
  }
  return defineModel<Crossing>({
    name: `crossing(${interlock})`,
    init: { northSouth: 'red', eastWest: 'red' },
    actions: crossingActions(interlock),
    invariants: { crossTrafficStopped },
  })
}
