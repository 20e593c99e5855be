/**
 * `npm run textbook`: runs every chapter and prints, per chapter, the bug found and the fix
 * verified. Exits non-zero if any chapter fails to find its bug or verify its fix.
 */
import type { Chapter } from './chapter.ts'
import { chapters, sections } from './chapters.ts'

const started = performance.now()
let failures = 0
console.log('musil textbook: each chapter finds the classic bug and verifies the classic fix\n')
// The title column is as wide as the longest title, so the timings line up in every section.
const titleWidth = Math.max(...chapters.map((c) => c.title.length))
for (const { part, chapters: inPart } of sections(chapters)) {
  console.log(part)
  for (const ch of inPart) await run(ch)
}
const total = ((performance.now() - started) / 1000).toFixed(1)
console.log(
  `\n${chapters.length - failures} of ${chapters.length} chapters: bug found and fix verified (${total} s)`,
)
process.exitCode = failures === 0 ? 0 : 1

/** Runs one chapter's bug and fix and prints its block. */
async function run(ch: Chapter): Promise<void> {
  const t0 = performance.now()
  const [bug, fix] = await Promise.all([settle(() => ch.bug()), settle(() => ch.fix())])
  const ms = Math.round(performance.now() - t0)
  const good = bug.ok && fix.ok
  if (!good) failures++
  console.log(
    `  ${good ? '✓' : '✗'} ${ch.title.padEnd(titleWidth)} ${ms.toString().padStart(6)} ms`,
  )
  console.log(`      bug  ${bug.ok ? 'found   ' : 'MISSED  '} ${bug.summary}`)
  console.log(`      fix  ${fix.ok ? 'verified' : 'FAILED  '} ${fix.summary}`)
}

async function settle(f: () => unknown): Promise<{ ok: boolean; summary: string }> {
  try {
    return (await f()) as { ok: boolean; summary: string }
  } catch (e) {
    return {
      ok: false,
      summary: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    }
  }
}
