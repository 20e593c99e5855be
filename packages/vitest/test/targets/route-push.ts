// Simulation targets for the sweep tests: a control plane pushes a version to an agent over a
// lossy link. Fire-and-forget misses its goal on about a third of the seeds; re-push converges.
import { BaseNode, type Context, NetworkModel } from '@musil/core'
import { defineScenario, defineSimulation } from '@musil/vitest/target'

class Pusher extends BaseNode {
  desired = 1
  acked = false
  readonly repush: boolean

  constructor(repush: boolean) {
    super()
    this.repush = repush
  }

  override onStart(ctx: Context): void {
    ctx.send('agent', this.desired)
    if (this.repush) ctx.setTimer('push', 2)
  }

  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    if (payload === 'ack') this.acked = true
  }

  override onTimer(ctx: Context): void {
    if (this.repush && !this.acked) {
      ctx.send('agent', this.desired)
      ctx.setTimer('push', 2)
    }
  }
}

class Agent extends BaseNode {
  applied = 0

  override onMessage(ctx: Context, src: string, payload: unknown): void {
    this.applied = Math.max(this.applied, payload as number)
    ctx.send(src, 'ack')
  }
}

type Nodes = { cp: Pusher; agent: Agent }

function push(repush: boolean) {
  return defineSimulation((): Nodes => ({ cp: new Pusher(repush), agent: new Agent() }), {
    snapshot: (n: Nodes) => ({ desired: n.cp.desired, applied: n.agent.applied }),
    network: new NetworkModel({ loss: 0.3, minLatency: 1, maxLatency: 3 }),
    invariants: { noInvented: (w) => w.applied <= w.desired },
    goal: (w) => w.applied === w.desired,
    goalName: 'applied==desired',
  })
}

/** Fire-and-forget: a lost push is never re-sent. */
export const fireAndForget = push(false)
/** Re-push until acked: converges on every seed. */
export const repush = push(true)

/** Two async increments that read, yield, then write: some schedules lose an update. */
export const lostUpdate = defineScenario(async (world) => {
  let value = 0
  const get = world.scheduled('get', async () => value)
  const set = world.scheduled('set', async (v: number) => {
    value = v
  })
  const inc = async (): Promise<void> => set((await get()) + 1)
  await Promise.all([world.spawn('a', inc).finished, world.spawn('b', inc).finished])
  if (value !== 2) throw new Error(`lost update: value is ${value}, expected 2`)
})

/**
 * Kills its worker thread on some seeds: the node exits the thread from its first message. Only
 * ever swept in worker threads (in process it would end the test runner).
 */
class Exiter extends BaseNode {
  override onStart(ctx: Context): void {
    if (ctx.random() < 0.1) process.exit(3)
  }
}
export const diesSometimes = defineSimulation((): { x: Exiter } => ({ x: new Exiter() }), {
  snapshot: () => ({}),
})

/** Not a target at all. */
export const notATarget = 42

/**
 * Not a function of its seed: a counter shared between runs decides whether the check fails, so
 * a failing run does not fail again on replay and simulate throws (a nondeterminism error).
 */
let runsSoFar = 0
class Flaky extends BaseNode {
  done = false
  odd = false
  override onStart(ctx: Context): void {
    runsSoFar++
    this.odd = runsSoFar % 2 === 1
    ctx.setTimer('t', 1)
  }
  override onTimer(): void {
    this.done = true
  }
}
export const nondeterministic = defineSimulation((): { f: Flaky } => ({ f: new Flaky() }), {
  snapshot: (n: { f: Flaky }) => ({ done: n.f.done, odd: n.f.odd }),
  invariants: { oddRunsOnly: (w) => !w.done || w.odd },
})
