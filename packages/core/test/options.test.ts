import {
  AdversarialNode,
  action,
  BaseNode,
  check,
  checkLiveness,
  checkOpen,
  checkOpenWith,
  checkRefinement,
  crash,
  defineEnvironment,
  defineModel,
  type EnvironmentSpec,
  explore,
  FaultSchedule,
  formatSimTrace,
  formatTrace,
  MusilError,
  NetworkModel,
  type OptionsError,
  partition,
  replay,
  simulate,
  simulateSeed,
  statusFieldActions,
  toDot,
  toMermaid,
  toMermaidSequence,
  traceLines,
  type World,
} from '@musil/core'
import { apiThrottling, eventualConsistency } from '@musil/core/environments/aws'
import { leaderChange, staleRead } from '@musil/core/environments/etcd'
import { nodeDrain, podEviction } from '@musil/core/environments/k8s'
import { clockStep, diskFull, oomKill } from '@musil/core/environments/linux'
import { capabilityRevocation, ipcFault } from '@musil/core/environments/sel4'
import { checkOptions, OPTION_KEYS } from '@musil/core/internal'
import { describe, expect, it } from 'vitest'
import {
  type Counter,
  counter,
  expectOptionsError,
  expectOptionTable,
  inc,
  loose,
  type OptionsCase,
  thrown,
} from './options-helpers.ts'

const disk: EnvironmentSpec<Counter> = {
  name: 'disk',
  actions: [
    action<Counter>(
      'reset',
      () => true,
      () => ({ n: 0 }),
    ),
  ],
  assumptions: [],
}
class Pinger extends BaseNode {}
const nodes = () => ({ a: new Pinger(), b: new Pinger() })
const snapshot = () => 0

/**
 * Runs a piece of scenario code inside an async run and throws, outside the run, what it threw
 * (caught inside, so that the run itself passes and the error is the one the code saw).
 */
async function inWorld(run: (world: World) => unknown): Promise<void> {
  let error: unknown
  await replay(
    async (world) => {
      try {
        await run(world)
      } catch (e) {
        error = e
      }
    },
    { seed: 0 },
  )
  if (error !== undefined) throw error
}

