import { check, checkLiveness } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { consumerServed, producerConsumer } from './producer-consumer.ts'

/** Everyone keeps going (weak fairness), and the buffer's lock never keeps passing a waiting consumer over. */
export const fairLock = { fair: 'all', strongFair: ['take'] } as const

/** Producer-consumer: check-then-act overflows the buffer; the atomic put is safe and every consumer progresses. */
export const producerConsumerChapter: Chapter = {
  id: 'producer-consumer',
  title: 'Producer-consumer',
  part: 'Shared-memory concurrency',
  bug() {
    const v = check(producerConsumer()).violation
    return {
      ok: v?.name === 'withinCapacity',
      summary: v
        ? `buffer overflow: ${v.trace.at(-1)!.state.items} items in a buffer of 2 after ${v.trace.length - 1} steps`
        : 'no overflow found',
    }
  },
  fix() {
    const m = producerConsumer({ put: 'atomic' })
    const safety = check(m)
    const progress = [0, 1].map((i) =>
      checkLiveness(m, { goal: consumerServed(i), everywhere: true, ...fairLock }),
    )
    return {
      ok: safety.ok && progress.every((r) => r.ok),
      summary: `atomic put: ${count(safety.stats.distinct)} states, never overflows, and every waiting consumer is served`,
    }
  },
}
