/**
 * Simulator throughput against its limit: the route-delivery world (re-push over a link that
 * loses 30% and reorders) run by `simulate`, and by a minimal hand-written event loop doing the
 * same work in the same process: the same node classes, the same seeded draws (one latency per
 * send from the `network` substream, one loss draw from `faults`), the same (time, seq) heap, a snapshot and
 * the invariant after every step, the goal at the end. Both must handle exactly the same number
 * of events, which the bench checks before printing anything. Times are CPU time of this process
 * (`process.cpuUsage`): the machines are shared, and wall-clock time counts other work too.
 *
 * Run: npx tsx --conditions=@musil/source bench/simulate.bench.ts
 */
import { type Context, RandomStream, simulate } from '@musil/core'
import {
  caughtUp,
  lossyLink,
  routeNodes,
  routeSnapshot,
  routesModel,
} from '../examples/reconciliation-under-loss/reconciliation-under-loss.ts'
// The simulator's own heap: the hand loop orders events with the same code.
import { TimeSeqHeap } from '../packages/core/src/sched/heap.ts'

const SEEDS = Number(process.env.SEEDS ?? 100_000)
const ROUNDS = Number(process.env.ROUNDS ?? 9)

/**
 * CPU time of this process in ms: on a shared machine wall-clock time counts other processes'
 * turns, CPU time only this one's work (one thread here; the GC's helper threads included).
 */
function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

interface Result {
  readonly events: number
  readonly ms: number
}

function viaSimulate(refine: boolean): Result {
  const t0 = cpuMs()
  const r = simulate(routeNodes(true), {
    seeds: SEEDS,
    snapshot: routeSnapshot,
    network: lossyLink,
    invariants: { noStaleOrInvented: (w) => w.applied <= w.desired },
    goal: caughtUp,
    ...(refine && {
      model: routesModel(),
      abstraction: (w: ReturnType<typeof routeSnapshot>) => w,
    }),
  })
  const ms = cpuMs() - t0
  if (!r.ok) throw new Error(`bench world failed: ${r.failure?.detail}`)
  return { events: r.stats.steps, ms }
}

/** An event of the hand-written loop. */
class Ev {
  time: number
  seq: number
  kind: number
  node: number
  src: number
  ref: unknown
  constructor(time: number, seq: number, kind: number, node: number, src: number, ref: unknown) {
    this.time = time
    this.seq = seq
    this.kind = kind
    this.node = node
    this.src = src
    this.ref = ref
  }
}

/**
 * The limit: a careful hand-written loop for exactly this world, reusing everything it can,
 * the simulator's own (time, seq) heap included.
 */
class HandLoop {
  readonly heap = new TimeSeqHeap<Ev>()
  seq = 0
  now = 0
  net: RandomStream = new RandomStream(0, 'network')
  faults: RandomStream = new RandomStream(0, 'faults')

  push(e: Ev): void {
    this.heap.push(e)
  }
}

/** The hand loop's context: one per node, re-pointed at nothing per seed. */
class HandContext implements Context {
  readonly self: string
  readonly node: number
  readonly loop: HandLoop
  readonly storage = undefined as never
  // The route-delivery nodes record no history.
  readonly history = undefined as never
  constructor(loop: HandLoop, node: number) {
    this.loop = loop
    this.node = node
    this.self = node === 0 ? 'cp' : 'agent'
  }
  now(): number {
    return this.loop.now
  }
  send(dst: string, payload: unknown): void {
    const loop = this.loop
    const d = dst === 'cp' ? 0 : 1
    const latency = loop.net.int(1, 3)
    if (loop.faults.random() < 0.3) return
    loop.push(new Ev(loop.now + latency, loop.seq++, 1, d, this.node, payload))
  }
  setTimer(name: string, delay: number): void {
    const loop = this.loop
    loop.push(new Ev(loop.now + delay, loop.seq++, 2, this.node, -1, name))
  }
  cancelTimer(): void {}
  random(): number {
    return 0
  }
}

function viaHandLoop(): Result {
  const t0 = cpuMs()
  let events = 0
  const names = ['cp', 'agent']
  const loop = new HandLoop()
  const ctxs = [new HandContext(loop, 0), new HandContext(loop, 1)]
  const make = routeNodes(true)
  for (let seed = 0; seed < SEEDS; seed++) {
    loop.seq = 0
    loop.now = 0
    loop.net = new RandomStream(seed, 'network')
    loop.faults = new RandomStream(seed, 'faults')
    const nodes = make()
    const list = [nodes.cp, nodes.agent]
    loop.push(new Ev(0, loop.seq++, 0, 0, -1, undefined))
    loop.push(new Ev(0, loop.seq++, 0, 1, -1, undefined))
    if (!(routeSnapshot(nodes).applied <= 1)) throw new Error('invariant')
    for (let e = loop.heap.pop(); e !== undefined; e = loop.heap.pop()) {
      loop.now = e.time
      events++
      const node = list[e.node]!
      if (e.kind === 0) node.onStart?.(ctxs[e.node]!)
      else if (e.kind === 1) node.onMessage?.(ctxs[e.node]!, names[e.src]!, e.ref)
      else node.onTimer?.(ctxs[e.node]!, e.ref as string)
      const w = routeSnapshot(nodes)
      if (!(w.applied <= w.desired)) throw new Error('invariant')
    }
    if (!caughtUp(routeSnapshot(nodes))) throw new Error(`goal failed on seed ${seed}`)
  }
  return { events, ms: cpuMs() - t0 }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const runners: Record<string, () => Result> = {
  simulate: () => viaSimulate(false),
  'simulate + refinement': () => viaSimulate(true),
  'hand-written loop': viaHandLoop,
}
const names = Object.keys(runners)
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
let events = -1
// The machine is shared and noisy: each round runs every runner back to back (in a rotating
// order), and the ratio to the hand loop is taken within the round, then the median over rounds.
for (let round = 0; round < ROUNDS; round++) {
  const ms: Record<string, number> = {}
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length]!
    const r = runners[name]!()
    if (events !== -1 && r.events !== events) {
      throw new Error(
        `not the same work: ${name} handled ${r.events} events, another runner ${events}`,
      )
    }
    events = r.events
    ms[name] = r.ms
    times[name]!.push(r.ms)
  }
  for (const name of names) ratios[name]!.push(ms[name]! / ms['hand-written loop']!)
}

console.log(
  `route delivery, re-push, loss 0.3, latency 1-3 ms: ${SEEDS.toLocaleString('en-US')} seeds, ${events.toLocaleString('en-US')} events per sweep (same count for every runner), ${ROUNDS} rounds, medians of CPU time`,
)
console.log(
  `${'runner'.padEnd(24)}${'events/s'.padStart(14)}${'seeds/s'.padStart(12)}${'cpu ms'.padStart(9)}${'time vs hand loop'.padStart(20)}`,
)
for (const name of names) {
  const ms = median(times[name]!)
  const evs = Math.round(events / (ms / 1000))
  const sps = Math.round(SEEDS / (ms / 1000))
  console.log(
    `${name.padEnd(24)}${evs.toLocaleString('en-US').padStart(14)}${sps.toLocaleString('en-US').padStart(12)}${ms.toFixed(0).padStart(9)}${`${median(ratios[name]!).toFixed(2)}x`.padStart(20)}`,
  )
}
