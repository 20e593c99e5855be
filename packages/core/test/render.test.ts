import { action, check, defineModel, diffStates, formatTrace, toDot, toMermaid } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'

describe('formatTrace', () => {
  it('prints the initial state in full, then only what each step changed', () => {
    const trace = check(dieHard()).violation!.trace
    expect(formatTrace(trace)).toBe(
      [
        '0  init        {small: 0, big: 0}',
        '1  FillBig     big: 0 → 5',
        '2  BigToSmall  small: 0 → 3, big: 5 → 2',
        '3  EmptySmall  small: 3 → 0',
        '4  BigToSmall  small: 0 → 2, big: 2 → 0',
        '5  FillBig     big: 0 → 5',
        '6  BigToSmall  small: 2 → 3, big: 5 → 4',
      ].join('\n'),
    )
  })

  it('shows set members added and removed, nested paths, and steps that change nothing', () => {
    expect(
      diffStates({ a: { b: new Set([1]) } }, { a: { b: new Set([2]) } }).map((c) => c.kind),
    ).toEqual(['remove', 'add'])
    const trace = [
      { action: 'init', state: { msgs: new Set<string>(), rm: { r1: 'working' } } },
      { action: 'prepare(r1)', state: { msgs: new Set(['prepared:r1']), rm: { r1: 'prepared' } } },
      { action: 'noop', state: { msgs: new Set(['prepared:r1']), rm: { r1: 'prepared' } } },
    ]
    expect(formatTrace(trace).split('\n').slice(1)).toEqual([
      '1  prepare(r1)  msgs += "prepared:r1", rm.r1: "working" → "prepared"',
      '2  noop         (no change)',
    ])
    expect(formatTrace(trace, { full: true }).split('\n')[2]).toBe(
      '2  noop         {msgs: Set{"prepared:r1"}, rm: {r1: "prepared"}}',
    )
  })
})

describe('diagrams', () => {
  it('draws the Die Hard state graph in DOT with the solution path in red', () => {
    const m = dieHard()
    const dot = toDot(m, { highlight: check(m).violation!.trace })
    expect(dot.startsWith('digraph states {')).toBe(true)
    expect(dot.match(/^ {2}s\d+ \[label=/gm)).toHaveLength(16)
    expect(dot).toContain('s0 [label="{small: 0, big: 0}", penwidth=2]')
    expect(dot).toMatch(/xlabel="violates bigNotFour"/)
    expect(dot.match(/color="#d62728", penwidth=2\.5/g)).toHaveLength(6)
  })

  it('says when the picture was cut', () => {
    const unbounded = defineModel({
      init: { n: 0 },
      actions: [
        action<{ n: number }>(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
      ],
    })
    expect(toDot(unbounded, { maxStates: 5 })).toContain('cut at 5 states')
    expect(toMermaid(unbounded, { maxStates: 5 })).toContain('cut at 5 states')
  })

  it('draws a trace as a Mermaid flowchart whose last node is marked', () => {
    const mermaid = toMermaid(check(dieHard()).violation!.trace)
    expect(mermaid.split('\n').slice(0, 4)).toEqual([
      'flowchart TD',
      '  s0(["{small: 0, big: 0}"])',
      '  s1["big: 0 → 5"]',
      '  s0 -->|"FillBig"| s1',
    ])
    expect(mermaid).toContain('class s6 bad')
  })

  it('draws a check result as DOT', () => {
    expect(
      toDot(check(dieHard()))
        .split('\n')
        .filter((l) => l.includes('->')),
    ).toHaveLength(6)
  })
})
