import {
  type Action,
  action,
  check,
  checkOpen,
  checkOpenWith,
  defineEnvironment,
  defineModel,
  type EnvironmentSpec,
  EnvironmentSpecError,
  formatAssumptions,
  ModelDefinitionError,
  MusilError,
  openModel,
  residualObligations,
} from '@musil/core'
import { describe, expect, it } from 'vitest'

/** A service the platform may kill (at most twice); it may restart. */
interface Svc {
  readonly up: boolean
  readonly kills: number
}

const service = (opts: { restart: boolean }) =>
  defineModel<Svc>({
    name: 'svc',
    init: { up: true, kills: 0 },
    actions: [
      action(
        'serve',
        (s) => s.up,
        (s) => s,
      ),
      ...(opts.restart
        ? [
            action<Svc>(
              'restart',
              (s) => !s.up,
              (s) => ({ ...s, up: true }),
            ),
          ]
        : []),
    ],
  })

const killer = (extra: Partial<EnvironmentSpec<Svc>> = {}): EnvironmentSpec<Svc> => ({
  name: 'k8s',
  actions: [
    action<Svc>(
      'kill',
      (s) => s.up && s.kills < 2,
      (s) => ({ up: false, kills: s.kills + 1 }),
    ),
  ],
  assumptions: [
    {
      name: 'sigterm',
      description: 'A killed pod gets SIGTERM first',
      source: 'K8s docs',
      status: 'unverified',
    },
    { name: 'covered', description: 'Kills may happen at any time', status: 'verified' },
  ],
  ...extra,
})

const noDuration = <T extends { stats: { durationMs: number } }>(r: T) => ({
  ...r,
  stats: { ...r.stats, durationMs: 0 },
})

