// One search engine: check, checkLiveness, checkRefinement, checkOpen and the state-graph
// renderer count, bound and cut the same way (TLC's conventions), because they share one BFS.
import {
  action,
  check,
  checkLiveness,
  checkOpenWith,
  checkRefinement,
  defineModel,
  type Model,
  stateGraph,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

interface Grid {
  readonly x: number
  readonly y: number
}

/**
 * A grid walk with every kind of step: plain actions, an `action.each`, a self-loop, a
 * duplicate initial state and a constraint that drops successors.
 */
const grid: Model<Grid> = defineModel<Grid>({
  name: 'grid',
  init: [
    { x: 0, y: 0 },
    { x: 0, y: 0 },
    { x: 1, y: 0 },
  ],
  actions: [
    action<Grid>(
      'right',
      (s) => s.x < 4,
      (s) => ({ ...s, x: s.x + 1 }),
    ),
    action.each<Grid, number>(
      'up',
      () => [1, 2],
      (s, d) => s.y + d <= 5,
      (s, d) => ({ ...s, y: s.y + d }),
    ),
    action<Grid>(
      'stay',
      () => true,
      (s) => s,
    ),
    action<Grid>(
      'home',
      (s) => s.x + s.y > 6,
      () => ({ x: 0, y: 0 }),
    ),
  ],
  // Drops the corner: (4, 5) is generated from (3, 5) and (4, 4), (4, 3), never stored.
  constraint: (s) => !(s.x === 4 && s.y === 5),
})

interface Counts {
  distinct: number
  generated: number
  depth: number
  complete: boolean
}

function viaCheck(maxStates?: number): Counts {
  const r = check(grid, maxStates === undefined ? {} : { maxStates })
  return { ...pick(r.stats), complete: r.complete }
}

function viaLiveness(maxStates?: number): Counts {
  const r = checkLiveness(grid, { goal: () => true, ...(maxStates !== undefined && { maxStates }) })
  return { ...pick(r.stats), complete: r.complete }
}

function viaRefinement(maxStates?: number): Counts {
  const r = checkRefinement(grid, grid, (s) => s, maxStates === undefined ? {} : { maxStates })
  return { ...pick(r.stats), complete: r.complete }
}

function viaOpen(maxStates?: number): Counts {
  const r = checkOpenWith(grid, [], maxStates === undefined ? {} : { maxStates }).result
  return { ...pick(r.stats), complete: r.complete }
}

function pick(s: { distinct: number; generated: number; depth: number }) {
  return { distinct: s.distinct, generated: s.generated, depth: s.depth }
}

describe('one search engine', () => {
  it('gives check its TLC counts on a model with every kind of step', () => {
    // 29 of the 30 grid points; the duplicate initial state is generated but stored once.
    // Counted independently by a naive BFS with string keys.
    expect(viaCheck()).toEqual({ distinct: 29, generated: 106, depth: 6, complete: true })
  })

  it('counts the same in checkLiveness', () => {
    expect(viaLiveness()).toEqual(viaCheck())
  })

  it('counts the same in checkRefinement', () => {
    expect(viaRefinement()).toEqual(viaCheck())
  })

  it('counts the same in checkOpen', () => {
    expect(viaOpen()).toEqual(viaCheck())
  })

  it('draws exactly the stored states in the state graph', () => {
    const g = stateGraph(grid, 1000)
    expect(g.complete).toBe(true)
    expect(g.nodes.length).toBe(viaCheck().distinct)
  })

  for (const maxStates of [1, 2, 3, 10, 28, 29]) {
    it(`cuts at maxStates ${maxStates} at the same state in every consumer`, () => {
      const expected = viaCheck(maxStates)
      expect(expected.distinct).toBe(Math.min(maxStates, 29))
      expect(expected.complete).toBe(maxStates >= 29)
      expect(viaLiveness(maxStates)).toEqual(expected)
      expect(viaRefinement(maxStates)).toEqual(expected)
      expect(viaOpen(maxStates)).toEqual(expected)
      const g = stateGraph(grid, maxStates)
      expect(g.nodes.length).toBe(expected.distinct)
      expect(g.complete).toBe(expected.complete)
    })
  }

  it('cuts at maxStates only on a new state, never on a duplicate', () => {
    // Two distinct initial states (the duplicate one between them does not trip the bound);
    // (0,0) -> right is (1,0), a duplicate; (0,0) -> up(1) is the first new state: cut there.
    const r = check(grid, { maxStates: 2 })
    expect(r.stats).toMatchObject({ distinct: 2, generated: 5 })
    expect(r.incomplete?.reason).toBe('maxStates')
  })

  it('probes the last level under maxDepth without counting it', () => {
    const r = check(grid, { maxDepth: 3 })
    expect(r.complete).toBe(false)
    expect(r.incomplete?.reason).toBe('maxDepth')
    expect(r.stats.depth).toBe(3)
    const whole = check(grid, { maxDepth: 6 })
    // The last level is probed (no new successor: complete) but its successors are not counted.
    expect(whole.complete).toBe(true)
    expect(pick(whole.stats)).toEqual({ distinct: 29, generated: 96, depth: 6 })
  })
})
