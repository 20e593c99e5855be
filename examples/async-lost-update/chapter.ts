import { explore } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { lostUpdate } from './async-lost-update.ts'

const SEEDS = 500

/** The lost update in async code as a textbook chapter: found, then fixed twice. */
export const asyncLostUpdateChapter: Chapter = {
  id: 'async-lost-update',
  title: 'The lost update in async code',
  part: 'Asynchronous code',
  async bug() {
    const report = await explore(lostUpdate(), { seeds: SEEDS })
    const narrow = await explore(lostUpdate({ busy: 12 }), { seeds: SEEDS, strategy: 'pct' })
    const f = report.failure
    const n = narrow.failure
    return {
      ok: f?.kind === 'safety' && n?.kind === 'safety',
      summary:
        f === undefined || n === undefined
          ? 'no lost update found'
          : `lost update at seed ${f.seed} (${f.detail}); the 12-step narrow window under PCT after ${count(narrow.runs)} runs`,
    }
  },
  async fix() {
    const results = await Promise.all(
      (['mutex', 'cas'] as const).flatMap((increment) => [
        explore(lostUpdate({ increment }), { seeds: SEEDS }),
        explore(lostUpdate({ increment, busy: 12 }), { seeds: SEEDS, strategy: 'pct' }),
      ]),
    )
    const ok = results.every((r) => r.ok && r.runs === SEEDS)
    return {
      ok,
      summary: ok
        ? `mutex and compare-and-set: ${count(SEEDS)} seeds each, random and PCT, no update lost`
        : `a fix still loses updates: ${results.find((r) => !r.ok)?.failure?.detail}`,
    }
  },
}