describe('checkOpen', () => {
  it('explores every interleaving of system and environment actions (hand-counted state space)', () => {
    // x counts 0..2 (system), f toggles (environment): 3 x 2 = 6 states. Successors: the 4
    // states with x < 2 have 2 each, the 2 with x = 2 have 1: generated = 1 + 8 + 2 = 11.
    const m = defineModel<{ x: number; f: boolean }>({
      init: { x: 0, f: false },
      actions: [
        action(
          'inc',
          (s) => s.x < 2,
          (s) => ({ ...s, x: s.x + 1 }),
        ),
      ],
    })
    const env: EnvironmentSpec<{ x: number; f: boolean }> = {
      name: 'flaky',
      actions: [
        action(
          'toggle',
          () => true,
          (s) => ({ ...s, f: !s.f }),
        ),
      ],
      assumptions: [],
    }
    const r = checkOpen(m, env)
    expect(r.ok).toBe(true)
    expect(r.result.stats.distinct).toBe(6)
    expect(r.result.stats.generated).toBe(11)
    expect(r.result.stats.depth).toBe(4)
    expect(check(m).stats.distinct).toBe(3)
  })

  it('finds a violation that needs an environment step and labels that step <env>:<action>', () => {
    const r = checkOpen(service({ restart: false }), killer())
    expect(r.ok).toBe(false)
    // Killed and never restarted: a reachable state with nothing left to do.
    expect(r.result.violation?.kind).toBe('deadlock')
    expect(r.result.violation?.message).toBe(
      'deadlock: a reachable state of svc under k8s has no enabled action and is not terminal',
    )
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual(['init', 'k8s:kill'])
    expect(r.result.model).toBe('svc under k8s')
    expect(r.violatedGuarantee).toBeUndefined()
  })

  it('passes when the system recovers, and lists the unverified assumptions with their sources', () => {
    const r = checkOpen(service({ restart: true }), killer())
    expect(r.ok).toBe(true)
    expect(r.environments).toEqual(['k8s'])
    expect(r.unverifiedAssumptions).toEqual([
      {
        environment: 'k8s',
        name: 'sigterm',
        description: 'A killed pod gets SIGTERM first',
        source: 'K8s docs',
        status: 'unverified',
      },
    ])
    expect(r.assumptions.map((a) => `${a.environment}/${a.name}:${a.status}`)).toEqual([
      'k8s/sigterm:unverified',
      'k8s/covered:verified',
    ])
  })

  it('checks environment guarantees as invariants and says which environment broke its promise', () => {
    const env = killer({ guarantees: { atMostOneKill: (s) => s.kills <= 1 } })
    const r = checkOpen(service({ restart: true }), env)
    expect(r.ok).toBe(false)
    expect(r.result.violation?.name).toBe('k8s:atMostOneKill')
    expect(r.result.violation?.message).toBe(
      "guarantee 'atMostOneKill' of environment 'k8s' is violated after 3 steps",
    )
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual([
      'init',
      'k8s:kill',
      'restart',
      'k8s:kill',
    ])
    expect(r.violatedGuarantee).toEqual({ environment: 'k8s', guarantee: 'atMostOneKill' })
  })

  it('agrees with check() on openModel(), and is deterministic (two runs, identical results)', () => {
    const m = service({ restart: true })
    const a = checkOpen(m, killer())
    const b = checkOpen(m, killer())
    const c = check(openModel(m, killer()))
    expect(noDuration(a.result)).toEqual(noDuration(b.result))
    expect(JSON.stringify(noDuration(a.result))).toBe(JSON.stringify(noDuration(c)))
  })

  it('lets several environments share a namespace when their actions differ', () => {
    const second: EnvironmentSpec<Svc> = {
      name: 'k8s',
      actions: [
        action<Svc>(
          'drain',
          (s) => s.up && s.kills === 0,
          () => ({ up: false, kills: 2 }),
        ),
      ],
      assumptions: [
        {
          name: 'sigterm',
          description: 'A killed pod gets SIGTERM first',
          source: 'K8s docs',
          status: 'unverified',
        },
      ],
    }
    const r = checkOpen(service({ restart: false }), killer(), second)
    expect(r.environments).toEqual(['k8s'])
    // The identical assumption stated by both is listed once.
    expect(r.unverifiedAssumptions.map((a) => a.name)).toEqual(['sigterm'])
    expect(
      openModel(service({ restart: false }), killer(), second).actions.map((a) => a.name),
    ).toEqual(['serve', 'k8s:kill', 'k8s:drain'])
  })

  it('reports an exception in an environment action with the labelled action and its trace', () => {
    const env: EnvironmentSpec<Svc> = {
      name: 'chaos',
      actions: [
        action<Svc>(
          'explode',
          (s) => s.kills === 0,
          () => {
            throw new Error('boom')
          },
        ),
      ],
      assumptions: [],
    }
    const r = checkOpen(service({ restart: false }), env)
    expect(r.result.violation?.kind).toBe('error')
    expect(r.result.violation?.name).toBe('chaos:explode')
    expect(r.result.violation?.message).toBe('effect of chaos:explode threw after 0 steps: boom')
    expect(r.result.violation?.trace.map((s) => s.action)).toEqual(['init'])
  })

  it('checkOpenWith passes options to the search: a bound makes the result incomplete, never ok', () => {
    const m = defineModel<{ n: number }>({
      init: { n: 0 },
      actions: [
        action(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
      ],
    })
    const env: EnvironmentSpec<{ n: number }> = {
      name: 'reset',
      actions: [
        action(
          'zero',
          (s) => s.n > 0,
          () => ({ n: 0 }),
        ),
      ],
      assumptions: [{ name: 'rare', description: 'Resets are rare', status: 'unverified' }],
    }
    const r = checkOpenWith(m, [env], { maxStates: 10 })
    expect(r.ok).toBe(false)
    expect(r.result.complete).toBe(false)
    expect(r.result.incomplete?.reason).toBe('maxStates')
    expect(r.unverifiedAssumptions.map((a) => a.name)).toEqual(['rare'])
  })

  it('with no environment it is a plain check with no obligations', () => {
    const r = checkOpen(service({ restart: false }))
    expect(r.ok).toBe(true)
    expect(r.environments).toEqual([])
    expect(r.unverifiedAssumptions).toEqual([])
    expect(r.result.model).toBe('svc')
    expect(noDuration(r.result)).toEqual(noDuration(check(service({ restart: false }))))
  })

  it('formats residual obligations one block per assumption', () => {
    const r = checkOpen(service({ restart: true }), killer())
    expect(formatAssumptions(r.unverifiedAssumptions)).toBe(
      '[unverified] k8s/sigterm\n    A killed pod gets SIGTERM first\n    Source: K8s docs',
    )
    expect(residualObligations(killer())).toEqual(r.unverifiedAssumptions)
  })
})

describe('checkOpen: bad input', () => {
  const m = service({ restart: false })
  const expectError = (
    f: () => unknown,
    cls: new (...args: never[]) => Error,
    message: string | RegExp,
  ) => {
    let caught: unknown
    try {
      f()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(cls)
    expect(MusilError.is(caught)).toBe(true)
    expect((caught as Error).name).toBe(cls.name)
    if (typeof message === 'string') expect((caught as Error).message).toBe(message)
    else expect((caught as Error).message).toMatch(message)
    return caught as Error
  }

  it('rejects an environment action whose label clashes with a system action, naming both', () => {
    const clashing = defineModel<Svc>({
      name: 'svc',
      init: { up: true, kills: 0 },
      actions: [
        action(
          'k8s:kill',
          () => false,
          (s) => s,
        ),
      ],
    })
    const e = expectError(
      () => checkOpen(clashing, killer()),
      EnvironmentSpecError,
      "action 'kill' of environment 'k8s' is labelled 'k8s:kill', which clashes with system action 'k8s:kill' of model 'svc'; rename one of them (environment actions are labelled <environment>:<action>)",
    )
    expect((e as EnvironmentSpecError).environment).toBe('k8s')
  })

  it('rejects two environments of one namespace with the same action', () => {
    expectError(
      () => checkOpen(m, killer(), killer()),
      EnvironmentSpecError,
      "action 'kill' of environment 'k8s' is labelled 'k8s:kill', which clashes with action 'kill' of environment 'k8s'; rename one of them (environment actions are labelled <environment>:<action>)",
    )
  })

  it('rejects a guarantee that clashes with a system invariant', () => {
    const withInv = defineModel<Svc>({
      name: 'svc',
      init: { up: true, kills: 0 },
      actions: [
        action(
          'noop',
          () => true,
          (s) => s,
        ),
      ],
      invariants: { 'k8s:bounded': () => true },
    })
    expectError(
      () => checkOpen(withInv, killer({ guarantees: { bounded: () => true } })),
      EnvironmentSpecError,
      "guarantee 'bounded' of environment 'k8s' is checked as invariant 'k8s:bounded', which clashes with invariant 'k8s:bounded' of model 'svc'; rename one of them",
    )
  })

  it('rejects an environment without actions', () => {
    expectError(
      () => checkOpen(m, killer({ actions: [] })),
      EnvironmentSpecError,
      "environment 'k8s' has no actions: an environment contributes the faults that interleave with the system, so give it at least one action(...) (assumptions alone do not change what is explored)",
    )
    expectError(
      () => checkOpen(m, { name: 'k8s', assumptions: [] } as never),
      EnvironmentSpecError,
      /environment 'k8s' has no actions/,
    )
  })

  it('rejects an environment without a name, or with a colon in it', () => {
    expectError(
      () => checkOpen(m, killer({ name: '' })),
      EnvironmentSpecError,
      "checkOpen(): environments[0] has no name: give the environment a non-empty name such as 'k8s' (it prefixes its actions in traces, e.g. k8s:evictPod)",
    )
    expectError(
      () => checkOpen(m, killer({ name: 'k8s:prod' })),
      EnvironmentSpecError,
      /environment 'k8s:prod': the name must not contain ':'/,
    )
  })

  it('rejects something that is not an environment at all', () => {
    expectError(
      () => checkOpen(m, killer(), null as never),
      EnvironmentSpecError,
      'checkOpen(): environments[1] is not an environment: expected { name, actions, assumptions, guarantees? }, got null',
    )
  })

  it('rejects an action not built with action()', () => {
    const fake = {
      name: 'kill',
      guard: () => true,
      effect: (s: Svc) => s,
    } as unknown as Action<Svc>
    expectError(
      () => checkOpen(m, killer({ actions: [fake] })),
      EnvironmentSpecError,
      "environment 'k8s': actions[0] is not an action; build it with action(name, guard, effect) or action.each(name, domain, guard, effect)",
    )
  })

  it('rejects an assumption without a name, description or valid status', () => {
    const bad = (a: unknown) => killer({ assumptions: [a as never] })
    expectError(
      () => checkOpen(m, bad({ description: 'x', status: 'unverified' })),
      EnvironmentSpecError,
      "environment 'k8s': assumptions[0] has no name; give every assumption a non-empty name so that residual obligations can be tracked and cited",
    )
    expectError(
      () => checkOpen(m, bad({ name: 'a', status: 'unverified' })),
      EnvironmentSpecError,
      "environment 'k8s': assumption 'a' has no description; say in a sentence what is assumed",
    )
    expectError(
      () => checkOpen(m, bad({ name: 'a', description: 'x', status: 'maybe' })),
      EnvironmentSpecError,
      `environment 'k8s': assumption 'a' has status "maybe"; use 'verified' (discharged elsewhere) or 'unverified' (a residual proof obligation)`,
    )
    expectError(
      () => checkOpen(m, bad({ name: 'a', description: 'x', status: 'verified', source: 3 })),
      EnvironmentSpecError,
      "environment 'k8s': assumption 'a': 'source' must be a string (a document title, paper or URL)",
    )
    expectError(
      () => checkOpen(m, killer({ assumptions: 'none' as never })),
      EnvironmentSpecError,
      "environment 'k8s': 'assumptions' must be an array of { name, description, source?, status } (use [] when the environment assumes nothing)",
    )
  })

  it('rejects duplicate names inside one environment and conflicting restatements across environments', () => {
    const a = { name: 'a', description: 'x', status: 'unverified' } as const
    expectError(
      () => checkOpen(m, killer({ assumptions: [a, a] })),
      EnvironmentSpecError,
      "environment 'k8s': two assumptions are named 'a'; assumption names must be unique within an environment",
    )
    const other: EnvironmentSpec<Svc> = {
      name: 'k8s',
      actions: [
        action<Svc>(
          'drain',
          () => false,
          (s) => s,
        ),
      ],
      assumptions: [{ name: 'sigterm', description: 'Something else', status: 'unverified' }],
    }
    expectError(
      () => checkOpen(m, killer(), other),
      EnvironmentSpecError,
      "environment 'k8s' states assumption 'sigterm' twice with different content; give the two different names or make them identical",
    )
  })

  it('rejects a guarantee that is not a function', () => {
    expectError(
      () => checkOpen(m, killer({ guarantees: { bounded: true as never } })),
      EnvironmentSpecError,
      "environment 'k8s': guarantee 'bounded' must be a function (s) => boolean, got boolean",
    )
  })

  it('rejects a system that is not a model', () => {
    expectError(
      () => checkOpen({ init: [], actions: [] } as never, killer()),
      ModelDefinitionError,
      'checkOpen() expects a model built with defineModel({ init, actions })',
    )
  })

  it('defineEnvironment validates up front and freezes the result', () => {
    const env = defineEnvironment(killer())
    expect(Object.isFrozen(env)).toBe(true)
    expect(Object.isFrozen(env.assumptions[0])).toBe(true)
    expectError(
      () => defineEnvironment(killer({ name: undefined as never })),
      EnvironmentSpecError,
      /^defineEnvironment\(\) has no name/,
    )
  })

  it('checkOpenWith rejects envs that are not an array', () => {
    expectError(
      () => checkOpenWith(m, killer() as never, {}),
      EnvironmentSpecError,
      'checkOpenWith(model, envs, opts): envs must be an array of environments',
    )
  })
})
