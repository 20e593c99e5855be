/**
 * Channels for models: each semantics (bag, FIFO per link, set; lossy, duplicating, bounded) is
 * cross-checked against an independent hand-rolled model of the same protocol (equal state
 * counts), fingerprints are canonical, and traces read as messages.
 */
import {
  action,
  ChannelError,
  type ChannelValue,
  channel,
  check,
  defineModel,
  describeStep,
  type Envelope,
  fingerprintHex,
  formatTrace,
  type Model,
  MusilError,
  OptionsError,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

// The protocol: two senders each send their list of messages (in order) to one receiver, which
// logs what it receives. The log tells the orders the channel allows apart.
const plan: Readonly<Record<string, readonly string[]>> = { a: ['x', 'y'], b: ['x', 'z'] }
const senders = Object.keys(plan)

type Sent = Readonly<Record<string, number>>

interface WithChannel {
  readonly sent: Sent
  readonly log: readonly string[]
  readonly net: ChannelValue<string>
}

function sendActions<S extends { sent: Sent }>(
  put: (s: S, from: string, msg: string) => S,
  room: (s: S, from: string) => boolean = () => true,
) {
  return action.each<S, string>(
    'send',
    () => senders,
    (s, p) => s.sent[p]! < plan[p]!.length && room(s, p),
    (s, p) => put({ ...s, sent: { ...s.sent, [p]: s.sent[p]! + 1 } }, p, plan[p]![s.sent[p]!]!),
  )
}

const init0 = { sent: { a: 0, b: 0 }, log: [] as readonly string[] }

function withChannel(
  kind: 'bag' | 'fifo' | 'set',
  opts: { lossy?: boolean; duplicating?: boolean; capacity?: number } = {},
): Model<WithChannel> {
  const net = channel<string>({ kind, ...opts })
  return defineModel<WithChannel>({
    name: `channel(${kind})`,
    init: { ...init0, net: net.empty() },
    actions: [
      sendActions<WithChannel>(
        (s, p, m) => ({ ...s, net: net.send(s.net, p, 'r', m) }),
        (s, p) => net.canSend(s.net, p, 'r'),
      ),
      ...net.actions<WithChannel>({
        at: 'net',
        deliver: (s, env) => ({ ...s, log: [...s.log, `${env.from}:${env.msg}`] }),
      }),
    ],
    // Duplicates, and a set channel, deliver without end: bound the log.
    constraint: (s) => s.log.length <= (kind === 'set' ? 3 : 4),
  })
}

// Hand-rolled bag: a sorted array of `from:msg` strings (a canonical multiset).
interface HandBag {
  readonly sent: Sent
  readonly log: readonly string[]
  readonly bag: readonly string[]
}

function handBag(opts: { lossy?: boolean; duplicating?: boolean; capacity?: number } = {}) {
  const cap = opts.capacity ?? Number.POSITIVE_INFINITY
  const without = (bag: readonly string[], m: string) => {
    const i = bag.indexOf(m)
    return [...bag.slice(0, i), ...bag.slice(i + 1)]
  }
  const distinct = (s: HandBag) => [...new Set(s.bag)]
  return defineModel<HandBag>({
    init: { ...init0, bag: [] },
    constraint: (s) => s.log.length <= 4,
    actions: [
      sendActions<HandBag>(
        (s, p, m) => ({ ...s, bag: [...s.bag, `${p}:${m}`].sort() }),
        (s) => s.bag.length < cap,
      ),
      action.each<HandBag, string>(
        'deliver',
        distinct,
        () => true,
        (s, m) => ({
          ...s,
          bag: without(s.bag, m),
          log: [...s.log, m],
        }),
      ),
      ...(opts.lossy
        ? [
            action.each<HandBag, string>(
              'lose',
              distinct,
              () => true,
              (s, m) => ({ ...s, bag: without(s.bag, m) }),
            ),
          ]
        : []),
      ...(opts.duplicating
        ? [
            action.each<HandBag, string>(
              'duplicate',
              distinct,
              (s) => s.bag.length < cap,
              (s, m) => ({ ...s, bag: [...s.bag, m].sort() }),
            ),
          ]
        : []),
    ],
  })
}

// Hand-rolled FIFO: one array per sender (one link each, to the receiver).
interface HandFifo {
  readonly sent: Sent
  readonly log: readonly string[]
  readonly q: Readonly<Record<string, readonly string[]>>
}

function handFifo(opts: { lossy?: boolean; duplicating?: boolean; capacity?: number } = {}) {
  const cap = opts.capacity ?? Number.POSITIVE_INFINITY
  const positions = (s: HandFifo) =>
    senders.flatMap((p) =>
      s.q[p]!.map((_m, i) => [p, i] as const).filter(
        ([, i]) => i === 0 || s.q[p]![i - 1] !== s.q[p]![i],
      ),
    )
  const set = (s: HandFifo, p: string, q: readonly string[]) => ({ ...s, q: { ...s.q, [p]: q } })
  return defineModel<HandFifo>({
    init: { ...init0, q: { a: [], b: [] } },
    constraint: (s) => s.log.length <= 4,
    actions: [
      sendActions<HandFifo>(
        (s, p, m) => set(s, p, [...s.q[p]!, m]),
        (s, p) => s.q[p]!.length < cap,
      ),
      action.each<HandFifo, string>(
        'deliver',
        () => senders,
        (s, p) => s.q[p]!.length > 0,
        (s, p) => ({ ...set(s, p, s.q[p]!.slice(1)), log: [...s.log, `${p}:${s.q[p]![0]}`] }),
      ),
      ...(opts.lossy
        ? [
            action.each<HandFifo, readonly [string, number]>(
              'lose',
              positions,
              () => true,
              (s, [p, i]) => set(s, p, [...s.q[p]!.slice(0, i), ...s.q[p]!.slice(i + 1)]),
            ),
          ]
        : []),
      ...(opts.duplicating
        ? [
            action.each<HandFifo, readonly [string, number]>(
              'duplicate',
              positions,
              (s, [p]) => s.q[p]!.length < cap,
              (s, [p, i]) =>
                set(s, p, [...s.q[p]!.slice(0, i + 1), s.q[p]![i]!, ...s.q[p]!.slice(i + 1)]),
            ),
          ]
        : []),
    ],
  })
}

// Hand-rolled set (TLA+'s msgs): a sorted array of distinct strings, never consumed.
interface HandSet {
  readonly sent: Sent
  readonly log: readonly string[]
  readonly msgs: readonly string[]
}

function handSet() {
  return defineModel<HandSet>({
    init: { ...init0, msgs: [] },
    actions: [
      sendActions<HandSet>((s, p, m) => ({
        ...s,
        msgs: [...new Set([...s.msgs, `${p}:${m}`])].sort(),
      })),
      action.each<HandSet, string>(
        'deliver',
        (s) => s.msgs,
        () => true,
        (s, m) => ({ ...s, log: [...s.log, m] }),
      ),
    ],
    constraint: (s) => s.log.length <= 3,
  })
}

function counts(m: Model<unknown>) {
  const r = check(m, { deadlock: false })
  expect(r.ok).toBe(true)
  expect(r.complete).toBe(true)
  return { distinct: r.stats.distinct, generated: r.stats.generated }
}

describe('channel semantics, each against a hand-rolled model of the same protocol', () => {
  const variants = [
    {},
    { lossy: true },
    { capacity: 2 },
    { duplicating: true, capacity: 2 },
    { lossy: true, duplicating: true, capacity: 2 },
  ]
  it.each(variants)('bag %o: equal state counts', (opts) => {
    expect(counts(withChannel('bag', opts) as Model<unknown>)).toEqual(
      counts(handBag(opts) as Model<unknown>),
    )
  })

  it.each(variants)('fifo %o: equal state counts', (opts) => {
    expect(counts(withChannel('fifo', opts) as Model<unknown>)).toEqual(
      counts(handFifo(opts) as Model<unknown>),
    )
  })

  it('set: equal state counts', () => {
    expect(counts(withChannel('set') as Model<unknown>)).toEqual(
      counts(handSet() as Model<unknown>),
    )
  })

  it('a bag allows more orders than FIFO per link, and FIFO keeps each link in order', () => {
    const bag = counts(withChannel('bag') as Model<unknown>).distinct
    const fifo = counts(withChannel('fifo') as Model<unknown>).distinct
    expect(bag).toBeGreaterThan(fifo)
    // In FIFO, every complete log has a's x before a's y and b's x before b's z.
    const logs = finalLogs(withChannel('fifo'))
    expect(logs.length).toBe(6) // interleavings of two ordered pairs: 4!/(2!2!)
    for (const log of logs) {
      expect(log.indexOf('a:x')).toBeLessThan(log.indexOf('a:y'))
      expect(log.indexOf('b:x')).toBeLessThan(log.indexOf('b:z'))
    }
    expect(finalLogs(withChannel('bag')).length).toBe(24)
  })

  it('loss: a lossy channel reaches ends where a message never arrived; duplication, where one arrived twice', () => {
    const lossy = finalStates(withChannel('bag', { lossy: true }))
    expect(lossy.some((s) => s.log.length < 4)).toBe(true)
    expect(lossy.every((s) => s.log.length <= 4)).toBe(true)
    const dup = finalStates(withChannel('bag', { duplicating: true, capacity: 2 }))
    expect(dup.some((s) => new Set(s.log).size < s.log.length)).toBe(true)
    const reliable = finalStates(withChannel('bag'))
    expect(reliable.every((s) => s.log.length === 4)).toBe(true)
  })
})

/** Every reachable state with nothing left to do, by a search of its own (not `check`). */
function finalStates(m: Model<WithChannel>): WithChannel[] {
  const seen = new Map<string, WithChannel>()
  const todo = [...m.init]
  const out: WithChannel[] = []
  while (todo.length > 0) {
    const s = todo.pop()!
    const k = fingerprintHex(s)
    if (seen.has(k)) continue
    seen.set(k, s)
    let any = false
    for (const a of m.actions) {
      const params = a.kind === 'single' ? [undefined] : [...a.domain(s)]
      for (const p of params) {
        if (a.kind === 'single' ? !a.guard(s) : !a.guard(s, p)) continue
        const next = a.kind === 'single' ? a.effect(s) : a.effect(s, p)
        if (m.constraint && !m.constraint(next)) continue
        any = true
        todo.push(next)
      }
    }
    if (!any) out.push(s)
  }
  return out
}

function finalLogs(m: Model<WithChannel>): string[][] {
  return finalStates(m).map((s) => [...s.log])
}

describe('canonical fingerprints', () => {
  const bag = channel<{ type: string; n: number }>()
  const fifo = channel<string>({ kind: 'fifo' })

  it('a bag is a multiset: insertion order does not matter, multiplicity does', () => {
    const one = bag.send(bag.send(bag.empty(), 'a', 'b', { type: 'v', n: 1 }), 'c', 'b', {
      type: 'v',
      n: 2,
    })
    const two = bag.send(bag.send(bag.empty(), 'c', 'b', { type: 'v', n: 2 }), 'a', 'b', {
      type: 'v',
      n: 1,
    })
    expect(fingerprintHex({ net: one })).toBe(fingerprintHex({ net: two }))
    const twice = bag.send(one, 'a', 'b', { type: 'v', n: 1 })
    expect(bag.size(twice)).toBe(3)
    expect(fingerprintHex(twice)).not.toBe(fingerprintHex(one))
    // Taking one copy out leaves the other.
    const env = bag.messages(twice).find((e) => e.msg.n === 1)!
    expect(fingerprintHex(bag.receive(twice, env))).toBe(fingerprintHex(one))
  })

  it('a bag lists each distinct message once, however many copies and whatever key order', () => {
    let c = bag.empty()
    for (let i = 0; i < 300; i++) {
      const msg = i % 2 === 0 ? { type: 'v', n: i % 30 } : { n: i % 30, type: 'v' }
      c = bag.send(c, 'a', `b${i % 3}`, msg)
    }
    expect(bag.size(c)).toBe(300)
    const distinct = bag.deliverable(c)
    // n and the receiver both follow i mod 30 and i mod 3: 30 distinct envelopes.
    expect(distinct).toHaveLength(30)
    expect(new Set(distinct.map((e) => `${e.to}/${e.msg.n}`)).size).toBe(30)
    const lossy = channel<{ type: string; n: number }>({ lossy: true })
    const actions = lossy.actions<{ net: ChannelValue<{ type: string; n: number }> }>({ at: 'net' })
    const lose = actions[0]!
    expect(lose.kind === 'each' && [...lose.domain({ net: c })]).toHaveLength(30)
  })

  it('a FIFO channel is canonical whatever order its links were opened in, and drops empty links', () => {
    const ab = fifo.send(fifo.send(fifo.empty(), 'a', 'r', 'x'), 'b', 'r', 'y')
    const ba = fifo.send(fifo.send(fifo.empty(), 'b', 'r', 'y'), 'a', 'r', 'x')
    expect(fingerprintHex(ab)).toBe(fingerprintHex(ba))
    const drained = fifo.receive(
      fifo.receive(ab, fifo.deliverable(ab)[0]!),
      fifo.deliverable(ab)[1]!,
    )
    expect(drained).toEqual({})
    expect(fingerprintHex(drained)).toBe(fingerprintHex(fifo.empty()))
    // Order within a link matters.
    const xy = fifo.send(fifo.send(fifo.empty(), 'a', 'r', 'x'), 'a', 'r', 'y')
    const yx = fifo.send(fifo.send(fifo.empty(), 'a', 'r', 'y'), 'a', 'r', 'x')
    expect(fingerprintHex(xy)).not.toBe(fingerprintHex(yx))
    expect(fifo.deliverable(xy).map((e) => e.msg)).toEqual(['x'])
    // Receiving is in order: the later message is refused, naming the head.
    const y = fifo.messages(xy)[1]!
    expect(() => fifo.receive(xy, y)).toThrow(ChannelError)
    expect(() => fifo.receive(xy, y)).toThrow(
      /not the oldest message on the link a → r, a → r x is/,
    )
    expect(() => fifo.receive(fifo.empty(), y)).toThrow(/the link is empty/)
    expect(fifo.drop(xy, y)).toEqual(fifo.send(fifo.empty(), 'a', 'r', 'x'))
  })

  it('a set channel keeps one copy of equal messages, and delivery leaves it there', () => {
    const set = channel<{ type: string }>({ kind: 'set' })
    const once = set.send(set.empty(), 'a', 'b', { type: 'ack' })
    expect(set.send(once, 'a', 'b', { type: 'ack' })).toBe(once)
    expect(set.receive(once, set.messages(once)[0]!)).toBe(once)
    expect(set.size(set.drop(once, set.messages(once)[0]!))).toBe(0)
    expect(() => set.receive(once, { from: 'b', to: 'a', msg: { type: 'ack' } })).toThrow(
      /no message .* in flight/,
    )
  })
})

describe('bounded channels and misuse', () => {
  it('a send into a full channel throws a ChannelError that says to guard with canSend', () => {
    const net = channel<string>({ name: 'net', capacity: 1 })
    const one = net.send(net.empty(), 'a', 'b', 'm')
    expect(net.canSend(one, 'a', 'b')).toBe(false)
    let error: unknown
    try {
      net.send(one, 'a', 'b', 'm')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ChannelError)
    expect(MusilError.is(error)).toBe(true)
    expect((error as ChannelError).channel).toBe('net')
    expect((error as Error).message).toMatch(
      /channel 'net': the channel already holds 1 message, its capacity; guard the sending action with canSend/,
    )
  })

  it('a broadcast is all its sends: one copy per receiver, a set keeps one of each, the capacity holds', () => {
    const bag = channel<string>({ capacity: 2 })
    const two = bag.broadcast(bag.empty(), 'c', ['a', 'b'], 'm')
    expect(bag.messages(two).map((e) => e.to)).toEqual(['a', 'b'])
    expect(() => bag.broadcast(bag.empty(), 'c', ['a', 'b', 'd'], 'm')).toThrow(ChannelError)
    const set = channel<string>({ kind: 'set' })
    const once = set.broadcast(set.empty(), 'c', ['a', 'a', 'b'], 'm')
    expect(set.size(once)).toBe(2)
    expect(set.broadcast(once, 'c', ['a'], 'm')).toBe(once)
    const fifo = channel<string>({ kind: 'fifo' })
    expect(
      fifo.deliverable(fifo.broadcast(fifo.empty(), 'c', ['a', 'b'], 'm')).map((e) => e.to),
    ).toEqual(['a', 'b'])
  })

  it('a FIFO capacity bounds each link', () => {
    const net = channel<string>({ kind: 'fifo', capacity: 1 })
    const c = net.send(net.empty(), 'a', 'r', 'x')
    expect(net.canSend(c, 'a', 'r')).toBe(false)
    expect(net.canSend(c, 'b', 'r')).toBe(true)
    expect(net.size(net.send(c, 'b', 'r', 'y'))).toBe(2)
  })

  it('rejects options that cannot work, and unknown keys', () => {
    expect(() => channel({ duplicating: true })).toThrow(
      /infinitely many states; give it a capacity/,
    )
    expect(() => channel({ kind: 'set', duplicating: true, capacity: 2 })).toThrow(ChannelError)
    expect(() => channel({ capacity: 0 })).toThrow(/capacity must be a positive integer/)
    expect(() => channel({ kind: 'queue' as never })).toThrow(/kind must be 'bag', 'fifo' or 'set'/)
    expect(() => channel({ lossless: true } as never)).toThrow(OptionsError)
    const net = channel<string>()
    expect(() => net.actions({ at: 'net', deliverr: () => 0 } as never)).toThrow(
      /did you mean 'deliver'/,
    )
    expect(() => net.send({} as never, 'a', 'b', 'm')).toThrow(/expected a 'bag' channel value/)
  })
})

describe('trace rendering', () => {
  type Msg = { type: 'vote'; term: number; yes: boolean } | { type: 'ack' } | string
  type S = { net: ChannelValue<Msg>; got: readonly string[] }
  const net = channel<Msg>({ kind: 'fifo', lossy: true })

  it('renders steps as messages: n1 → n2 vote(term 2, yes true), not array index changes', () => {
    const model = defineModel<S>({
      init: {
        net: net.send(
          net.send(net.empty(), 'n1', 'n2', { type: 'vote', term: 2, yes: true }),
          'n2',
          'n1',
          { type: 'ack' },
        ),
        got: [],
      },
      actions: net.actions<S>({
        at: 'net',
        deliver: (s, env) => ({ ...s, got: [...s.got, env.to] }),
      }),
      invariants: { fewerThanTwo: (s) => s.got.length < 2 },
    })
    const r = check(model)
    expect(r.ok).toBe(false)
    expect(formatTrace(r.violation!.trace)).toBe(
      [
        '0  init                            {net: {n1: {n2: [n1 → n2 vote(term 2, yes true)]}, n2: {n1: [n2 → n1 ack]}}, got: []}',
        '1  n1 → n2 vote(term 2, yes true)  net -= n1 → n2 vote(term 2, yes true), got: [] → ["n2"]',
        '2  n2 → n1 ack                     net -= n2 → n1 ack, got[1] += "n1"',
      ].join('\n'),
    )
  })

  it('labels losses and copies, and renders a bag as a set of messages', () => {
    const bag = channel<Msg>({ lossy: true, duplicating: true, capacity: 2 })
    type B = { net: ChannelValue<Msg> }
    const model = defineModel<B>({
      init: { net: bag.send(bag.empty(), 'c', 'p1', 'prepare') },
      actions: bag.actions<B>({ at: 'net' }),
      invariants: { noTwo: (s) => bag.size(s.net) < 2 },
    })
    const r = check(model)
    expect(r.violation?.name).toBe('noTwo')
    expect(formatTrace(r.violation!.trace)).toBe(
      [
        '0  init                      {net: Set{c → p1 prepare}}',
        '1  duplicate c → p1 prepare  net += c → p1 prepare',
      ].join('\n'),
    )
    const lost = check(
      defineModel<B>({ ...model, invariants: { notEmpty: (s) => bag.size(s.net) > 0 } }),
    )
    expect(lost.violation!.trace.map((s) => s.action)).toEqual(['init', 'lose c → p1 prepare'])
  })

  it('a bag holding a message twice shows one copy leaving, and FIFO links read as messages', () => {
    const bag = channel<string>()
    const twice = bag.send(bag.send(bag.empty(), 'a', 'b', 'm'), 'a', 'b', 'm')
    const once = bag.receive(twice, bag.messages(twice)[0]!)
    expect(describeStep({ net: twice }, { net: once })).toBe('net -= a → b m')
    expect(describeStep({ net: once }, { net: twice })).toBe('net += a → b m')
    const fifo = channel<string>({ kind: 'fifo' })
    const q = fifo.send(fifo.send(fifo.empty(), 'a', 'b', 'x'), 'a', 'b', 'y')
    const head = fifo.deliverable(q)[0]!
    expect(describeStep({ net: q }, { net: fifo.receive(q, head) })).toBe('net -= a → b x')
    expect(describeStep({ net: fifo.empty() }, { net: q })).toBe('net += a → b x, net += a → b y')
  })

  it('action.each takes a label for its instances, and rejects unknown options', () => {
    const a = action.each<number, number>(
      'inc',
      () => [1, 2],
      () => true,
      (s, p) => s + p,
      {
        label: (p) => `+${p}`,
      },
    )
    const r = check(
      defineModel<number>({ init: [0], actions: [a], invariants: { small: (s) => s < 2 } }),
    )
    expect(r.violation!.trace.map((s) => s.action)).toEqual(['init', '+2'])
    expect(() =>
      action.each<number, number>(
        'inc',
        () => [1],
        () => true,
        (s) => s,
        { lable: String } as never,
      ),
    ).toThrow(/unknown option 'lable' in action.each\('inc'\); did you mean 'label'\?/)
  })

  it('a custom format renders the message; the default reads {type, ...fields}', () => {
    const custom = channel<{ type: string; term: number }>({
      format: (m) => `${m.type.toUpperCase()}@${m.term}`,
    })
    const env: Envelope<{ type: string; term: number }> = custom.messages(
      custom.send(custom.empty(), 'a', 'b', { type: 'vote', term: 3 }),
    )[0]!
    expect(custom.format(env)).toBe('a → b VOTE@3')
    const plain = channel<unknown>()
    expect(plain.formatMessage({ type: 'vote', term: 2 })).toBe('vote(term 2)')
    expect(plain.formatMessage({ type: 'commit' })).toBe('commit')
    expect(plain.formatMessage({ type: 'put', keys: ['a', 'b'] })).toBe('put(keys ["a", "b"])')
    expect(plain.formatMessage(7)).toBe('7')
    expect(plain.formatMessage('hello world')).toBe('"hello world"')
    expect(plain.formatMessage([1, 2])).toBe('[1, 2]')
  })
})