const cases: OptionsCase[] = [
  {
    entry: 'defineModel',
    run: () => defineModel(loose({ init: { n: 0 }, actions: [inc], invariant: {} })),
    key: 'invariant',
    where: 'defineModel()',
    suggestion: 'invariants',
  },
  {
    entry: 'check',
    run: () => check(counter, loose({ maxState: 10 })),
    key: 'maxState',
    where: 'check()',
    suggestion: 'maxStates',
  },
  {
    entry: 'checkLiveness',
    run: () => checkLiveness(counter, loose({ goal: (s: Counter) => s.n === 2, goalname: 'two' })),
    key: 'goalname',
    where: 'checkLiveness()',
    suggestion: 'goalName',
  },
  {
    entry: 'checkRefinement',
    run: () => checkRefinement(counter, counter, (s) => s, loose({ maxstates: 5 })),
    key: 'maxstates',
    where: 'checkRefinement()',
    suggestion: 'maxStates',
  },
  {
    entry: 'checkOpen (EnvironmentSpec)',
    run: () => checkOpen(counter, loose({ ...disk, guarantee: {} })),
    key: 'guarantee',
    where: "checkOpen(): environments[0] (environment 'disk')",
    suggestion: 'guarantees',
  },
  {
    entry: 'checkOpenWith',
    run: () => checkOpenWith(counter, [disk], loose({ deadlocks: false })),
    key: 'deadlocks',
    where: 'checkOpenWith()',
    suggestion: 'deadlock',
  },
  {
    entry: 'defineEnvironment',
    run: () => defineEnvironment(loose({ name: 'disk', actions: disk.actions, assumption: [] })),
    key: 'assumption',
    where: "defineEnvironment() (environment 'disk')",
    suggestion: 'assumptions',
  },
  {
    entry: 'defineEnvironment (Assumption)',
    run: () =>
      defineEnvironment({
        ...disk,
        assumptions: [loose({ name: 'fsync', description: 'fsync is durable', sorce: 'man' })],
      }),
    key: 'sorce',
    where: "environment 'disk': assumptions[0]",
    suggestion: 'source',
  },
  {
    entry: 'podEviction',
    run: () =>
      podEviction(loose({ pods: () => [], evict: (s: Counter) => s, canEvic: () => true })),
    key: 'canEvic',
    where: 'podEviction()',
    suggestion: 'canEvict',
  },
  {
    entry: 'nodeDrain',
    run: () =>
      nodeDrain(loose({ nodes: () => [], drain: (s: Counter) => s, candrain: () => true })),
    key: 'candrain',
    where: 'nodeDrain()',
    suggestion: 'canDrain',
  },
  {
    entry: 'apiThrottling',
    run: () =>
      apiThrottling(loose({ requests: () => [], throttle: (s: Counter) => s, throtle: 1 })),
    key: 'throtle',
    where: 'apiThrottling()',
    suggestion: 'throttle',
  },
  {
    entry: 'eventualConsistency',
    run: () => eventualConsistency(loose({ keys: () => [], staleRead: (s: Counter) => s, key: 1 })),
    key: 'key',
    where: 'eventualConsistency()',
    suggestion: 'keys',
  },
  {
    entry: 'leaderChange',
    run: () => leaderChange(loose({ changeLeader: (s: Counter) => s, names: 'etcd' })),
    key: 'names',
    where: 'leaderChange()',
    suggestion: 'name',
  },
  {
    entry: 'staleRead',
    run: () => staleRead(loose({ keys: () => [], staleRead: (s: Counter) => s, canReadStal: 1 })),
    key: 'canReadStal',
    where: 'staleRead()',
    suggestion: 'canReadStale',
  },
  {
    entry: 'oomKill',
    run: () => oomKill(loose({ processes: () => [], kill: (s: Counter) => s, Kill: 1 })),
    key: 'Kill',
    where: 'oomKill()',
    suggestion: 'kill',
  },
  {
    entry: 'clockStep',
    run: () => clockStep(loose({ deltas: () => [], step: (s: Counter) => s, delta: () => [] })),
    key: 'delta',
    where: 'clockStep()',
    suggestion: 'deltas',
  },
  {
    entry: 'diskFull',
    run: () => diskFull(loose({ fill: (s: Counter) => s, guarantee: {} })),
    key: 'guarantee',
    where: 'diskFull()',
    suggestion: 'guarantees',
  },
  {
    entry: 'capabilityRevocation',
    run: () => capabilityRevocation(loose({ caps: () => [], revoke: (s: Counter) => s, cap: 1 })),
    key: 'cap',
    where: 'capabilityRevocation()',
    suggestion: 'caps',
  },
  {
    entry: 'ipcFault',
    run: () => ipcFault(loose({ threads: () => [], fault: (s: Counter) => s, thread: 1 })),
    key: 'thread',
    where: 'ipcFault()',
    suggestion: 'threads',
  },
  {
    entry: 'statusFieldActions',
    run: () => statusFieldActions({ a: [] }, loose({ field: 'status', gaurd: () => true })),
    key: 'gaurd',
    where: 'statusFieldActions()',
    suggestion: 'guard',
  },
  {
    entry: 'toDot',
    run: () => toDot(counter, loose({ maxState: 3 })),
    key: 'maxState',
    where: 'toDot()',
    suggestion: 'maxStates',
  },
  {
    entry: 'toMermaid',
    run: () => toMermaid(counter, loose({ highlights: [] })),
    key: 'highlights',
    where: 'toMermaid()',
    suggestion: 'highlight',
  },
  {
    entry: 'formatTrace',
    run: () => formatTrace([{ action: 'init', state: { n: 0 } }], loose({ ful: true })),
    key: 'ful',
    where: 'formatTrace()',
    suggestion: 'full',
  },
  {
    entry: 'traceLines',
    run: () => traceLines([{ action: 'init', state: { n: 0 } }], loose({ starts: 1 })),
    key: 'starts',
    where: 'traceLines()',
    suggestion: 'start',
  },
  {
    entry: 'formatSimTrace',
    run: () => formatSimTrace([], loose({ hideSend: true })),
    key: 'hideSend',
    where: 'formatSimTrace()',
    suggestion: 'hideSends',
  },
  {
    entry: 'toMermaidSequence',
    run: () => toMermaidSequence([], loose({ participant: ['a'] })),
    key: 'participant',
    where: 'toMermaidSequence()',
    suggestion: 'participants',
  },
  {
    entry: 'simulate',
    run: () => simulate(nodes, loose({ seeds: 1, snapshot, invariant: { ok: () => true } })),
    key: 'invariant',
    where: 'simulate()',
    suggestion: 'invariants',
  },
  {
    entry: 'simulateSeed',
    run: () => simulateSeed(nodes, loose({ snapshot, maxtime: 10 }), 0),
    key: 'maxtime',
    where: 'simulateSeed()',
    suggestion: 'maxTime',
  },
  {
    entry: 'simulate (minimize)',
    run: () => simulate(nodes, { seeds: 1, snapshot, minimize: loose({ maxRun: 3 }) }),
    key: 'maxRun',
    where: 'simulate({ minimize })',
    suggestion: 'maxRuns',
  },
  {
    entry: 'new NetworkModel',
    run: () => new NetworkModel(loose({ los: 0.1 })),
    key: 'los',
    where: 'new NetworkModel()',
    suggestion: 'loss',
  },
  {
    entry: 'new NetworkModel (links)',
    run: () => new NetworkModel({ links: [loose({ src: 'a', dst: 'b', maxLatancy: 3 })] }),
    key: 'maxLatancy',
    where: 'new NetworkModel() links[0]',
    suggestion: 'maxLatency',
  },
  {
    entry: 'network.link',
    run: () => new NetworkModel().link('a', 'b', loose({ duplicates: 0.5 })),
    key: 'duplicates',
    where: "network.link('a', 'b')",
    suggestion: 'duplicate',
  },
  {
    entry: 'partition',
    run: () => partition([['a'], ['b']], loose({ form: 0 })),
    key: 'form',
    where: 'partition()',
    suggestion: 'from',
  },
  {
    entry: 'crash',
    run: () => crash('store', loose({ at: 12, restart: 20 })),
    key: 'restart',
    where: "crash('store')",
    suggestion: 'restartAt',
  },
  {
    entry: 'FaultSchedule.partition',
    run: () => new FaultSchedule().partition([['a'], ['b']], loose({ untill: 5 })),
    key: 'untill',
    where: 'partition()',
    suggestion: 'until',
  },
  {
    entry: 'FaultSchedule.crash',
    run: () => new FaultSchedule().crash('a', loose({ at: 1, restartat: 5 })),
    key: 'restartat',
    where: "crash('a')",
    suggestion: 'restartAt',
  },
  {
    entry: 'simulate (a partition written by hand)',
    run: () =>
      simulate(nodes, {
        seeds: 1,
        snapshot,
        faults: [loose({ kind: 'partition', groups: [['a']], from: 0, unti: 9 })],
      }),
    key: 'unti',
    where: 'simulate() faults[0] (partition)',
    suggestion: 'until',
  },
  {
    entry: 'simulate (a crash written by hand)',
    run: () =>
      simulate(nodes, {
        seeds: 1,
        snapshot,
        faults: [loose({ kind: 'crash', node: 'a', at: 1, restartAT: 5 })],
      }),
    key: 'restartAT',
    where: 'simulate() faults[0] (crash)',
    suggestion: 'restartAt',
  },
  {
    entry: 'new AdversarialNode',
    run: () => new AdversarialNode(loose({ behaviours: [] })),
    key: 'behaviours',
    where: 'new AdversarialNode()',
    suggestion: 'behaviors',
  },
  {
    entry: 'explore',
    run: () => explore(async () => {}, loose({ seeds: 1, strategey: 'pct' })),
    key: 'strategey',
    where: 'explore()',
    suggestion: 'strategy',
  },
  {
    entry: 'replay',
    run: () => replay(async () => {}, loose({ seed: 0, audits: true })),
    key: 'audits',
    where: 'replay()',
    suggestion: 'audit',
  },
  {
    entry: 'world.net.bind',
    run: () => inWorld((world) => world.net.bind('a', loose({ dupliate: 0.1 }))),
    key: 'dupliate',
    where: 'net.bind("a")',
    suggestion: 'duplicate',
  },
  {
    entry: 'world.net.bind (latency)',
    run: () => inWorld((world) => world.net.bind('a', { latency: loose({ min: 1, mx: 2 }) })),
    key: 'mx',
    where: 'net.bind("a", { latency })',
    suggestion: 'max',
  },
  {
    entry: 'endpoint.recv',
    run: () => inWorld((world) => world.net.bind('a').recv(loose({ timout: 5 }))),
    key: 'timout',
    where: 'a.recv()',
    suggestion: 'timeout',
  },
  {
    entry: 'world.runFor',
    run: () => inWorld((world) => world.runFor(10, loose({ fault: [] }))),
    key: 'fault',
    where: 'world.runFor()',
    suggestion: 'faults',
  },
  {
    entry: 'world.runFor (a fault handle)',
    run: () =>
      inWorld((world) => {
        world.net.bind('a')
        return world.runFor(10, {
          faults: [loose({ kind: 'crash', node: 'a', At: 1 })],
        })
      }),
    key: 'At',
    where: 'runFor: fault #0 (crash)',
    suggestion: 'at',
  },
  {
    entry: 'world.runUntil',
    run: () => inWorld((world) => world.runUntil(() => true, loose({ deadLine: 5 }))),
    key: 'deadLine',
    where: 'world.runUntil()',
    suggestion: 'deadline',
  },
  {
    entry: 'world.faults.partition',
    run: () => inWorld((world) => world.faults.partition(loose({ durations: 3 }))),
    key: 'durations',
    where: 'world.faults.partition()',
    suggestion: 'duration',
  },
  {
    entry: 'world.faults.slowLink',
    run: () => inWorld((world) => world.faults.slowLink(loose({ factors: 3 }))),
    key: 'factors',
    where: 'world.faults.slowLink()',
    suggestion: 'factor',
  },
  {
    entry: 'world.faults.crash',
    run: () => inWorld((world) => world.faults.crash(loose({ nodes: 'a' }))),
    key: 'nodes',
    where: 'world.faults.crash()',
    suggestion: 'node',
  },
]

