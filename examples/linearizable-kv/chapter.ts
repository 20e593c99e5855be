import { formatValue, traceDigest } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { bothCutOffs, followerCutOff, leaderCutOff, simulateKv } from './linearizable-kv.ts'

/** The seeds the bug is looked for in; it is found at the second. */
const BUG_SEEDS = 100
/** The seeds the fix is verified on. */
const FIX_SEEDS = 500

/**
 * The linearizable key-value store as a textbook chapter: reads served by a follower cut off by
 * a partition are stale (found, cut at the stale read, minimised, replayed); reading through the
 * leader with a read-index round is linearizable under both partitions.
 */
export const linearizableKvChapter: Chapter = {
  id: 'linearizable-kv',
  title: 'Linearizable key-value store',
  part: 'Distributed protocols',
  bug() {
    const sweep = simulateKv('follower', BUG_SEEDS, followerCutOff)
    const found = sweep.failure
    if (found === undefined)
      return { ok: false, summary: `no stale read in ${count(BUG_SEEDS)} seeds` }
    const again = simulateKv('follower', [found.seed], followerCutOff).failure
    const replays = again !== undefined && traceDigest(again.trace) === traceDigest(found.trace)
    // The minimiser cuts a history failure at the first instant the history fails.
    const refused = found.linearizability?.violation?.unplaceable[0]
    if (refused === undefined)
      return { ok: false, summary: `seed ${found.seed} failed, but not on its history` }
    const { operation: read, description } = refused
    return {
      ok: found.name === 'linearizability' && replays,
      summary: `stale read at seed ${found.seed}: ${read.client} ${description} at t=${read.return} (the key held ${formatValue(refused.state)}); trace minimised from ${count(found.originalLength)} to ${count(found.minimized.length)} events; replay ${replays ? 'reproduces it' : 'DIVERGED'}`,
    }
  },
  fix() {
    const readIndex = simulateKv('read-index', FIX_SEEDS, bothCutOffs)
    const leaderOnly = simulateKv('leader', FIX_SEEDS, leaderCutOff)
    const ok = readIndex.ok && readIndex.runs === FIX_SEEDS && !leaderOnly.ok
    return {
      ok,
      summary: readIndex.ok
        ? `read-index linearizable on ${count(readIndex.runs)} seeds, a follower then the leader cut off; reading at the leader without it is stale at seed ${leaderOnly.failure?.seed ?? 'none'}`
        : `read-index still fails at seed ${readIndex.failure?.seed}: ${readIndex.failure?.detail}`,
    }
  },
}
