import {
  action,
  checkOpen,
  defineModel,
  type EnvironmentSpec,
  EnvironmentSpecError,
} from '@musil/core'
import { apiThrottling, eventualConsistency } from '@musil/core/environments/aws'
import { leaderChange, staleRead } from '@musil/core/environments/etcd'
import { nodeDrain, podEviction } from '@musil/core/environments/k8s'
import { clockStep, diskFull, oomKill } from '@musil/core/environments/linux'
import { capabilityRevocation, ipcFault } from '@musil/core/environments/sel4'
import { describe, expect, it } from 'vitest'

/** One state shape every environment can act on through its accessors. */
interface World {
  readonly pods: Readonly<Record<string, 'running' | 'evicted'>>
  readonly call: 'none' | 'put' | 'get'
  readonly error: string
  readonly wall: number
  readonly caps: readonly string[]
}

const init: World = {
  pods: { a: 'running', b: 'running' },
  call: 'none',
  error: '',
  wall: 0,
  caps: ['root'],
}

/** The system: issues a call, completes it; its invariant is that no fault ever happened. */
const system = defineModel<World>({
  name: 'system',
  init,
  actions: [
    action(
      'call',
      (s) => s.call === 'none' && s.error === '',
      (s) => ({ ...s, call: 'put' }),
    ),
    action(
      'complete',
      (s) => s.call !== 'none',
      (s) => ({ ...s, call: 'none' }),
    ),
  ],
  invariants: {
    noFault: (s) =>
      s.error === '' &&
      Object.values(s.pods).every((p) => p === 'running') &&
      s.caps.length > 0 &&
      s.wall === 0,
  },
  terminal: () => true,
})

const fail = (error: string) => (s: World) => ({ ...s, call: 'none' as const, error })

/** Every factory, configured without restricting guards, with the action label it must add. */
const unrestricted: [string, EnvironmentSpec<World>, string][] = [
  [
    'podEviction',
    podEviction<World, string>({
      pods: (s) => Object.keys(s.pods),
      evict: (s, p) => ({ ...s, pods: { ...s.pods, [p]: 'evicted' } }),
    }),
    'k8s:evictPod(a)',
  ],
  [
    'nodeDrain',
    nodeDrain<World, string>({
      nodes: () => ['node-1'],
      drain: (s) => ({ ...s, pods: { a: 'evicted', b: 'evicted' } }),
    }),
    'k8s:drainNode(node-1)',
  ],
  [
    'apiThrottling',
    apiThrottling<World, string>({
      requests: (s) => (s.call === 'put' ? ['PutObject'] : []),
      throttle: fail('throttled'),
    }),
    'aws:throttle(PutObject)',
  ],
  [
    'eventualConsistency',
    eventualConsistency<World, string>({
      keys: (s) => (s.call === 'put' ? ['cart'] : []),
      staleRead: fail('stale'),
    }),
    'aws:staleRead(cart)',
  ],
  ['leaderChange', leaderChange<World>({ changeLeader: fail('no-leader') }), 'etcd:leaderChange'],
  [
    'staleRead',
    staleRead<World, string>({
      keys: (s) => (s.call === 'put' ? ['config'] : []),
      staleRead: fail('stale'),
    }),
    'etcd:staleRead(config)',
  ],
  [
    'oomKill',
    oomKill<World, string>({
      processes: (s) => Object.keys(s.pods).filter((p) => s.pods[p] === 'running'),
      kill: (s, p) => ({ ...s, pods: { ...s.pods, [p]: 'evicted' } }),
    }),
    'linux:oomKill(a)',
  ],
  [
    'clockStep',
    clockStep<World, number>({
      deltas: () => [-1, 1],
      step: (s, d) => ({ ...s, wall: s.wall + d }),
    }),
    'linux:clockStep(-1)',
  ],
  ['diskFull', diskFull<World>({ fill: fail('ENOSPC') }), 'linux:diskFull'],
  [
    'capabilityRevocation',
    capabilityRevocation<World, string>({
      caps: (s) => s.caps,
      revoke: (s, c) => ({ ...s, caps: s.caps.filter((x) => x !== c) }),
    }),
    'sel4:revokeCap(root)',
  ],
  [
    'ipcFault',
    ipcFault<World, string>({ threads: () => ['server'], fault: fail('fault') }),
    'sel4:ipcFault(server)',
  ],
]

