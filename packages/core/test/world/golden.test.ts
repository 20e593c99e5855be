import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { formatTimeline, replay } from '@musil/core'
import { describe, expect, it } from 'vitest'
import { pingPong } from './fixtures/ping-pong.ts'

const SEED = 20260706
const DIGEST = 'a982504a4e1be029'
const EVENTS = 35
/** Events 23 to the end: a lost message, the timeout it causes, and the tasks winding down. */
const EXCERPT = ` t=66  send     ping -> pong  {round: 4}
 t=82  deliver  ping -> pong  {round: 4}
 t=82  run      ponger  persist
 t=82  send     pong -> ping  {round: 4, echo: 85}
 t=90  deliver  pong -> ping  {round: 4, echo: 85}
 t=90  user     pinger  "round 4 ok"
 t=90  send     ping -> pong  {round: 5}
 t=90  drop     ping -> pong  {round: 5}  (lost)
t=120  timer    pinger  'recv timeout'  ping
t=120  user     pinger  "round 5 timed out"
t=282  timer    ponger  'recv timeout'  pong
t=400  timer    main  'sleep'`

describe('golden timeline', () => {
  it(`pins seed ${SEED} byte for byte`, async () => {
    const r = await replay(pingPong, { seed: SEED })
    expect(r.ok).toBe(true)
    expect(formatTimeline(r.timeline.slice(23))).toBe(EXCERPT)
    expect(r.timeline).toHaveLength(EVENTS)
    expect(r.digest).toBe(DIGEST)
  })

  it('replays to the same digest, also under PCT', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const a = await replay(pingPong, { seed: SEED, strategy })
      const b = await replay(pingPong, { seed: SEED, strategy })
      expect(b.digest).toBe(a.digest)
      expect(b.timeline).toEqual(a.timeline)
    }
  })

  it('replays to the same digest in a worker thread', async () => {
    const inWorker = await new Promise<{ digest: string; events: number }>((resolve, reject) => {
      const worker = new Worker(
        fileURLToPath(new URL('./fixtures/worker-entry.mjs', import.meta.url)),
        {
          workerData: { seed: SEED },
          execArgv: ['--conditions=@musil/source'],
        },
      )
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    expect(inWorker).toEqual({ digest: DIGEST, events: EVENTS })
  }, 60_000)
})
