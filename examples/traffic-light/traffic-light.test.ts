import { readFileSync } from 'node:fs'
import { check, formatValue, toMermaid } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  type Colour,
  type Crossing,
  crossing,
  crossTrafficStopped,
  type Interlock,
  trafficLight,
} from './traffic-light.ts'

const COLOURS: readonly Colour[] = ['red', 'green', 'yellow']

describe('traffic light', () => {
  it('design: a single light is a three-state cycle with no dead end', () => {
    const r = check(trafficLight())
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    // red, green, yellow; init plus one successor each (yellow's leads back to red).
    expect(r.stats).toMatchObject({ distinct: 3, generated: 4, depth: 3 })
  })

  it('model the error: "cross light not green" lets one direction go green while the other is yellow', () => {
    const r = check(crossing('cross-not-green'))
    expect(r.ok).toBe(false)
    const v = r.violation!
    expect(v.kind).toBe('invariant')
    expect(v.name).toBe('crossTrafficStopped')
    expect(v.trace).toHaveLength(4)
    expect(v.trace.map((s) => s.action)).toEqual([
      'init',
      'turnGreen(northSouth)',
      'turnYellow(northSouth)',
      'turnGreen(eastWest)',
    ])
    expect(v.trace.at(-1)!.state).toEqual({ northSouth: 'yellow', eastWest: 'green' })
  })

  it('prevent: "cross light red" keeps one direction at red in all 5 reachable states', () => {
    const r = check(crossing('cross-red'))
    expect(r.ok).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.stats).toMatchObject({ distinct: 5, depth: 3 })
    // Independent count: of the 9 colour pairs, exactly those with a red light are safe. The
    // checker found no unsafe reachable state, and as many reachable states as safe pairs, so
    // the reachable states are exactly the safe pairs: every safe configuration occurs.
    const safe = COLOURS.flatMap((ns) =>
      COLOURS.map((ew): Crossing => ({ northSouth: ns, eastWest: ew })),
    ).filter(crossTrafficStopped)
    expect(safe).toHaveLength(5)
    expect(r.stats.distinct).toBe(safe.length)
  })

  it('guard: the counterexample replays identically', () => {
    const once = check(crossing('cross-not-green')).violation!.trace.map(
      (s) => `${s.action} ${formatValue(s.state)}`,
    )
    const again = check(crossing('cross-not-green')).violation!.trace.map(
      (s) => `${s.action} ${formatValue(s.state)}`,
    )
    expect(again).toEqual(once)
  })

  it("guard: the page's state diagrams have exactly the edges of the models' state graphs", () => {
    const page = readFileSync(
      new URL('../../docs/examples/traffic-light.md', import.meta.url),
      'utf8',
    )
    const [single, fixed] = diagramEdges(page)
    expect(single).toHaveLength(3)
    expect(fixed).toHaveLength(6)
    expect(single).toEqual(graphEdges(toMermaid(trafficLight(), { label: (c) => c })))
    const label = (s: Crossing) => `NS ${s.northSouth} · EW ${s.eastWest}`
    expect(fixed).toEqual(graphEdges(toMermaid(crossing('cross-red'), { label })))
  })

  it('rejects an unknown interlock, naming the valid ones', () => {
    expect(() => crossing('amber' as Interlock)).toThrow(RangeError)
    expect(() => crossing('amber' as Interlock)).toThrow(
      `crossing: interlock must be 'cross-red' or 'cross-not-green', got "amber"`,
    )
  })
})

/** `from -action-> to` for every edge of a `toMermaid` flowchart, sorted. */
function graphEdges(flowchart: string): string[] {
  const names = new Map<string, string>()
  for (const m of flowchart.matchAll(/^ {2}(s\d+)\(?\["(.*)"\]\)?$/gm)) names.set(m[1]!, m[2]!)
  return [...flowchart.matchAll(/^ {2}(s\d+) -->\|"(.*)"\| (s\d+)$/gm)]
    .map((m) => `${names.get(m[1]!)} -${m[2]}-> ${names.get(m[3]!)}`)
    .sort()
}

/** The same, for every `stateDiagram-v2` block of a page (aliases resolved, `[*]` edges dropped). */
function diagramEdges(markdown: string): string[][] {
  return [...markdown.matchAll(/```mermaid\nstateDiagram-v2\n([\s\S]*?)```/g)].map(([, body]) => {
    const names = new Map<string, string>()
    for (const m of body!.matchAll(/^ *state "(.*)" as (\w+)$/gm)) names.set(m[2]!, m[1]!)
    const name = (x: string) => names.get(x) ?? x
    return [...body!.matchAll(/^ *(\w+) --> (\w+): (\S+)$/gm)]
      .map((m) => `${name(m[1]!)} -${m[3]}-> ${name(m[2]!)}`)
      .sort()
  })
}