describe('prebuilt environments', () => {
  it.each(unrestricted)(
    '%s injects its fault into the search, labelled by platform',
    (_name, env, label) => {
      const r = checkOpen(system, env)
      expect(r.ok).toBe(false)
      expect(r.result.violation?.name).toBe('noFault')
      expect(r.result.violation?.trace.map((s) => s.action)).toContain(label)
      expect(r.environments).toEqual([label.split(':')[0]])
    },
  )

  it.each(unrestricted)(
    '%s ships named, sourced assumptions, and its coverage is verified when unrestricted',
    (_name, env) => {
      expect(env.assumptions.length).toBeGreaterThanOrEqual(2)
      expect(new Set(env.assumptions.map((a) => a.name)).size).toBe(env.assumptions.length)
      for (const a of env.assumptions) {
        expect(a.source, a.name).toMatch(/\S{8,}/)
        expect(a.description.length, a.name).toBeGreaterThan(30)
      }
      // Without a restricting guard the search covers every timing: nothing to take on trust there.
      expect(env.assumptions.filter((a) => a.status === 'verified').length).toBeGreaterThanOrEqual(
        1,
      )
      expect(checkOpen(system, env).unverifiedAssumptions.length).toBeGreaterThanOrEqual(1)
    },
  )

  it('turns the coverage assumption into a residual obligation when a guard restricts the fault', () => {
    const free = podEviction<World, string>({ pods: (s) => Object.keys(s.pods), evict: (s) => s })
    const budgeted = podEviction<World, string>({
      pods: (s) => Object.keys(s.pods),
      canEvict: (s) => Object.values(s.pods).every((p) => p === 'running'),
      evict: (s) => s,
    })
    const timing = (env: EnvironmentSpec<World>) =>
      env.assumptions.find((a) => a.name === 'eviction-timing')
    expect(timing(free)?.status).toBe('verified')
    expect(timing(budgeted)?.status).toBe('unverified')
    expect(timing(budgeted)?.description).toBe(
      'Pod eviction only strikes where canEvict allows it: that restriction must hold of the real platform',
    )
    expect(timing(budgeted)?.source).toContain(
      'kubernetes.io/docs/concepts/workloads/pods/disruptions/',
    )
  })

  it('respects the restricting guard in the search', () => {
    // Only pod b may be evicted: the trace names b, never a.
    const env = podEviction<World, string>({
      pods: (s) => Object.keys(s.pods),
      canEvict: (_s, p) => p === 'b',
      evict: (s, p) => ({ ...s, pods: { ...s.pods, [p]: 'evicted' } }),
    })
    const r = checkOpen(system, env)
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual(['init', 'k8s:evictPod(b)'])
  })

  it('cites the real sources: the Raft paper, etcd, Kubernetes, AWS, Linux man pages, seL4', () => {
    const sources = unrestricted.flatMap(([, env]) => env.assumptions.map((a) => a.source ?? ''))
    const all = sources.join('\n')
    expect(all).toContain(
      'Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", USENIX ATC 2014',
    )
    expect(all).toContain('etcd documentation, "etcd API guarantees"')
    expect(all).toContain('Kubernetes documentation, "Safely Drain a Node"')
    expect(all).toContain('AWS SDKs and Tools Reference Guide, "Retry behavior"')
    expect(all).toContain('Amazon DynamoDB Developer Guide, "Read consistency"')
    expect(all).toContain('clock_getres(2)')
    expect(all).toContain('seL4 Reference Manual')
    expect(all).toContain('Klein et al., "seL4: Formal Verification of an OS Kernel", SOSP 2009')
  })

  it('accepts a namespace, extra assumptions and guarantees', () => {
    const env = leaderChange<World>({
      name: 'etcd-eu',
      changeLeader: fail('no-leader'),
      canChangeLeader: (s) => s.call === 'put',
      assumptions: [
        {
          name: 'one-election-per-call',
          description: 'At most one election during a call',
          status: 'unverified',
        },
      ],
      guarantees: { neverTwice: (s) => s.error !== 'twice' },
    })
    const r = checkOpen(system, env)
    expect(r.environments).toEqual(['etcd-eu'])
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'call',
      'etcd-eu:leaderChange',
    ])
    expect(r.unverifiedAssumptions.map((a) => a.name)).toContain('one-election-per-call')
    expect(r.unverifiedAssumptions.every((a) => a.environment === 'etcd-eu')).toBe(true)
    expect(env.guarantees && Object.keys(env.guarantees)).toEqual(['neverTwice'])
  })

  it('composes all five platforms in one search, distinct labels and all obligations listed', () => {
    const envs = unrestricted.map(([, env]) => env)
    const r = checkOpen(system, ...envs)
    expect(r.environments).toEqual(['k8s', 'aws', 'etcd', 'linux', 'sel4'])
    const total = envs.reduce((n, e) => n + e.assumptions.length, 0)
    // Shared assumptions (graceful termination under both k8s factories) are listed once.
    expect(r.assumptions.length).toBe(total - 2)
    expect(r.unverifiedAssumptions.every((a) => a.status === 'unverified')).toBe(true)
  })

  it('validates what the factories build: a bad extra assumption names the environment', () => {
    expect(() =>
      diskFull<World>({
        fill: fail('ENOSPC'),
        assumptions: [{ description: 'x', status: 'unverified' } as never],
      }),
    ).toThrow(EnvironmentSpecError)
    expect(() =>
      diskFull<World>({
        fill: fail('ENOSPC'),
        assumptions: [{ description: 'x', status: 'unverified' } as never],
      }),
    ).toThrow(
      "environment 'linux': assumptions[2] has no name; give every assumption a non-empty name so that residual obligations can be tracked and cited",
    )
  })
})

describe('environment subpath exports', () => {
  it.each(['k8s', 'aws', 'etcd', 'linux', 'sel4'])(
    '@musil/core/environments/%s resolves the source condition first, then types and the build',
    async (name) => {
      const { readFile } = await import('node:fs/promises')
      const { existsSync } = await import('node:fs')
      const root = new URL('../', import.meta.url)
      const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'))
      const entry = pkg.exports[`./environments/${name}`]
      expect(Object.keys(entry)).toEqual(['@musil/source', 'types', 'default'])
      expect(entry).toEqual({
        '@musil/source': `./src/environments/${name}.ts`,
        types: `./dist/environments/${name}.d.ts`,
        default: `./dist/environments/${name}.js`,
      })
      expect(existsSync(new URL(entry['@musil/source'], root))).toBe(true)
    },
  )
})
