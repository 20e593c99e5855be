/**
 * TCAS II: two aircraft on a collision course, each with a Traffic alert and Collision Avoidance
 * System. The two units coordinate complementary resolution advisories (RAs): one aircraft is
 * told to climb, the other to descend. The crews are the environment: what they actually do is
 * not up to the system. Four scenarios, each a few dozen states:
 *
 * 1. correct coordination: both crews follow their RAs (v7.0 logic) -> safe;
 * 2. Überlingen (1 July 2002): ATC tells the Tu-154 to descend, TCAS tells it to climb, and the
 *    crew follows ATC while the other aircraft follows its RA to descend -> collision;
 * 3. post-fix (v7.1): TCAS detects that both aircraft move the same way and issues a
 *    coordinated reversal to both -> safe even when a crew deviates;
 * 4. Tenerife-style reversal: the reversal reaches only one aircraft, so the two act on
 *    different pictures of the same situation; when the deviating crew then obeys its (stale)
 *    RA, both climb together -> collision.
 *
 * Units are abstract: altitude in steps of a few hundred feet, one time step per surveillance
 * cycle or so. The geometry is what matters, not the numbers.
 */
import {
  type Assumption,
  action,
  checkOpen,
  defineEnvironment,
  defineModel,
  type EnvironmentSpec,
  type Model,
  type OpenCheckResult,
} from '@musil/core'

/** The two aircraft of the Überlingen collision: Bashkirian 2937 (Tu-154) and DHL 611 (B757). */
export const AIRCRAFT = ['tu154', 'b757'] as const
/** One of the two aircraft. */
export type Id = (typeof AIRCRAFT)[number]
/** A vertical sense. */
export type Sense = 'climb' | 'descend'

/** One aircraft. */
export interface Aircraft {
  /** Altitude relative to the initial, shared flight level. */
  readonly alt: number
  /** Vertical rate per time step: -1, 0 or +1. */
  readonly rate: number
  /** The resolution advisory its TCAS shows. */
  readonly ra: Sense
  /** The RA was issued (or changed) and the crew has not responded yet. */
  readonly pending: boolean
  /** The crew is following ATC rather than its RA. */
  readonly deviating: boolean
}

/** The encounter. */
export interface Encounter {
  /** Time steps elapsed; the closest point of approach is at {@link CPA}. */
  readonly t: number
  readonly tu154: Aircraft
  readonly b757: Aircraft
  /** The encounter has had its one reversal. */
  readonly reversed: boolean
}

/** Time steps to the closest point of approach. */
export const CPA = 3
/** Minimum vertical separation at the closest point of approach. */
export const MIN_SEPARATION = 2
/** The ATC instruction to the Tu-154, which contradicts its RA. */
export const ATC_TO_TU154: Sense = 'descend'

/** The collision-avoidance logic. */
export type Logic = 'v7.0' | 'v7.1' | 'one-sided-reversal'
/** How the crews behave. */
export type Crews = 'compliant' | 'deviating'

const rateOf = (s: Sense): number => (s === 'climb' ? 1 : -1)
const flip = (s: Sense): Sense => (s === 'climb' ? 'descend' : 'climb')
const other = (id: Id): Id => (id === 'tu154' ? 'b757' : 'tu154')
const follows = (a: Aircraft): boolean => a.rate === rateOf(a.ra)
const set = (s: Encounter, id: Id, a: Partial<Aircraft>): Encounter => ({
  ...s,
  [id]: { ...s[id], ...a },
})

/** Both aircraft move the same way: the vertical chase in which the RAs no longer separate them. */
export function chase(s: Encounter): boolean {
  return s.tu154.rate !== 0 && s.tu154.rate === s.b757.rate
}

const reversalDue = (logic: Logic, s: Encounter): boolean =>
  logic !== 'v7.0' && !s.reversed && chase(s)

/** The two TCAS units and the aircraft's flight, with the given logic. */
export function tcas(logic: Logic): Model<Encounter> {
  const reverse =
    logic === 'v7.0'
      ? []
      : [
          action<Encounter>(
            'reverse',
            (s) => reversalDue(logic, s),
            (s) => {
              // The aircraft that is following its RA gets the reversal ...
              const complying: Id = follows(s.tu154) ? 'tu154' : 'b757'
              const reversed = set(s, complying, { ra: flip(s[complying].ra), pending: true })
              if (logic === 'one-sided-reversal') return { ...reversed, reversed: true }
              // ... and, coordinated, the other unit gets the complement.
              const peer = other(complying)
              return {
                ...set(reversed, peer, { ra: flip(s[peer].ra), pending: true }),
                reversed: true,
              }
            },
          ),
        ]
  const start = (ra: Sense): Aircraft => ({ alt: 0, rate: 0, ra, pending: true, deviating: false })
  return defineModel<Encounter>({
    name: `tcas ${logic}`,
    // Both aircraft at the same flight level; TCAS has just issued complementary RAs.
    init: { t: 0, tu154: start('climb'), b757: start('descend'), reversed: false },
    actions: [
      ...reverse,
      // One time step. No time passes while an RA is unanswered or a reversal is due: crews and
      // TCAS react within a step, an assumption the crew environment states.
      action<Encounter>(
        'fly',
        (s) => s.t < CPA && !s.tu154.pending && !s.b757.pending && !reversalDue(logic, s),
        (s) => ({
          ...s,
          t: s.t + 1,
          tu154: { ...s.tu154, alt: s.tu154.alt + s.tu154.rate },
          b757: { ...s.b757, alt: s.b757.alt + s.b757.rate },
        }),
      ),
    ],
    invariants: {
      noCollision: (s) => s.t < CPA || Math.abs(s.tu154.alt - s.b757.alt) >= MIN_SEPARATION,
    },
    terminal: (s) => s.t === CPA,
  })
}

