// historyDiagram (a history and its verdict as plain JSON) and historyToSvg (its picture).
import { readFileSync } from 'node:fs'
import {
  checkLinearizability,
  failureWindow,
  type HistoryDiagram,
  historyDiagram,
  historyDiagramToSvg,
  historyToSvg,
  keyValueSpec,
  type Operation,
  OptionsError,
  registerSpec,
  type SequentialSpec,
} from '@musil/core'
import { describe, expect, it } from 'vitest'
import { INFO, kv, reg } from './histories.ts'

const register = registerSpec<number>({ initial: 0 })

/** Client a's write is seen by b, then c reads the old value: c's read cannot come next. */
const stale = [
  reg.write('a', 1, 0, 10),
  reg.read('b', 1, 1, 2),
  reg.read('c', 0, 3, 4),
  reg.write('b', 3, 5, INFO),
]
const staleResult = checkLinearizability(stale, register)

/** Each drawn operation's `<g>`: its classes, history index, tooltip, and bar geometry. */
interface Bar {
  readonly classes: string[]
  readonly index: number
  readonly title: string
  readonly x: number
  readonly y: number
  readonly width: number
  readonly label: string | undefined
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
}

function bars(svg: string): Bar[] {
  const re =
    /<g class="(op [^"]*)" data-index="(\d+)"><title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="20" rx="3"\/>(?:<text [^>]*>([^<]*)<\/text>)?<\/g>/g
  return [...svg.matchAll(re)].map((m) => ({
    classes: m[1]!.split(' '),
    index: Number(m[2]),
    title: unescapeXml(m[3]!),
    x: Number(m[4]),
    y: Number(m[5]),
    width: Number(m[6]),
    label: m[7] === undefined ? undefined : unescapeXml(m[7]),
  }))
}

/** The client names in the label column, top to bottom. */
function rowLabels(svg: string): string[] {
  return [...svg.matchAll(/<text x="12" y="[\d.]+">([^<]*)<\/text>/g)].map((m) =>
    unescapeXml(m[1]!),
  )
}

/** Every tag opened is closed, in order: the string is well-formed markup. */
function expectBalanced(svg: string): void {
  const open: string[] = []
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue
    if (m[1] === '/') expect(open.pop()).toBe(m[2])
    else open.push(m[2]!)
  }
  expect(open).toEqual([])
}