describe('every entry point rejects an unknown key, naming it, where it was given and the key meant', () => {
  it.each(cases)('$entry', async (c) => {
    expectOptionsError(await thrown(c.run), c)
  })
})

describe('the check itself', () => {
  it('lists every valid key when none is close, and suggests nothing', () => {
    const e = checkFails({ init: { n: 0 }, actions: [], fairness: ['inc'] }, 'defineModel()', [
      'init',
      'actions',
      'invariants',
    ])
    expect(e.message).toBe(
      "unknown option 'fairness' in defineModel(); valid options are 'init', 'actions', 'invariants'",
    )
    expect(e.suggestion).toBeUndefined()
  })

  it('says what it expected when the options are not an object, without a key', () => {
    for (const bad of [3, 'fast', null, [1], () => {}]) {
      const e = checkFails(bad, 'check()', OPTION_KEYS.CheckOptions)
      expect(e.message).toMatch(
        /^check\(\) expects an options object \{ maxStates, maxDepth, deadlock, onProgress, progressIntervalMs, mode, depth, walks, seed, checkpoint, memory \}, got /,
      )
      expect(e.key).toBeUndefined()
    }
    const e = checkFails(3, 'check()', OPTION_KEYS.CheckOptions)
    expect(e.message.endsWith('got 3')).toBe(true)
  })

  it('accepts valid keys whose value is undefined, and rejects an unknown key whatever its value', () => {
    expect(() =>
      check(counter, { maxStates: undefined, maxDepth: undefined, deadlock: undefined }),
    ).not.toThrow()
    expect(checkFails({ maxState: undefined }, 'check()', OPTION_KEYS.CheckOptions).key).toBe(
      'maxState',
    )
  })

  it('suggests by case, by singular and plural, and by a small edit distance, never far-fetched', () => {
    const keys = ['invariants', 'goalName', 'policy', 'restartAt', 'to']
    const suggestion = (key: string) => checkFails({ [key]: 1 }, 'x()', keys).suggestion
    expect(suggestion('INVARIANTS')).toBe('invariants')
    expect(suggestion('invariant')).toBe('invariants')
    expect(suggestion('policies')).toBe('policy')
    expect(suggestion('goalNmae')).toBe('goalName')
    expect(suggestion('restart')).toBe('restartAt')
    expect(suggestion('too')).toBe('to')
    expect(suggestion('from')).toBeUndefined()
    expect(suggestion('goal')).toBeUndefined()
  })

  it('ignores symbol keys and inherited properties: only own keys are options', () => {
    const options = Object.assign(Object.create({ inherited: 1 }), { [Symbol('tag')]: 1 })
    expect(() => checkOptions(options, 'x()', [])).not.toThrow()
  })
})

describe('the options table in docs/api/options.md', () => {
  it('lists exactly the core options objects, each with exactly its valid keys, in order', () => {
    expectOptionTable('@musil/core', OPTION_KEYS)
  })
})

function checkFails(options: unknown, where: string, keys: readonly string[]): OptionsError {
  try {
    checkOptions(options, where, keys)
  } catch (e) {
    expect(MusilError.is(e)).toBe(true)
    return e as OptionsError
  }
  throw new Error('expected an OptionsError')
}