const INTRO_71 = 'FAA, "Introduction to TCAS II Version 7.1" (2011)'
const PANS_OPS =
  'ICAO Doc 8168, Procedures for Air Navigation Services: Aircraft Operations (PANS-OPS), Volume I, ACAS procedures'
const BFU =
  'BFU (German Federal Bureau of Aircraft Accident Investigation), investigation report on the mid-air collision near Überlingen, 1 July 2002'

const promptResponse: Assumption = {
  name: 'prompt-response',
  description:
    'Crews respond to an RA before the next time step and TCAS reverses within a step; the RA logic itself assumes a response within about 5 s to an initial RA and 2.5 s to a reversal',
  source: INTRO_71,
  status: 'unverified',
}

/** The crews: the environment. Compliant crews follow every RA; a deviating Tu-154 crew may follow ATC. */
export function crews(kind: Crews): EnvironmentSpec<Encounter> {
  const followRA = action.each<Encounter, Id>(
    'followRA',
    () => AIRCRAFT,
    (s, id) => s[id].pending,
    (s, id) => set(s, id, { rate: rateOf(s[id].ra), pending: false, deviating: false }),
  )
  if (kind === 'compliant') {
    return defineEnvironment<Encounter>({
      name: 'crew',
      actions: [followRA],
      assumptions: [
        {
          name: 'crews-follow-ras',
          description:
            'Both crews follow every RA, including when it contradicts an ATC instruction',
          source: PANS_OPS,
          status: 'unverified',
        },
        promptResponse,
      ],
    })
  }
  return defineEnvironment<Encounter>({
    name: 'crew',
    actions: [
      followRA,
      // The Tu-154 crew follows the controller's instruction instead of the RA ...
      action.each<Encounter, Id>(
        'followATC',
        () => ['tu154'],
        (s, id) => s[id].pending && s[id].ra !== ATC_TO_TU154,
        (s, id) => set(s, id, { rate: rateOf(ATC_TO_TU154), pending: false, deviating: true }),
      ),
      // ... and may later turn to the RA it has been ignoring.
      action.each<Encounter, Id>(
        'complyLate',
        () => ['tu154'],
        (s, id) => s[id].deviating && !s[id].pending,
        (s, id) => set(s, id, { rate: rateOf(s[id].ra), deviating: false }),
      ),
    ],
    assumptions: [
      {
        name: 'tu154-crew-may-deviate',
        description:
          'The Tu-154 crew may follow ATC instead of its RA, and may comply with the RA later: the search explores every such choice',
        source: BFU,
        status: 'verified',
      },
      {
        name: 'b757-crew-follows-ras',
        description: 'The other crew follows every RA it is given',
        source: PANS_OPS,
        status: 'unverified',
      },
      promptResponse,
    ],
  })
}

/** The four scenarios. */
export const SCENARIOS = {
  'correct-coordination': { logic: 'v7.0', crews: 'compliant' },
  uberlingen: { logic: 'v7.0', crews: 'deviating' },
  'post-fix': { logic: 'v7.1', crews: 'deviating' },
  'tenerife-reversal': { logic: 'one-sided-reversal', crews: 'deviating' },
} as const satisfies Record<string, { logic: Logic; crews: Crews }>

/** A scenario's name. */
export type Scenario = keyof typeof SCENARIOS

/** Checks one scenario: the TCAS logic against the crews. */
export function checkScenario(scenario: Scenario): OpenCheckResult<Encounter> {
  const { logic, crews: kind } = SCENARIOS[scenario]
  return checkOpen(tcas(logic), crews(kind))
}

/** One line per state, for counterexamples: `t=1  tu154 -1 ↓ RA climb (follows ATC)  b757 -1 ↓ RA descend`. */
export function formatEncounter(s: Encounter): string {
  const arrow = (rate: number) => (rate > 0 ? '↑' : rate < 0 ? '↓' : '-')
  const one = (id: Id) => {
    const a = s[id]
    const note = a.pending ? ' (not yet answered)' : a.deviating ? ' (follows ATC)' : ''
    return `${id} ${String(a.alt).padStart(2)} ${arrow(a.rate)} RA ${a.ra.padEnd(7)}${note}`
  }
  return `t=${s.t}  ${one('tu154').padEnd(44)}${one('b757')}`.trimEnd()
}
