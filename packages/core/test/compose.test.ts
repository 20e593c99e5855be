/**
 * Composition and crash-recovery: a composed model is an ordinary model (its state counts equal
 * those of the same protocol written by hand), symmetry permutes ids inside channels, fairness
 * names a component's action per instance, and crash/restart keep durable state, lose volatile
 * state and respect their bound.
 */
import {
  action,
  type ChannelValue,
  channel,
  check,
  checkLiveness,
  checkRefinement,
  component,
  compose,
  defineModel,
  localAction,
  type Model,
  ModelDefinitionError,
  OptionsError,
  successors,
  symmetricIds,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

// A vote: the coordinator asks every participant, each votes yes or no, the coordinator decides
// commit iff all voted yes and tells them.
type Msg = { type: 'ask' } | { type: 'vote'; yes: boolean } | { type: 'decide'; commit: boolean }
type G = { net: ChannelValue<Msg> }
// Votes as sets of ids: an array sorted by id would order ids, which symmetry must not see.
type Coord = { asked: boolean; yes: ReadonlySet<string>; no: ReadonlySet<string>; decision: string }
type Part = { phase: 'idle' | 'asked' | 'voted' | 'done'; outcome: string }

function voting(n: number, opts: { symmetry?: boolean; kind?: 'bag' | 'fifo' } = {}) {
  const ps = Array.from({ length: n }, (_, i) => `p${i + 1}`)
  const net = channel<Msg>({ kind: opts.kind ?? 'bag' })
  const coordinator = component<Coord, G>({
    name: 'coordinator',
    ids: ['c'],
    init: { asked: false, yes: new Set(), no: new Set(), decision: 'none' },
    actions: [
      localAction<Coord, G>(
        'ask',
        (self) => !self.asked,
        (self, ctx) => {
          ctx.broadcast('net', ps, { type: 'ask' })
          return { ...self, asked: true }
        },
      ),
      localAction<Coord, G>(
        'decide',
        (self) => self.decision === 'none' && self.yes.size + self.no.size === n,
        (self, ctx) => {
          const commit = self.no.size === 0
          ctx.broadcast('net', ps, { type: 'decide', commit })
          return { ...self, decision: commit ? 'commit' : 'abort' }
        },
      ),
    ],
    receive: (self, env) =>
      env.msg.type === 'vote'
        ? env.msg.yes
          ? { ...self, yes: new Set(self.yes).add(env.from) }
          : { ...self, no: new Set(self.no).add(env.from) }
        : self,
  })
  const participant = component<Part, G>({
    name: 'participant',
    ids: ps,
    init: { phase: 'idle', outcome: 'none' },
    actions: [
      localAction.each<Part, G, boolean>(
        'vote',
        () => [true, false],
        (self) => self.phase === 'asked',
        (self, ctx, yes) => {
          ctx.send('net', 'c', { type: 'vote', yes })
          return { ...self, phase: 'voted' }
        },
      ),
    ],
    receive: (self, env) => {
      if (env.msg.type === 'ask') return { ...self, phase: 'asked' }
      if (env.msg.type === 'decide')
        return { phase: 'done', outcome: env.msg.commit ? 'commit' : 'abort' }
      return self
    },
  })
  const model = compose<G>({
    name: `voting(${n})`,
    components: [coordinator, participant],
    channels: { net },
    invariants: {
      agreement: (s) => {
        const outcomes = ps.map((p) => participant.of(s, p).outcome).filter((o) => o !== 'none')
        return new Set(outcomes).size <= 1
      },
    },
    ...(opts.symmetry && { symmetry: symmetricIds(ps) }),
  })
  return { model, coordinator, participant, net, ps }
}

// The same protocol by hand: the network as a sorted array of `from>to:text` strings.
type Hand = {
  c: Coord
  p: Readonly<Record<string, Part>>
  net: readonly string[]
}

function handVoting(n: number) {
  const ps = Array.from({ length: n }, (_, i) => `p${i + 1}`)
  const put = (net: readonly string[], ...ms: string[]) => [...net, ...ms].sort()
  const take = (net: readonly string[], m: string) => {
    const i = net.indexOf(m)
    return [...net.slice(0, i), ...net.slice(i + 1)]
  }
  const setP = (s: Hand, p: string, v: Part): Hand => ({ ...s, p: { ...s.p, [p]: v } })
  return defineModel<Hand>({
    init: {
      c: { asked: false, yes: new Set(), no: new Set(), decision: 'none' },
      p: Object.fromEntries(ps.map((p) => [p, { phase: 'idle', outcome: 'none' } as Part])),
      net: [],
    },
    actions: [
      action<Hand>(
        'ask',
        (s) => !s.c.asked,
        (s) => ({
          ...s,
          c: { ...s.c, asked: true },
          net: put(s.net, ...ps.map((p) => `c>${p}:ask`)),
        }),
      ),
      action<Hand>(
        'decide',
        (s) => s.c.decision === 'none' && s.c.yes.size + s.c.no.size === n,
        (s) => {
          const commit = s.c.no.size === 0
          return {
            ...s,
            c: { ...s.c, decision: commit ? 'commit' : 'abort' },
            net: put(s.net, ...ps.map((p) => `c>${p}:${commit ? 'commit' : 'abort'}`)),
          }
        },
      ),
      action.each<Hand, readonly [string, boolean]>(
        'vote',
        () => ps.flatMap((p) => [[p, true] as const, [p, false] as const]),
        (s, [p]) => s.p[p]!.phase === 'asked',
        (s, [p, yes]) => ({
          ...setP(s, p, { ...s.p[p]!, phase: 'voted' }),
          net: put(s.net, `${p}>c:${yes ? 'yes' : 'no'}`),
        }),
      ),
      action.each<Hand, string>(
        'deliver',
        (s) => [...new Set(s.net)],
        () => true,
        (s, m) => {
          const t = { ...s, net: take(s.net, m) }
          const [link, text] = m.split(':') as [string, string]
          const [from, to] = link.split('>') as [string, string]
          if (to === 'c') {
            const c =
              text === 'yes'
                ? { ...t.c, yes: new Set(t.c.yes).add(from) }
                : { ...t.c, no: new Set(t.c.no).add(from) }
            return { ...t, c }
          }
          if (text === 'ask') return setP(t, to, { ...t.p[to]!, phase: 'asked' })
          return setP(t, to, { phase: 'done', outcome: text })
        },
      ),
    ],
  })
}

type Hi = { net: ChannelValue<string> }

/** A component `a` that sends one `hi` to each of `to`. */
function sender(name: string, ...to: string[]) {
  return component<{ sent: boolean }, Hi>({
    name,
    ids: ['a'],
    init: { sent: false },
    actions: [
      localAction<{ sent: boolean }, Hi>(
        'send',
        (s) => !s.sent,
        (_s, ctx) => {
          ctx.broadcast('net', to, 'hi')
          return { sent: true }
        },
      ),
    ],
  })
}

describe('a composed model is an ordinary model', () => {
  it.each([2, 3])(
    'voting with %i participants: the same state counts as the protocol by hand',
    (n) => {
      const composed = check(voting(n).model, { deadlock: false })
      const hand = check(handVoting(n), { deadlock: false })
      expect(composed.ok && hand.ok).toBe(true)
      expect(composed.stats.distinct).toBe(hand.stats.distinct)
      expect(composed.stats.generated).toBe(hand.stats.generated)
    },
  )

  it('labels component steps name(id) and name(id, p), and deliveries as messages', () => {
    const v = voting(2)
    const r = check(
      compose<G>({
        components: [v.coordinator, v.participant],
        channels: { net: v.net },
        invariants: { noDecision: (s) => v.coordinator.of(s, 'c').decision === 'none' },
      }),
    )
    const labels = r.violation!.trace.map((s) => s.action)
    expect(labels).toContain('ask(c)')
    expect(labels).toContain('c → p1 ask')
    expect(labels.some((l) => /^vote\(p1, (true|false)\)$/.test(l))).toBe(true)
    expect(labels).toContain('decide(c)')
    expect(labels.some((l) => /^p2 → c vote\(yes (true|false)\)$/.test(l))).toBe(true)
  })

  it('refines a spec through an abstraction, like any model', () => {
    const { model, coordinator } = voting(2)
    type Spec = { decision: string }
    const spec = defineModel<Spec>({
      init: { decision: 'none' },
      actions: [
        action.each<Spec, string>(
          'decide',
          () => ['commit', 'abort'],
          (s) => s.decision === 'none',
          (_s, d) => ({ decision: d }),
        ),
      ],
    })
    const r = checkRefinement(model, spec, (s) => ({ decision: coordinator.of(s, 'c').decision }))
    expect(r.ok).toBe(true)
  })

  it('rejects what cannot compose: unknown keys, an id in two components, a clash with a component name', () => {
    const { coordinator, participant } = voting(2)
    expect(() => compose({ components: [coordinator], channel: {} } as never)).toThrow(OptionsError)
    const twin = component<Part, G>({ name: 'twin', ids: ['p1'], init: participant.initial('p1') })
    expect(() => compose<G>({ components: [participant, twin] })).toThrow(
      /id 'p1' belongs to components 'participant' and 'twin'/,
    )
    expect(() =>
      compose({ components: [participant], shared: { participant: 1 } } as never),
    ).toThrow(ModelDefinitionError)
    expect(() => component({ name: 'x', ids: ['a', 'a'], init: {} })).toThrow(
      /ids must be distinct/,
    )
    expect(() =>
      component({ name: 'x', ids: ['a'], init: {}, crash: { maxCrash: 1 } } as never),
    ).toThrow(/did you mean 'maxCrashes'/)
    type Two = { a: ChannelValue<string>; b: ChannelValue<string> }
    const sink = component<{ n: number }, Two>({
      name: 'sink',
      ids: ['s'],
      init: { n: 0 },
      receive: (self) => self,
    })
    expect(() =>
      compose<Two>({ components: [sink], channels: { a: channel(), b: channel() } }),
    ).toThrow(/channels 'a' and 'b' both generate 'deliver'; name each channel/)
    const named = compose<Two>({
      components: [sink],
      channels: { a: channel({ name: 'a' }), b: channel({ name: 'b' }) },
    })
    expect(named.actions.map((x) => x.name)).toEqual(['a.deliver', 'b.deliver'])
  })

  it('a message to an id no component has is a model error naming it', () => {
    const net = channel<string>()
    const r = check(compose<Hi>({ components: [sender('lone', 'nobody')], channels: { net } }))
    expect(r.violation?.kind).toBe('error')
    expect(r.violation?.message).toMatch(/addressed to 'nobody', which is no component's id/)
  })
})

describe('symmetry permutes ids inside channels', () => {
  it.each(['bag', 'fifo'] as const)(
    '%s: the reduced count is the number of orbits, counted independently',
    (kind) => {
      const plain = voting(3, { kind })
      const reduced = check(voting(3, { kind, symmetry: true }).model, { deadlock: false })
      expect(reduced.ok).toBe(true)
      const states = reachable(plain.model as Model<unknown>)
      expect(states.length).toBe(check(plain.model, { deadlock: false }).stats.distinct)
      const orbits = new Set(states.map((s) => orbitKey(s, plain.ps)))
      expect(reduced.stats.distinct).toBe(orbits.size)
      expect(reduced.stats.distinct).toBeLessThan(states.length)
    },
  )
})

/** Every reachable state, by a search of its own, told apart by text rather than fingerprints. */
function reachable(m: Model<unknown>): unknown[] {
  const seen = new Map<string, unknown>()
  const todo = [...m.init]
  const same = new Map<string, string>()
  while (todo.length > 0) {
    const s = todo.pop()!
    const k = canonical(s, same)
    if (seen.has(k)) continue
    seen.set(k, s)
    for (const x of successors(m, s)) todo.push(x.state)
  }
  return [...seen.values()]
}

/**
 * A key equal for exactly the states of one orbit, computed without fingerprints: the smallest,
 * over all renamings of the ids, of a canonical text (sets and bags sorted, keys sorted).
 */
function orbitKey(s: unknown, ids: readonly string[]): string {
  let best: string | undefined
  for (const perm of permutations(ids)) {
    const map = new Map(ids.map((id, i) => [id, perm[i]!]))
    const text = canonical(s, map)
    if (best === undefined || text < best) best = text
  }
  return best!
}

function canonical(v: unknown, map: ReadonlyMap<string, string>): string {
  if (typeof v === 'string') return JSON.stringify(map.get(v) ?? v)
  if (typeof v !== 'object' || v === null) return JSON.stringify(v)
  if (v instanceof Set)
    return `set[${[...v]
      .map((x) => canonical(x, map))
      .sort()
      .join(',')}]`
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, map)).join(',')}]`
  const o = v as Record<string, unknown>
  const entries = Object.keys(o).map(
    (k) => `${JSON.stringify(map.get(k) ?? k)}:${canonical(o[k], map)}`,
  )
  return `{${entries.sort().join(',')}}`
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]]
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]),
  )
}

describe('fairness names a component action per instance', () => {
  type W = { done: boolean }
  const worker = component<W, Record<string, never>>({
    name: 'worker',
    ids: ['w1', 'w2'],
    init: { done: false },
    actions: [
      localAction<W, Record<string, never>>(
        'work',
        (s) => !s.done,
        () => ({ done: true }),
      ),
    ],
  })
  const model = compose({ components: [worker] })
  const w1Done = (s: Parameters<typeof worker.of>[0]) => worker.of(s, 'w1').done

  it("fair: ['work(w1)'] makes w1's work alone fair", () => {
    expect(checkLiveness(model, { goal: w1Done, fair: ['work(w1)'] }).ok).toBe(true)
    const r = checkLiveness(model, { goal: w1Done, fair: ['work(w2)'] })
    expect(r.ok).toBe(false)
    expect(r.violation!.cycle.map((s) => s.action)).toEqual(['(stutter)'])
    expect(r.violation!.prefix.map((s) => s.action)).not.toContain('work(w1)')
  })

  it("fair: ['work'] makes every instance fair on its own", () => {
    const both = (s: Parameters<typeof worker.of>[0]) =>
      worker.of(s, 'w1').done && worker.of(s, 'w2').done
    expect(checkLiveness(model, { goal: both, fair: ['work'] }).ok).toBe(true)
    expect(checkLiveness(model, { goal: both, fair: ['work(w1)'] }).ok).toBe(false)
  })

  it('warns about an instance no state enables, and rejects a name that is no action', () => {
    const r = checkLiveness(model, { goal: w1Done, fair: ['work(w1)', 'work(w3)'] })
    expect(r.warnings.map((w) => w.code)).toContain('unmatched-instance')
    expect(() => checkLiveness(model, { goal: w1Done, fair: ['wrok(w1)'] })).toThrow(RangeError)
  })
})

describe('fairness names one delivery by its label', () => {
  // `a` sends `hi` to b and c at once; each receiver notes that it got it.
  const net = channel<string>()
  const a = sender('a', 'b', 'c')
  const rx = component<{ got: boolean }, Hi>({
    name: 'rx',
    ids: ['b', 'c'],
    init: { got: false },
    receive: () => ({ got: true }),
  })
  const model = compose<Hi>({ components: [a, rx], channels: { net } })
  const bGot = (s: Parameters<typeof rx.of>[0]) => rx.of(s, 'b').got

  it("fair: ['a → b hi'] makes that delivery alone fair", () => {
    expect(checkLiveness(model, { goal: bGot, fair: ['send', 'a → b hi'] }).ok).toBe(true)
    const other = checkLiveness(model, { goal: bGot, fair: ['send', 'a → c hi'] })
    expect(other.ok).toBe(false)
    expect(other.violation!.prefix.map((s) => s.action)).not.toContain('a → b hi')
    expect(checkLiveness(model, { goal: bGot, fair: ['send', 'deliver'] }).ok).toBe(true)
  })

  it('warns once about a label no state enables', () => {
    const r = checkLiveness(model, { goal: bGot, fair: ['send', 'a → d hi'] })
    expect(r.warnings.filter((w) => w.code === 'unmatched-instance')).toHaveLength(1)
  })
})

describe('crash and recovery', () => {
  // A writer buffers increments (volatile) and flushes them to its log (durable).
  type Wr = { log: number; buf: number }
  const writer = (crash: { maxCrashes?: number; restart?: boolean; recover?: (s: Wr) => Wr }) =>
    component<Wr, Record<string, never>>({
      name: 'writer',
      ids: ['w'],
      init: { log: 0, buf: 0 },
      actions: [
        localAction<Wr, Record<string, never>>(
          'bump',
          (s) => s.log + s.buf < 3,
          (s) => ({ ...s, buf: s.buf + 1 }),
        ),
        localAction<Wr, Record<string, never>>(
          'flush',
          (s) => s.buf > 0,
          (s) => ({ log: s.log + s.buf, buf: 0 }),
        ),
      ],
      crash: { durable: ['log'], ...crash },
    })

  // The same by hand.
  type HW = { log: number; buf: number; down: boolean; crashes: number }
  const handWriter = (max: number) =>
    defineModel<HW>({
      init: { log: 0, buf: 0, down: false, crashes: 0 },
      actions: [
        action<HW>(
          'bump',
          (s) => !s.down && s.log + s.buf < 3,
          (s) => ({ ...s, buf: s.buf + 1 }),
        ),
        action<HW>(
          'flush',
          (s) => !s.down && s.buf > 0,
          (s) => ({ ...s, log: s.log + s.buf, buf: 0 }),
        ),
        action<HW>(
          'crash',
          (s) => !s.down && s.crashes < max,
          (s) => ({ ...s, buf: 0, down: true, crashes: s.crashes + 1 }),
        ),
        action<HW>(
          'restart',
          (s) => s.down,
          (s) => ({ ...s, down: false }),
        ),
      ],
    })

  it.each([1, 2, 3])('maxCrashes %i: the same state counts as by hand', (max) => {
    const composed = check(compose({ components: [writer({ maxCrashes: max })] }), {
      deadlock: false,
    })
    const hand = check(handWriter(max), { deadlock: false })
    expect(composed.stats.distinct).toBe(hand.stats.distinct)
    expect(composed.stats.generated).toBe(hand.stats.generated)
  })

  it('a crash keeps durable fields, resets volatile ones, and takes the instance down', () => {
    const w = writer({ maxCrashes: 1 })
    const model = compose({ components: [w] })
    const s1 = successors(model, model.init[0]!).find(
      (x) => model.actions[x.action]!.name === 'bump',
    )!.state
    const s2 = successors(model, s1).find((x) => model.actions[x.action]!.name === 'flush')!.state
    const s3 = successors(model, s2).find((x) => model.actions[x.action]!.name === 'bump')!.state
    expect(w.of(s3, 'w')).toEqual({ log: 1, buf: 1 })
    const crashed = successors(model, s3).find(
      (x) => model.actions[x.action]!.name === 'crash',
    )!.state
    expect(w.of(crashed, 'w')).toEqual({ log: 1, buf: 0 })
    expect(w.isUp(crashed, 'w')).toBe(false)
    // Down: only restart is enabled (the bound forbids a second crash).
    const next = successors(model, crashed).map((x) => model.actions[x.action]!.name)
    expect(next).toEqual(['restart'])
    const restarted = successors(model, crashed)[0]!.state
    expect(w.isUp(restarted, 'w')).toBe(true)
    expect(w.of(restarted, 'w')).toEqual({ log: 1, buf: 0 })
  })

  it('the bound holds: never more crashes than maxCrashes, and exactly that many are reachable', () => {
    const model = compose({
      components: [writer({ maxCrashes: 2 })],
      invariants: { fewerThanTwo: (s) => (s.crashes as { writer: number }).writer < 2 },
    })
    const r = check(model)
    expect(r.violation?.trace.filter((s) => s.action === 'crash(w)')).toHaveLength(2)
    const bounded = compose({
      components: [writer({ maxCrashes: 2 })],
      invariants: { atMostTwo: (s) => (s.crashes as { writer: number }).writer <= 2 },
    })
    expect(check(bounded, { deadlock: false }).ok).toBe(true)
  })

  it('crash-stop never restarts; recover runs at restart', () => {
    const stop = compose({ components: [writer({ restart: false })] })
    expect(stop.actions.map((a) => a.name)).toEqual(['bump', 'flush', 'crash', 'restart'])
    const crashed = successors(stop, stop.init[0]!).find(
      (x) => stop.actions[x.action]!.name === 'crash',
    )!.state
    expect(successors(stop, crashed)).toEqual([])
    const recovering = compose({
      components: [writer({ maxCrashes: 1, recover: (s) => ({ ...s, buf: 9 }) })],
    })
    const down = successors(recovering, recovering.init[0]!).find(
      (x) => recovering.actions[x.action]!.name === 'crash',
    )!.state
    const up = successors(recovering, down).find(
      (x) => recovering.actions[x.action]!.name === 'restart',
    )!.state
    expect((up.writer as Record<string, Wr>).w).toEqual({ log: 0, buf: 9 })
  })

  it('messages to a down instance wait until it restarts', () => {
    const net = channel<string>()
    type H = Hi
    const receiver = component<{ got: number }, H>({
      name: 'receiver',
      ids: ['b'],
      init: { got: 0 },
      receive: (s) => ({ got: s.got + 1 }),
      crash: { durable: ['got'], maxCrashes: 1 },
    })
    const model = compose<H>({ components: [sender('sender', 'b'), receiver], channels: { net } })
    let s = successors(model, model.init[0]!).find(
      (x) => model.actions[x.action]!.name === 'send',
    )!.state
    s = successors(model, s).find((x) => model.actions[x.action]!.name === 'crash')!.state
    expect(successors(model, s).map((x) => model.actions[x.action]!.name)).toEqual(['restart'])
    s = successors(model, s)[0]!.state
    const delivered = successors(model, s).find(
      (x) => model.actions[x.action]!.name === 'deliver',
    )!.state
    expect(receiver.of(delivered, 'b').got).toBe(1)
  })
})