describe('historyDiagram', () => {
  it('gives each operation its interval, description and place in the verdict, as JSON that survives a round trip', () => {
    const diagram = historyDiagram(stale, staleResult, { spec: register })
    const expected: HistoryDiagram = {
      total: 4,
      verdict: 'not-linearizable',
      violation: { partition: 0, operations: 4, prefix: 2, state: '1' },
      operations: [
        {
          index: 0,
          client: 'a',
          call: 0,
          return: 10,
          description: 'write(1)',
          status: { kind: 'prefix', position: 0, before: '0', after: '1' },
        },
        {
          index: 1,
          client: 'b',
          call: 1,
          return: 2,
          description: 'read() → 1',
          status: { kind: 'prefix', position: 1, before: '1', after: '1' },
        },
        {
          index: 2,
          client: 'c',
          call: 3,
          return: 4,
          description: 'read() → 0',
          status: { kind: 'unplaceable', state: '1' },
        },
        {
          index: 3,
          client: 'b',
          call: 5,
          return: null,
          description: 'write(3)',
          status: { kind: 'not-reached' },
        },
      ],
    }
    expect(diagram).toEqual(expected)
    expect(JSON.parse(JSON.stringify(diagram))).toEqual(diagram)
  })

  it('without a spec describes structurally and knows only the state after the prefix', () => {
    const diagram = historyDiagram(stale, staleResult)
    expect(diagram.operations.map((op) => [op.description, op.status])).toEqual([
      ['{op: "write", value: 1} → undefined', { kind: 'prefix', position: 0 }],
      ['{op: "read"} → 1', { kind: 'prefix', position: 1, after: '1' }],
      ['{op: "read"} → 0', { kind: 'unplaceable', state: '1' }],
      ['{op: "write", value: 3} → ?', { kind: 'not-reached' }],
    ])
  })

  it('leaves every operation unmarked without a violation, and records the verdict it had', () => {
    const fine = [reg.write('a', 1, 0, 2), reg.read('b', 1, 3, 4)]
    const diagram = historyDiagram(fine, checkLinearizability(fine, register), { spec: register })
    expect(diagram.verdict).toBe('linearizable')
    expect(diagram.violation).toBeUndefined()
    expect(diagram.operations.map((op) => op.status)).toEqual([
      { kind: 'unmarked' },
      { kind: 'unmarked' },
    ])
    expect(historyDiagram(fine, undefined).verdict).toBeUndefined()
  })

  it("draws a violation's failure window by default, and the operations asked for otherwise", () => {
    const h = Array.from({ length: 100 }, (_, i) => reg.write('a', i, 2 * i, 2 * i + 1))
    h.push(reg.read('b', 3, 200, 201))
    const result = checkLinearizability(h, register)
    const window = failureWindow(h, result.violation!)
    expect(window.length).toBeLessThan(h.length)
    expect(historyDiagram(h, result).operations.map((op) => op.index)).toEqual(window)
    const chosen = historyDiagram(h, result, { spec: register, operations: [100, 3, 3, 99] })
    expect(chosen.total).toBe(101)
    expect(chosen.operations.map((op) => [op.index, op.status])).toEqual([
      [3, { kind: 'prefix', position: 3, before: '2', after: '3' }],
      [99, { kind: 'prefix', position: 99, before: '98', after: '99' }],
      [100, { kind: 'unplaceable', state: '99' }],
    ])
  })

  it('names the partition that failed when the spec partitions', () => {
    const h = [kv.put('a', 'x', '1', 0, 1), kv.put('a', 'y', '1', 0, 1), kv.get('b', 'y', '', 2, 3)]
    const diagram = historyDiagram(h, checkLinearizability(h, keyValueSpec()))
    expect(diagram.violation).toEqual({ partition: 1, operations: 2, prefix: 1, state: '"1"' })
    expect(diagram.operations.map((op) => op.index)).toEqual([1, 2])
  })

  it('rejects unknown options and indices that are not operations of the history', () => {
    expect(() => historyDiagram(stale, staleResult, { spce: register } as never)).toThrow(
      "unknown option 'spce' in historyDiagram(); did you mean 'spec'?",
    )
    expect(() => historyToSvg(stale, staleResult, { operation: [1] } as never)).toThrow(
      "unknown option 'operation' in historyToSvg(); did you mean 'operations'?",
    )
    for (const bad of [4, -1, 1.5]) {
      const e = (() => {
        try {
          historyToSvg(stale, staleResult, { operations: [0, bad] })
        } catch (error) {
          return error as OptionsError
        }
      })()
      expect(e).toBeInstanceOf(OptionsError)
      expect(e?.message).toBe(
        `historyToSvg(): 'operations' holds ${bad}, which is not the index of an operation of the history (0 to 3)`,
      )
      expect(e?.key).toBe('operations')
    }
  })
})

