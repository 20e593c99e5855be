/**
 * checkLiveness against the definition. For small random graphs, a brute-force oracle
 * enumerates every set of states a behaviour could visit infinitely often and asks whether some
 * fair behaviour does so without meeting the goal; the checker's verdict must agree, and every
 * lasso it returns must be a real, fair, goal-avoiding behaviour.
 */
import { action, checkLiveness, defineModel, type LivenessViolation, type Model } from '@musil/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

type Fair = 'none' | 'weak' | 'strong'
/** A transition table: `table[s]` is the successor of `s`, or -1 where the action is disabled. */
type Table = number[]

interface Case {
  size: number
  init: number[]
  singles: { table: Table; fair: Fair }[]
  /** One action.each with two parameters, each with its own table. */
  each: { tables: [Table, Table]; fair: Fair }
  goal: boolean[]
  everywhere: boolean
}

interface Instance {
  label: string
  table: Table
  fair: Fair
}

const instancesOf = (c: Case): Instance[] => [
  ...c.singles.map((a, i) => ({ label: `a${i}`, table: a.table, fair: a.fair })),
  ...c.each.tables.map((table, p) => ({ label: `e(${p})`, table, fair: c.each.fair })),
]

function toModel(c: Case): Model<number> {
  return defineModel<number>({
    name: 'random',
    init: c.init,
    actions: [
      ...c.singles.map((a, i) =>
        action<number>(
          `a${i}`,
          (s) => a.table[s]! >= 0,
          (s) => a.table[s]!,
        ),
      ),
      action.each<number, number>(
        'e',
        () => [0, 1],
        (s, p) => c.each.tables[p]![s]! >= 0,
        (s, p) => c.each.tables[p]![s]!,
      ),
    ],
  })
}

const fairnessOptions = (c: Case) => {
  const names = [
    ...c.singles.map((a, i) => ({ name: `a${i}`, fair: a.fair })),
    { name: 'e', fair: c.each.fair },
  ]
  return {
    fair: names.filter((x) => x.fair === 'weak').map((x) => x.name),
    strongFair: names.filter((x) => x.fair === 'strong').map((x) => x.name),
  }
}

/** States reachable from `from` through states satisfying `allowed`. */
function reach(c: Case, from: number[], allowed: (s: number) => boolean): Set<number> {
  const seen = new Set(from.filter(allowed))
  const queue = [...seen]
  while (queue.length > 0) {
    const s = queue.pop()!
    for (const inst of instancesOf(c)) {
      const t = inst.table[s]!
      if (t >= 0 && allowed(t) && !seen.has(t)) {
        seen.add(t)
        queue.push(t)
      }
    }
  }
  return seen
}

const changes = (inst: Instance, s: number): boolean => inst.table[s]! >= 0 && inst.table[s] !== s

/** Is there a fair behaviour that visits exactly the states of `set` infinitely often? */
function fairSet(c: Case, set: number[]): boolean {
  const inSet = new Set(set)
  // Strongly connected using steps inside the set (a single state loops by stuttering).
  for (const s of set) {
    const r = reach(c, [s], (t) => inSet.has(t))
    if (r.size !== set.length) return false
  }
  for (const inst of instancesOf(c)) {
    if (inst.fair === 'none') continue
    const enabledAt = set.filter((s) => changes(inst, s)).length
    const taken = set.some((s) => changes(inst, s) && inSet.has(inst.table[s]!))
    if (taken) continue
    if (inst.fair === 'weak' && enabledAt === set.length) return false
    if (inst.fair === 'strong' && enabledAt > 0) return false
  }
  return true
}

function oracleFails(c: Case): boolean {
  const nonGoal = (s: number) => !c.goal[s]
  const start = c.everywhere ? reach(c, c.init, () => true) : reach(c, c.init, nonGoal)
  const candidates = [...Array(c.size).keys()].filter(nonGoal)
  for (let mask = 1; mask < 1 << candidates.length; mask++) {
    const set = candidates.filter((_, i) => mask & (1 << i))
    if (set.some((s) => start.has(s)) && fairSet(c, set)) return true
  }
  return false
}

/** Checks that the lasso is a behaviour of the model, avoids the goal where it must, and is fair. */
function validateLasso(c: Case, v: LivenessViolation<number>): void {
  const byLabel = new Map(instancesOf(c).map((i) => [i.label, i]))
  expect(c.init).toContain(v.prefix[0]!.state)
  expect(v.prefix[0]!.action).toBe('init')
  for (let k = 1; k < v.prefix.length; k++) {
    expect(byLabel.get(v.prefix[k]!.action)!.table[v.prefix[k - 1]!.state]).toBe(v.prefix[k]!.state)
  }
  const entry = v.prefix.at(-1)!.state
  if (!c.everywhere) for (const step of v.prefix) expect(c.goal[step.state]).toBe(false)
  const cycleStates = v.cycle.map((s) => s.state)
  for (const s of cycleStates) expect(c.goal[s]).toBe(false)
  expect(cycleStates.at(-1)).toBe(entry)
  const taken = new Set<string>()
  if (v.cycle.length === 1 && v.cycle[0]!.action === '(stutter)') {
    expect(v.cycle[0]!.state).toBe(entry)
  } else {
    let prev = entry
    for (const step of v.cycle) {
      expect(byLabel.get(step.action)!.table[prev]).toBe(step.state)
      expect(step.state).not.toBe(prev)
      // A transition is a step of every instance that makes it (TLA+'s <A>_v).
      for (const inst of instancesOf(c)) if (inst.table[prev] === step.state) taken.add(inst.label)
      prev = step.state
    }
  }
  for (const inst of instancesOf(c)) {
    if (inst.fair === 'none' || taken.has(inst.label)) continue
    const enabledAt = cycleStates.filter((s) => changes(inst, s)).length
    if (inst.fair === 'weak') expect(enabledAt).toBeLessThan(cycleStates.length)
    else expect(enabledAt).toBe(0)
  }
}

const arbCase: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 6 }).chain((size) => {
  const table = fc.array(fc.integer({ min: -1, max: size - 1 }), {
    minLength: size,
    maxLength: size,
  })
  const fair = fc.constantFrom<Fair>('none', 'weak', 'strong')
  return fc.record({
    size: fc.constant(size),
    init: fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { minLength: 1, maxLength: 2 }),
    singles: fc.array(fc.record({ table, fair }), { minLength: 1, maxLength: 3 }),
    each: fc.record({ tables: fc.tuple(table, table), fair }),
    goal: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
    everywhere: fc.boolean(),
  })
})

describe('checkLiveness agrees with a brute-force oracle', () => {
  it('on random graphs with weak, strong and per-instance fairness', () => {
    let violations = 0
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = checkLiveness(toModel(c), {
          goal: (s) => c.goal[s]!,
          everywhere: c.everywhere,
          ...fairnessOptions(c),
        })
        expect(r.complete).toBe(true)
        expect(r.ok).toBe(!oracleFails(c))
        if (r.violation) {
          violations++
          validateLasso(c, r.violation)
        }
      }),
      { numRuns: 3000, seed: 20261121 },
    )
    // The generator must exercise both verdicts.
    expect(violations).toBeGreaterThan(500)
    expect(violations).toBeLessThan(2500)
    // 3000 checks: about a second alone, several on a loaded 2-core machine.
  }, 60_000)
})
