/**
 * The floor of `bench/explore.bench.ts`: the smallest async runtime that can run the Raft
 * election's real node code (`RaftNode`, unchanged) the way `explore` does, written for this one
 * job. It keeps only what any correct runtime of async/await code must do on Node 20:
 *
 * - tasks attributed through an `AsyncLocalStorage` (which code is running decides who owns the
 *   timers and receives it creates; on Node 20 that is what costs every promise a hook);
 * - the (time, seq) heap of wake-ups `explore` uses, a ready set picked by a seeded stream, the clock jumping to
 *   the next timer;
 * - a drained microtask queue after every wake-up, found with batched immediates as the runtime
 *   does;
 * - endpoints with seeded latency (uniform 1-20 ms) and receives with a timeout;
 * - the invariant after every step.
 *
 * It leaves out what `explore` adds: the timeline (no event objects), option checks, audit and
 * boundary guards, faults, deadlock reports, goals, history, step limits. The gap between the two
 * is therefore the price of those; the floor itself is what the language and Node charge.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { pathToFileURL } from 'node:url'
import type { World } from '@musil/core'
import { RandomStream } from '@musil/core'
import { atMostOneLeaderPerTerm, raftNodes } from '../examples/raft-election/raft-election.ts'
// The runtime's own heap, so the floor and explore order wake-ups with the same code.
import { TimeSeqHeap } from '../packages/core/src/sched/heap.ts'

interface Wake {
  readonly time: number
  readonly seq: number
  cancelled: boolean
  readonly fire: () => void
}

const current = new AsyncLocalStorage<string>()

/** One run of the election on the minimal runtime; returns the steps it took. */
export function floorRun(seed: number, duration = 3000): Promise<number> {
  const rng = new RandomStream(seed, 'user')
  const netRng = new RandomStream(seed, 'network')
  const pick = new RandomStream(seed, 'schedule')
  const heap = new TimeSeqHeap<Wake>()
  const ready: Wake[] = []
  let now = 0
  let seq = 0
  let steps = 0
  let done = false
  const schedule = (time: number, fire: () => void): Wake => {
    const w: Wake = { time, seq: seq++, cancelled: false, fire }
    if (time <= now) ready.push(w)
    else heap.push(w)
    return w
  }

  interface Waiter {
    resolve: (m: unknown) => void
    timer: Wake | undefined
  }
  const mailboxes = new Map<string, { box: unknown[]; waiters: Waiter[] }>()
  const world = {
    rng,
    now: () => now,
    record: (_e: unknown) => {},
    net: {
      bind(address: string) {
        const me = { box: [] as unknown[], waiters: [] as Waiter[] }
        mailboxes.set(address, me)
        return {
          send(dst: string, payload: unknown) {
            const message = { src: address, dst, payload }
            schedule(now + netRng.int(1, 20), () => {
              const to = mailboxes.get(dst)!
              const w = to.waiters.shift()
              if (w === undefined) to.box.push(message)
              else {
                if (w.timer !== undefined) w.timer.cancelled = true
                w.resolve(message)
              }
            })
          },
          recv(options?: { timeout?: number }) {
            current.getStore()
            const m = me.box.shift()
            if (m !== undefined) return Promise.resolve(m)
            return new Promise((resolve) => {
              const waiter: Waiter = { resolve, timer: undefined }
              me.waiters.push(waiter)
              if (options?.timeout !== undefined) {
                waiter.timer = schedule(now + options.timeout, () => {
                  me.waiters.splice(me.waiters.indexOf(waiter), 1)
                  resolve(undefined)
                })
              }
            })
          },
        }
      },
    },
  } as unknown as World

  const nodes = raftNodes(world)
  for (const node of nodes) {
    schedule(0, () => {
      current.run(node.id, () => node.run())
    })
  }

  return new Promise((resolve, reject) => {
    let queued = 0
    let batch = 1
    const tick = (): void => {
      queued--
      if (done) return
      if (!atMostOneLeaderPerTerm(nodes)) {
        done = true
        reject(new Error(`seed ${seed}: two leaders in one term`))
        return
      }
      step()
    }
    const hop = (): void => {
      if (queued > 0) return
      for (let i = 0; i < batch; i++) setImmediate(tick)
      queued = batch
      if (batch < 32) batch *= 2
    }
    const step = (): void => {
      for (;;) {
        let n = 0
        for (const w of ready) if (!w.cancelled) ready[n++] = w
        ready.length = n
        if (n > 0) break
        let head = heap.peek()
        while (head?.cancelled) {
          heap.pop()
          head = heap.peek()
        }
        if (head === undefined || head.time > duration) {
          done = true
          resolve(steps)
          return
        }
        now = head.time
        while (heap.peek()?.time === now) ready.push(heap.pop()!)
      }
      const i = ready.length === 1 ? 0 : pick.int(0, ready.length - 1)
      const w = ready[i]!
      ready.splice(i, 1)
      steps++
      w.fire()
      hop()
    }
    step()
  })
}

/**
 * Run as a script (`explore.bench.ts` does, in a child process): warms up, then prints the
 * seeds/s of three runs of `argv[2]` seeds each (seeds 0.., 1×.., 2×..) as JSON.
 */
async function main(seeds: number): Promise<void> {
  for (let seed = 0; seed < 200; seed++) await floorRun(seed)
  const rates: number[] = []
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now()
    for (let seed = rep * seeds; seed < (rep + 1) * seeds; seed++) await floorRun(seed)
    rates.push((seeds * 1000) / (performance.now() - t0))
  }
  process.stdout.write(JSON.stringify(rates))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(Number(process.argv[2] ?? 1000))
}
