/** Two callback nodes for report tests: one sends numbered messages, the other counts them. */
import { BaseNode, type Context } from '@musil/core'

/** Sends a numbered message to `rx` every 3 ms, `count` in all. */
export class Sender extends BaseNode {
  n = 0
  readonly count: number
  constructor(count = 30) {
    super()
    this.count = count
  }
  override onStart(ctx: Context): void {
    ctx.setTimer('tick', 3)
  }
  override onTimer(ctx: Context): void {
    ctx.send('rx', this.n++)
    if (this.n < this.count) ctx.setTimer('tick', 3)
  }
}

/** Counts what arrives. */
export class Receiver extends BaseNode {
  got = 0
  override onMessage(): void {
    this.got++
  }
}
