/**
 * The textbook's pages must show what musil really prints. Every chapter has a page and a row in
 * the index, and every counterexample a page shows is the one `check` returns today, as
 * `formatTrace` renders it (a change to a model, or to the renderer, fails here until the page
 * is updated).
 */
import { readFileSync } from 'node:fs'
import { check, formatTrace, type Model } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { bankTransfer } from './bank-transfer/bank-transfer.ts'
import { chapters, sections } from './chapters.ts'
import { dieHard } from './die-hard/die-hard.ts'
import { diningPhilosophers } from './dining-philosophers/dining-philosophers.ts'
import { leaderElection } from './leader-election/leader-election.ts'
import { lockFencing } from './lock-fencing/lock-fencing.ts'
import { lostUpdate } from './lost-update/lost-update.ts'
import { mesi } from './mesi/mesi.ts'
import { paxos, THREE_ACCEPTORS } from './paxos/paxos.ts'
import { twoProcessMutex } from './peterson/peterson.ts'
import { figure6, figure6WithoutClosing } from './tcp-handshake/tcp-endpoint.ts'
import { tcpModel } from './tcp-handshake/tcp-handshake.ts'
import { tokenRing } from './token-ring/token-ring.ts'
import { crossing } from './traffic-light/traffic-light.ts'
import { twoGenerals } from './two-generals/two-generals.ts'

const page = (id: string): string =>
  readFileSync(new URL(`../docs/examples/${id}.md`, import.meta.url), 'utf8')

/** The counterexamples the pages print, by page. */
const SHOWN: readonly [id: string, model: Model<any>][] = [
  ['die-hard', dieHard()],
  ['traffic-light', crossing('cross-not-green')],
  ['lost-update', lostUpdate({ threads: 2 })],
  ['peterson', twoProcessMutex('check-then-flag')],
  ['peterson', twoProcessMutex('flag-then-check')],
  ['peterson', twoProcessMutex('turn-then-flag')],
  ['dining-philosophers', diningPhilosophers({ philosophers: 5 })],
  ['bank-transfer', bankTransfer()],
  ['tcp-handshake', tcpModel(figure6WithoutClosing)],
  ['tcp-handshake', tcpModel(figure6, { crashes: 1 })],
  ['token-ring', tokenRing({ protocol: 'timeout' })],
  ['mesi', mesi({ protocol: 'rdx-keeps-owner' })],
  ['mesi', mesi({ protocol: 'no-writeback-on-share' })],
  ['two-generals', twoGenerals({ retries: 1, onSilence: 'retreat' })],
  ['leader-election', leaderElection({ policy: 'vote-twice' })],
  ['paxos', paxos({ ...THREE_ACCEPTORS, skipPhase1: true })],
  ['lock-fencing', lockFencing({ fenced: false })],
]

/** The sections of the textbook page: each `##` heading over a table of chapters, with the chapter ids its rows link to. */
function pageSections(): { part: string; ids: string[] }[] {
  const out: { part: string; ids: string[] }[] = []
  let heading = ''
  for (const line of page('README').split('\n')) {
    if (line.startsWith('## ')) heading = line.slice(3).trim()
    else if (/^\|\s*Chapter\s*\|/.test(line)) out.push({ part: heading, ids: [] })
    else if (line.startsWith('| [') && out.at(-1)?.part === heading) {
      const id = /\]\(\.\/([^)]+)\.md\)/.exec(line)?.[1]
      if (id !== undefined) out.at(-1)!.ids.push(id)
    }
  }
  return out
}

describe('the textbook page and the textbook agree', () => {
  it('prints its sections in the order the page lists them, and no section the page lacks', () => {
    const listed = pageSections().map((s) => s.part)
    const printed: string[] = sections().map((s) => s.part)
    expect(listed.filter((p) => printed.includes(p))).toEqual(printed)
  })

  it.each(pageSections().map((s) => [s.part, s.ids] as const))(
    'section %s lists chapters, exactly the ones the textbook prints under it, in its order',
    (part, ids) => {
      const printed =
        sections()
          .find((s) => s.part === part)
          ?.chapters.map((c) => c.id) ?? []
      expect(ids).toEqual(printed)
      expect(printed.length, `no chapter of ${part} is written yet`).toBeGreaterThan(0)
    },
  )
})

describe('textbook pages', () => {
  it.each(SHOWN)(
    '%s shows the counterexample check returns, as formatTrace prints it',
    (id, model) => {
      const v = check(model).violation!
      expect(page(id)).toContain(`\`\`\`text\n${v.message}\n${formatTrace(v.trace)}\n\`\`\``)
    },
  )

  it.each(chapters.map((c) => [c.id] as const))(
    'chapter %s has a page and a row in the index',
    (id) => {
      expect(page(id).startsWith('# ')).toBe(true)
      expect(page('README')).toContain(`](./${id}.md)`)
    },
  )

  // The pages below quote the textbook's output; other chapters' pages may not.
  const QUOTING = new Set(SHOWN.map(([id]) => id))
  const quoting = chapters.filter((c) => QUOTING.has(c.id))

  it.each(quoting.map((c) => [c.id, c] as const))(
    '%s is titled as the textbook titles it and quotes what the chapter prints',
    async (id, c) => {
      const text = page(id)
      expect(text.split('\n')[0]).toBe(`# ${c.title}`)
      const [bug, fix] = await Promise.all([c.bug(), c.fix()])
      expect(text).toContain(`bug  found    ${bug.summary}`)
      expect(text).toContain(`fix  verified ${fix.summary}`)
    },
  )
})
