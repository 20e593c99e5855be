/**
 * Test helper for the textbook: a chapter's page must be titled as the textbook titles the
 * chapter and quote the lines `npm run textbook` prints for it, so a changed count or seed fails
 * the chapter's own tests until the page is updated.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { Chapter } from './chapter.ts'

/** Runs the chapter's bug() and fix() and expects its page to quote both summaries. */
export async function expectPageQuotes(chapter: Chapter): Promise<void> {
  const page = readFileSync(new URL(`../docs/examples/${chapter.id}.md`, import.meta.url), 'utf8')
  const [bug, fix] = [await chapter.bug(), await chapter.fix()]
  expect(page.split('\n')[0]).toBe(`# ${chapter.title}`)
  expect(page).toContain(`bug  found    ${bug.summary}`)
  expect(page).toContain(`fix  verified ${fix.summary}`)
}