describe('historyToSvg', () => {
  const svg = historyToSvg(stale, staleResult, { spec: register })

  it('draws a row per client and a bar per operation, classed by what the verdict says of it', () => {
    expectBalanced(svg)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="musil-history" ')).toBe(
      true,
    )
    expect(rowLabels(svg)).toEqual(['a', 'b', 'c'])
    const drawn = bars(svg)
    expect(drawn.map((b) => [b.index, b.classes])).toEqual([
      [0, ['op', 'prefix']],
      [1, ['op', 'prefix']],
      [3, ['op', 'not-reached', 'open']],
      [2, ['op', 'unplaceable']],
    ])
    // One row per client: b's two operations share a row, a and c each have their own.
    const y = new Map(drawn.map((b) => [b.index, b.y]))
    expect(y.get(1)).toBe(y.get(3))
    expect(new Set([y.get(0), y.get(1), y.get(2)]).size).toBe(3)
    expect(y.get(0)! < y.get(1)! && y.get(1)! < y.get(2)!).toBe(true)
    // Bars follow the calls and returns: b's read lies within a's write, c's read after b's.
    const at = new Map(drawn.map((b) => [b.index, b]))
    const end = (i: number) => at.get(i)!.x + at.get(i)!.width
    expect(at.get(1)!.x).toBeGreaterThan(at.get(0)!.x)
    expect(end(1)).toBeLessThan(end(0))
    expect(at.get(2)!.x).toBeGreaterThan(end(1))
    // The write that never returned runs to the right edge, past every returned operation.
    expect(end(3)).toBeGreaterThan(end(0))
    expect(drawn.map((b) => b.label)).toEqual(['write(1)', 'read() → 1', 'write(3)', 'read() → 0'])
  })

  it('gives each bar a tooltip: the operation, its interval, and the states it met and left', () => {
    expect(Object.fromEntries(bars(svg).map((b) => [b.index, b.title]))).toEqual({
      0: '#0  client a  0..10\nwrite(1)\nlinearized 1st in the longest linearizable prefix: state 0 → 1',
      1: '#1  client b  1..2\nread() → 1\nlinearized 2nd in the longest linearizable prefix: state 1 → 1',
      2: '#2  client c  3..4\nread() → 0\ncannot come next: refused in state 1',
      3: '#3  client b  5..∞ (outcome unknown)\nwrite(3)\nnot in the longest linearizable prefix',
    })
  })

  it('marks a linearization point per prefix operation, left to right, and a legend of what is drawn', () => {
    const points = [...svg.matchAll(/<circle class="point" cx="([\d.]+)" cy="[\d.]+" r="2.6"\/>/g)]
    expect(points).toHaveLength(2)
    expect(Number(points[0]![1])).toBeLessThan(Number(points[1]![1]))
    expect(svg).toContain('<polyline class="linearization" points="')
    const keys = [...svg.matchAll(/<g class="key ([^"]+)">.*?<text [^>]*>([^<]*)<\/text><\/g>/g)]
    expect(keys.map((k) => [k[1], unescapeXml(k[2]!)])).toEqual([
      ['prefix', 'longest linearizable prefix (2 of 4 operations)'],
      ['unplaceable', 'cannot come next'],
      ['not-reached', 'not reached'],
      ['open', 'outcome unknown (never returned)'],
    ])
    expect(svg).toContain('>state after the prefix: 1</text>')
    expect(svg).toContain('<title>history of 4 operations: not-linearizable</title>')
  })

  it('escapes every piece of user text: descriptions, clients, states', () => {
    const payload = `<script>alert("x")</script>&'`
    const spec: SequentialSpec<string, string, string> = {
      init: () => payload,
      step: (state, input, output) => [output === state, input],
      describeOperation: (input, output) => `${input} → ${output} ${payload}`,
      describeState: (state) => `[${state}]`,
    }
    const h: Operation<string, string>[] = [
      { client: payload, input: 'set', call: 0, output: payload, return: 1 },
      { client: 'b', input: 'get', call: 2, output: 'nope', return: 3 },
    ]
    const drawn = historyToSvg(h, checkLinearizability(h, spec), { spec })
    expectBalanced(drawn)
    expect(drawn).not.toContain('<script')
    expect(drawn).not.toContain(payload)
    expect(drawn).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;')
    expect(rowLabels(drawn)).toEqual([payload, 'b'])
    const titles = bars(drawn).map((b) => b.title)
    expect(titles[0]).toContain(`set → ${payload} ${payload}`)
    expect(titles[1]).toContain(`cannot come next: refused in state [set]`)
  })

  it('is the same string for the same history, and holds nothing to fetch or run', () => {
    expect(historyToSvg(stale, staleResult, { spec: register })).toBe(svg)
    expect(historyDiagramToSvg(historyDiagram(stale, staleResult, { spec: register }))).toBe(svg)
    expect(svg).not.toMatch(/<script|href=|url\(|@import/)
    expect(svg.match(/https?:/g)).toEqual(['http:']) // the SVG namespace only
  })

  it('gives a client with overlapping operations a lane for each, and draws an unmarked history', () => {
    const h = [reg.write('a', 1, 0, INFO), reg.write('a', 2, 2, 4), reg.read('b', 2, 5, 6)]
    const drawn = historyToSvg(h, checkLinearizability(h, register), { spec: register })
    expect(rowLabels(drawn)).toEqual(['a', 'b'])
    const y = bars(drawn).map((b) => [b.index, b.y, b.classes.join(' ')])
    expect(y).toEqual([
      [0, 50, 'op unmarked open'],
      [1, 86, 'op unmarked'],
      [2, 122, 'op unmarked'],
    ])
    expect(drawn).toContain('>operation (the history is linearizable)</text>')
    expect(drawn).not.toContain('class="point"')
  })

  it('labels the call of the operation that cannot come next first when the ticks crowd', () => {
    const t0 = 1_000_000
    const h = Array.from({ length: 40 }, (_, i) =>
      reg.write(`w${i % 3}`, i, t0 + 3 * i, t0 + 3 * i + 2),
    )
    h.push(reg.read('r', 7, t0 + 119, t0 + 121))
    const drawn = historyToSvg(h, checkLinearizability(h, register), { spec: register })
    const tick = /<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d+)<\/text>/g
    const ticks = [...drawn.matchAll(tick)].map((m) => ({ x: Number(m[1]), time: Number(m[2]) }))
    // Not every time fits, but the refused read's call does.
    expect(ticks.length).toBeLessThan(new Set(h.flatMap((op) => [op.call, op.return])).size)
    expect(ticks.map((t) => t.time)).toContain(t0 + 119)
    // Labels 7 digits wide (about 45 px, centred) overlap neither each other nor the header.
    const xs = ticks.map((t) => t.x).sort((a, b) => a - b)
    expect(xs[0]).toBeGreaterThan(12 + 'client'.length * 6.6 + 22)
    for (let k = 1; k < xs.length; k++) expect(xs[k]! - xs[k - 1]!).toBeGreaterThan(45)
    expect(bars(drawn).find((b) => b.index === 40)?.classes).toEqual(['op', 'unplaceable'])
  })

  it('cuts a note too long for the picture, keeping it whole in its tooltip', () => {
    const big = Array.from({ length: 400 }, (_, i) => i)
    // A log that only grows: an append must return the new length.
    const spec: SequentialSpec<number[], number, number> = {
      init: () => big,
      step: (state, input, output) => [output === state.length + 1, [...state, input]],
    }
    const h: Operation<number, number>[] = [
      { client: 'a', input: 1, call: 0, output: 401, return: 1 },
      { client: 'a', input: 2, call: 2, output: 7, return: 3 },
    ]
    const drawn = historyToSvg(h, checkLinearizability(h, spec), { spec })
    const note =
      /<text class="tick" x="12" y="[\d.]+"><title>(state after the prefix: [^<]*)<\/title>([^<]*)<\/text>/.exec(
        drawn,
      )
    expect(note?.[1]).toBe(`state after the prefix: [${[...big, 1].join(', ')}]`)
    expect(note?.[2]?.endsWith('…')).toBe(true)
    expect(note?.[2]?.startsWith('state after the prefix: [0, 1, 2')).toBe(true)
    expect(Number(/^<svg [^>]* width="(\d+)"/.exec(drawn)?.[1])).toBe(1040)
  })

  it('is the picture docs/concepts/linearizability.md shows', () => {
    const spec = registerSpec<number>({ initial: 0 })
    const history = [reg.write('a', 1, 0, 10), reg.read('b', 1, 1, 2), reg.read('c', 0, 3, 4)]
    const file = new URL('../../../../docs/concepts/linearizability-history.svg', import.meta.url)
    expect(readFileSync(file, 'utf8')).toBe(
      `${historyToSvg(history, checkLinearizability(history, spec), { spec })}\n`,
    )
  })
})
