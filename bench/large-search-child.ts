/**
 * One search of `large-search.bench.ts`, in a process of its own so that its peak RSS is its
 * own: TwoPhase with `rm` resource managers, in memory, under a memory budget, or with a
 * checkpoint at every level. Prints one line of JSON.
 *
 *   node --conditions=@musil/source --import tsx bench/large-search-child.ts <rm> <memory|budget|checkpoint> [maxBytes] [dir]
 */
import { type CheckOptions, check } from '@musil/core'
import { twoPhaseCommit } from '../examples/two-phase-commit/two-phase-commit.ts'

const [rm, how, maxBytes, dir] = process.argv.slice(2)
const opts: CheckOptions =
  how === 'budget'
    ? { memory: { maxBytes: Number(maxBytes), ...(dir && { dir }) } }
    : how === 'checkpoint'
      ? { checkpoint: { dir: dir!, everyMs: 0 } }
      : {}
const started = performance.now()
const r = check(twoPhaseCommit(Number(rm)), opts)
const ms = performance.now() - started
process.stdout.write(
  `${JSON.stringify({
    ms,
    distinct: r.stats.distinct,
    generated: r.stats.generated,
    depth: r.stats.depth,
    spilled: r.stats.spilledStates ?? 0,
    storeBytes: r.stats.storeBytes,
    // Kilobytes on Linux: the high-water mark of the resident set of this process.
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
)
