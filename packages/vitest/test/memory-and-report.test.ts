// The memory of failing seeds and the HTML report (escaping of user data).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { historyDiagramToSvg } from '@musil/core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  failingSeedsLine,
  MAX_REMEMBERED,
  memoryPath,
  readMemory,
  updateMemory,
  writeMemory,
} from '../src/failing-seeds.ts'
import { escapeHtml, renderHtmlReport } from '../src/html-report.ts'

const dirs: string[] = []
function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'musil-memory-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('failing-seed memory', () => {
  it('adds a failing seed in front, keeps retrying it, and drops it once it passes', () => {
    let m = updateMemory({}, [{ key: 'a', passed: false, seed: 7 }])
    expect(m).toEqual({ a: [7] })
    m = updateMemory(m, [{ key: 'a', passed: false, seed: 3 }])
    expect(m).toEqual({ a: [3, 7] })
    m = updateMemory(m, [{ key: 'a', passed: true, seed: 3 }])
    expect(m).toEqual({ a: [7] })
    m = updateMemory(m, [{ key: 'a', passed: true, seed: 7 }])
    expect(m).toEqual({})
  })

  it("replaces a sweep's entry by its failing seeds, and clears it when the sweep passes", () => {
    let m = updateMemory({ other: [1] }, [{ key: 's', passed: false, failingSeeds: [4, 9] }])
    expect(m).toEqual({ other: [1], s: [4, 9] })
    m = updateMemory(m, [{ key: 's', passed: false, failingSeeds: [9] }])
    expect(m.s).toEqual([9])
    m = updateMemory(m, [{ key: 's', passed: true, failingSeeds: [] }])
    expect(m).toEqual({ other: [1] })
    const many = Array.from({ length: 500 }, (_, i) => i)
    expect(updateMemory({}, [{ key: 's', passed: false, failingSeeds: many }]).s).toHaveLength(
      MAX_REMEMBERED,
    )
  })

  it('round-trips through .musil/failing-seeds.json and ignores a corrupt file with a warning', () => {
    const root = tempRoot()
    expect(readMemory(root)).toEqual({})
    writeMemory(root, { 'b.test.ts > y': [2], 'a.test.ts > x': [5, 1], empty: [] })
    expect(readMemory(root)).toEqual({ 'a.test.ts > x': [5, 1], 'b.test.ts > y': [2] })
    expect(JSON.parse(readFileSync(memoryPath(root), 'utf8')).version).toBe(1)
    writeFileSync(memoryPath(root), '{ not json')
    const warnings: string[] = []
    expect(readMemory(root, (w) => warnings.push(w))).toEqual({})
    expect(warnings[0]).toMatch(
      /^\[musil\] ignoring .*failing-seeds\.json: .* \(delete it to start afresh\)$/,
    )
    writeFileSync(memoryPath(root), JSON.stringify({ version: 2, seeds: {} }))
    expect(readMemory(root, (w) => warnings.push(w))).toEqual({})
    expect(warnings[1]).toContain('unknown format')
  })
})

describe('the failing seeds line of messages and the reporter', () => {
  it('lists the first 20 seeds with the total, and says when there are more', () => {
    const seeds = Array.from({ length: 25 }, (_, i) => i * 2)
    expect(failingSeedsLine([3, 9])).toBe('failing seeds (2): 3, 9')
    expect(failingSeedsLine(seeds.slice(0, 20))).toBe(
      `failing seeds (20): ${seeds.slice(0, 20).join(', ')}`,
    )
    expect(failingSeedsLine(seeds)).toBe(`failing seeds (25): ${seeds.slice(0, 20).join(', ')}, …`)
    // A list already capped (task meta keeps 100 seeds) with the real total.
    expect(failingSeedsLine(seeds.slice(0, 20), 140)).toBe(
      `failing seeds (140): ${seeds.slice(0, 20).join(', ')}, …`,
    )
  })
})

describe('HTML report', () => {
  const payload = `<script>alert("x")</script><img src=x onerror='y'>&amp;`

  it('escapes user data in every field: test name, failure, trace, diagrams, history, command', () => {
    const html = renderHtmlReport(
      [
        {
          test: `file.test.ts > ${payload}`,
          seed: 17,
          replay: `MUSIL_SEED=17 npx vitest run file.test.ts -t '^${payload}$'`,
          failingSeeds: [17, 20],
          failingSeedsTotal: 30,
          failure: {
            kind: 'safety',
            seed: 17,
            detail: `invariant ${payload} violated`,
            trace: `t=0  deliver  a -> b  ${payload}`,
            mermaid: `sequenceDiagram\n  p0->>p1: ${payload}`,
            history: `history of the failing run: ${payload}`,
            historyDiagram: {
              total: 1,
              verdict: 'not-linearizable',
              violation: { partition: 0, operations: 1, prefix: 0, state: payload },
              operations: [
                {
                  index: 0,
                  client: payload,
                  call: 0,
                  return: null,
                  description: payload,
                  status: { kind: 'unplaceable', state: payload },
                },
              ],
            },
            originalLength: 12,
          },
        },
        { test: payload, error: payload },
      ],
      undefined,
      historyDiagramToSvg,
    )
    // The only scripts are the explorer's own and its data (JSON, where `<` is `\u003c`); no
    // user tag survives, and nothing is fetched from the network.
    expect(html.match(/<script/g)).toHaveLength(2)
    expect(html).toContain('<script type="application/json" id="musil-data">')
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/)
    expect(html).not.toContain('<img')
    expect(html).not.toContain(payload)
    const escaped = escapeHtml(payload)
    expect(escaped).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;',
    )
    expect(html).toContain(`<h2>file.test.ts &gt; ${escaped}</h2>`)
    expect(html).toContain(`<pre class="trace">t=0  deliver  a -&gt; b  ${escaped}</pre>`)
    expect(html).toContain(
      `<pre class="mermaid">sequenceDiagram\n  p0-&gt;&gt;p1: ${escaped}</pre>`,
    )
    expect(html).toContain('<dt>failing seeds</dt><dd>17, 20 … (30 in all)</dd>')
    expect(html).toContain('<h3>trace (minimised from 12 events)</h3>')
    expect(html).toContain(`<h3>error</h3><pre>${escaped}</pre>`)
    expect(html).toContain(`<title>#0  client ${escaped}  0..∞ (outcome unknown)\n${escaped}\n`)
    expect(html).toContain(`<pre class="history">history of the failing run: ${escaped}</pre>`)
    expect(renderHtmlReport([], payload)).toContain(`<title>${escaped}</title>`)
  })
})
