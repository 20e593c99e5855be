import { type Chapter, count } from '../chapter.ts'
import { simulateColdRestart, simulatePartitionedPush } from './partition-and-heal.ts'

/** Partition and heal: a sustained partition wedges fire-and-forget; a cold restart loses writes. */
export const partitionAndHealChapter: Chapter = {
  id: 'partition-and-heal',
  title: 'Partition and heal',
  part: 'Distributed protocols',
  bug() {
    const wedged = simulatePartitionedPush(false).failure
    const lost = simulateColdRestart({ durable: false, retry: false }).failure
    const unretried = simulateColdRestart({ durable: true, retry: false }).failure
    return {
      ok: wedged?.kind === 'goal' && lost?.kind === 'safety' && unretried?.kind === 'goal',
      summary: `partition wedges fire-and-forget (seed ${wedged?.seed}); cold restart loses acked writes (${lost?.name}) and un-retried writes (${unretried?.name})`,
    }
  },
  fix() {
    const push = simulatePartitionedPush(true)
    const writes = simulateColdRestart({ durable: true, retry: true })
    return {
      ok: push.ok && writes.ok,
      summary: `re-push heals on ${count(push.runs)} seeds; durable store + retrying client keeps every write on ${count(writes.runs)} seeds`,
    }
  },
}
