// The reproduction of issue 9: a counter meant to stop at 3 ticks on to 4. Given to simulate()
// without its invariant (a misspelt `invariant:` key that nothing rejected, or none at all),
// every run passes: there was nothing to fail. Targets for in-process runs and sweeps.
import { BaseNode, type Context } from '@musil/core'
import { defineScenario, defineSimulation } from '@musil/vitest/target'

/** The most the counter may reach. */
export const LIMIT = 3

/** Ticks once per virtual millisecond, one tick too many. */
export class Counter extends BaseNode {
  n = 0
  override onStart(ctx: Context): void {
    ctx.setTimer('tick', 1)
  }
  override onTimer(ctx: Context): void {
    this.n++
    if (this.n <= LIMIT) ctx.setTimer('tick', 1)
  }
}

/** A world of one counter. */
export const counterFactory = (): { c: Counter } => ({ c: new Counter() })
/** What the checks see of it. */
export const snapshot = (nodes: { c: Counter }): { n: number } => ({ n: nodes.c.n })
/** The invariant the buggy counter breaks. */
export const withinLimit = (w: { n: number }): boolean => w.n <= LIMIT

/** The counter with no invariant: every seed passes, having checked nothing. */
export const overshoot = defineSimulation(counterFactory, { snapshot })

/** The same async: a scenario that counts past the limit and registers no `world.always`. */
export const overshootScenario = defineScenario(async (world) => {
  let n = 0
  for (let i = 0; i <= LIMIT; i++) {
    await world.sleep(1)
    n++
  }
  world.record({ n })
})
