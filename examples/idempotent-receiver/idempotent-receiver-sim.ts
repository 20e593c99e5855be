/**
 * The idempotent receiver as real callback nodes: a payment service sends charges over a
 * network that duplicates messages and delays each copy by 1 to `MAX_LATENCY` ms, and a receiver
 * charges the account. The dedup table forgets an id `window` ms after processing it, so a
 * window shorter than the longest gap between two copies of one message charges twice.
 */
import { BaseNode, type Context, NetworkModel, type SimReport, simulate } from '@musil/core'

/** The payments, sent 5 ms apart. */
export const PAYMENTS: readonly string[] = ['p1', 'p2', 'p3', 'p4', 'p5']

/** Each copy of a message takes 1 to this many ms: two copies can land up to 39 ms apart. */
export const MAX_LATENCY = 40

/** Sends each payment once; the network does the duplicating. */
export class PaymentService extends BaseNode {
  override onStart(ctx: Context): void {
    PAYMENTS.forEach((_, i) => {
      ctx.setTimer(`pay ${i}`, i * 5)
    })
  }

  override onTimer(ctx: Context, name: string): void {
    const id = PAYMENTS[Number(name.slice('pay '.length))]!
    ctx.send('receiver', { id, amount: 10 })
  }
}

/**
 * Charges the account. `window`: remember a processed id for that many ms (`Infinity`: for
 * ever) and skip a delivery whose id is remembered; `undefined`: no dedup at all.
 */
export class Receiver extends BaseNode {
  readonly window: number | undefined
  charged: Record<string, number> = {}
  balance = 0
  #seen = new Map<string, number>()

  constructor(options: { window?: number }) {
    super()
    this.window = options.window
  }

  override onMessage(ctx: Context, _src: string, payload: unknown): void {
    const { id, amount } = payload as { id: string; amount: number }
    if (this.window !== undefined) {
      // Evict what the window no longer covers, as a TTL'd table would.
      for (const [seen, at] of this.#seen) if (ctx.now() - at > this.window) this.#seen.delete(seen)
      if (this.#seen.has(id)) return
      this.#seen.set(id, ctx.now())
    }
    this.charged[id] = (this.charged[id] ?? 0) + 1
    this.balance -= amount
  }
}

/** What the checks see. */
export interface Account {
  readonly charged: Readonly<Record<string, number>>
  readonly balance: number
}

/** The service and the receiver over a duplicating network, over `seeds`. */
export function simulatePayments(
  options: { window?: number },
  seeds: number | Iterable<number> = 300,
): SimReport<Account> {
  return simulate(() => ({ service: new PaymentService(), receiver: new Receiver(options) }), {
    seeds,
    snapshot: (n) => ({ charged: { ...n.receiver.charged }, balance: n.receiver.balance }),
    network: new NetworkModel({ duplicate: 0.2, minLatency: 1, maxLatency: MAX_LATENCY }),
    invariants: {
      chargedOnce: (w) => Object.values(w.charged).every((n) => n <= 1),
    },
    goal: (w) => PAYMENTS.every((p) => w.charged[p] === 1),
    goalName: 'every payment charged once',
  })
}
