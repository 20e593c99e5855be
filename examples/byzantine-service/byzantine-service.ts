/**
 * The Byzantine service: a node that stays up and answers, but answers wrongly, and a network
 * that corrupts payloads in transit. Crash faults are clean (the node goes silent); Byzantine
 * faults (Castro and Liskov, OSDI 1999) are plausible-looking wrong data: a stale cache, a
 * corrupted sector, the wrong tenant's row.
 *
 * 1. Wrong answers (`AdversarialNode`): a service that lies on some queries. A client that trusts
 *    every answer accepts a wrong value; a client that validates answers and asks again gets the
 *    right one.
 * 2. Wire corruption (`NetworkModel({ mutate })`): an honest service, a network that garbles
 *    some replies. A client that assumes well-formed replies breaks; one that checks them and
 *    re-asks converges.
 */
import {
  AdversarialNode,
  BaseNode,
  type Context,
  NetworkModel,
  type SimReport,
  simulate,
} from '@musil/core'

/** The right answer to a query. */
export const EXPECTED = 42
/** The answer a lying service gives. */
export const WRONG = -1

/** Answers every query with the right value. */
export class HonestService extends BaseNode {
  override onMessage(ctx: Context, src: string, payload: unknown): void {
    if (payload === 'query') ctx.send(src, { value: EXPECTED, check: checksum(EXPECTED) })
  }
}

/** A service that lies on roughly `rate` of the queries (drawn from its seeded `ctx.random()`). */
export function lyingService(rate: number): AdversarialNode {
  return new AdversarialNode({
    behaviors: [
      [
        (_src, payload, ctx) => payload === 'query' && ctx.random() < rate,
        // A well-formed reply with a valid checksum: only the value is wrong.
        (ctx, src) => ctx.send(src, { value: WRONG, check: checksum(WRONG) }),
      ],
    ],
    honest: new HonestService(),
  })
}

/** The reply format: a value and its checksum. */
export interface Reply {
  readonly value: number
  readonly check: number
}

/** A toy checksum, enough to notice garbled bytes. */
export function checksum(value: number): number {
  return (Math.imul(value, 0x9e3779b1) ^ 0x5bd1e995) >>> 0
}

/**
 * Queries the service. `validate` checks that a reply is well-formed, that its checksum matches
 * and that the value is plausible (the domain says values are positive), and asks again every
 * `period` ms until it accepts one; without it, the client accepts the first reply it gets.
 */
export class Client extends BaseNode {
  readonly validate: boolean
  readonly period = 5
  accepted: number | undefined
  rejected = 0
  /** Set when an unvalidated reply could not even be read. */
  broken = false

  constructor(options: { validate: boolean }) {
    super()
    this.validate = options.validate
  }

  override onStart(ctx: Context): void {
    ctx.send('service', 'query')
    if (this.validate) ctx.setTimer('ask again', this.period)
  }

  override onTimer(ctx: Context): void {
    if (this.accepted === undefined) {
      ctx.send('service', 'query')
      ctx.setTimer('ask again', this.period)
    }
  }

  override onMessage(_ctx: Context, _src: string, payload: unknown): void {
    if (this.accepted !== undefined) return
    if (!this.validate) {
      // Trusts the wire: a garbled reply has no number where one is expected.
      const value = (payload as Reply).value
      if (typeof value !== 'number') this.broken = true
      else this.accepted = value
      return
    }
    if (isReply(payload) && payload.check === checksum(payload.value) && payload.value > 0) {
      this.accepted = payload.value
    } else {
      this.rejected++
    }
  }
}

function isReply(x: unknown): x is Reply {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Reply).value === 'number' &&
    typeof (x as Reply).check === 'number'
  )
}

/** What the checks see. */
export interface ClientView {
  readonly accepted: number | undefined
  readonly rejected: number
  readonly broken: boolean
}

const view = (n: { client: Client }): ClientView => ({
  accepted: n.client.accepted,
  rejected: n.client.rejected,
  broken: n.client.broken,
})

/** Never accept a wrong answer; never choke on a reply. */
export const clientInvariants = {
  onlyCorrectAnswers: (w: ClientView): boolean =>
    w.accepted === undefined || w.accepted === EXPECTED,
  neverBroken: (w: ClientView): boolean => !w.broken,
}

/** Scenario 1: a service that lies on 30% of the queries. */
export function simulateLyingService(
  validate: boolean,
  seeds: number | Iterable<number> = 200,
): SimReport<ClientView> {
  return simulate(() => ({ client: new Client({ validate }), service: lyingService(0.3) }), {
    seeds,
    snapshot: view,
    invariants: clientInvariants,
    goal: (w) => w.accepted === EXPECTED,
    goalName: 'accepted the right answer',
  })
}

/**
 * Wire corruption: replies from the service become a garbled string on 30% of messages (drawn
 * from the run's seeded `mutate` substream).
 */
export const garblingNetwork: NetworkModel = new NetworkModel({
  minLatency: 1,
  maxLatency: 4,
  mutate: (src, _dst, payload, random) =>
    src === 'service' && random() < 0.3 ? `garbled:${JSON.stringify(payload)}` : payload,
})

/** Scenario 2: an honest service behind a network that garbles replies. */
export function simulateGarbledReplies(
  validate: boolean,
  seeds: number | Iterable<number> = 200,
): SimReport<ClientView> {
  return simulate(() => ({ client: new Client({ validate }), service: new HonestService() }), {
    seeds,
    snapshot: view,
    network: garblingNetwork,
    invariants: clientInvariants,
    goal: (w) => w.accepted === EXPECTED,
    goalName: 'accepted the right answer',
  })
}
