// Strict options in @musil/vitest: every options object a test writes rejects an unknown key
// with an OptionsError naming the key, where it was given and the key meant.
import { BaseNode } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  type Counter,
  counter,
  expectOptionsError,
  expectOptionTable,
  loose,
  type OptionsCase,
  thrown,
} from '../../core/test/options-helpers.ts'
import { modelTest } from '../src/index.ts'
import {
  DEADLOCK_MATCHER_OPTION_KEYS,
  SAFETY_MATCHER_OPTION_KEYS,
} from '../src/matchers/model-matchers.ts'
import { MODEL_TEST_OPTION_KEYS, SWARM_TEST_OPTION_KEYS } from '../src/model-test.ts'
import { musil } from '../src/plugin.ts'
import {
  checkPluginOptions,
  MUSIL_PLUGIN_OPTION_KEYS,
  MUSIL_REPORTER_OPTION_KEYS,
} from '../src/plugin-options.ts'
import { REPLAY_TARGET_KEYS, replayCommand } from '../src/replay.ts'
import { chooseSeed, SEED_INPUT_KEYS } from '../src/seed-choice.ts'
import { SEED_RANGE_KEYS } from '../src/seeds.ts'
import { SIM_SWEEP_OPTION_KEYS, simTest } from '../src/sim-test.ts'
import { SWEEP_OPTION_KEYS, sweep } from '../src/sweep/sweep.ts'
import { defineScenario, defineSimulation, SIMULATION_TARGET_OPTION_KEYS } from '../src/target.ts'

const goal = (s: Counter) => s.n === 2
class Quiet extends BaseNode {}
const nodes = () => ({ a: new Quiet() })
const snapshot = () => 0
const module = new URL('./targets/route-push.ts', import.meta.url)

const cases: OptionsCase[] = [
  {
    entry: 'modelTest',
    run: () => modelTest('counter', counter, loose({ timout: 5_000 })),
    key: 'timout',
    where: "modelTest('counter')",
    suggestion: 'timeout',
  },
  {
    entry: 'modelTest (a liveness goal)',
    run: () => modelTest('counter', counter, loose({ liveness: [{ goal, fairs: ['inc'] }] })),
    key: 'fairs',
    where: "modelTest('counter') liveness[0]",
    suggestion: 'fair',
  },
  {
    entry: 'expect(model).toBeSafe',
    run: () => expect(counter).toBeSafe(loose({ maxstates: 10 })),
    key: 'maxstates',
    where: 'toBeSafe()',
    suggestion: 'maxStates',
  },
  {
    entry: 'expect(model).toBeDeadlockFree',
    run: () => expect(counter).toBeDeadlockFree(loose({ maxDepht: 10 })),
    key: 'maxDepht',
    where: 'toBeDeadlockFree()',
    suggestion: 'maxDepth',
  },
  {
    entry: 'expect(model).toConverge',
    run: () => expect(counter).toConverge(loose({ goal, fairs: ['inc'] })),
    key: 'fairs',
    where: 'toConverge()',
    suggestion: 'fair',
  },
  {
    entry: 'expect(model).toRefine',
    run: () => expect(counter).toRefine(counter, (s) => s, loose({ maxState: 10 })),
    key: 'maxState',
    where: 'toRefine()',
    suggestion: 'maxStates',
  },
  {
    entry: 'simTest.sweep',
    run: () => simTest.sweep('sweeps', loose({ module, seeds: 10, thread: 2 })),
    key: 'thread',
    where: "simTest.sweep('sweeps')",
    suggestion: 'threads',
  },
  {
    entry: 'simTest.sweep (a seed range)',
    run: () => simTest.sweep('sweeps', { module, seeds: loose({ form: 0, to: 5 }) }),
    key: 'form',
    where: "simTest.sweep('sweeps') seeds { from, to }",
    suggestion: 'from',
  },
  {
    entry: 'sweep',
    run: () => sweep(loose({ module, seeds: 10, chunksize: 5 })),
    key: 'chunksize',
    where: 'sweep()',
    suggestion: 'chunkSize',
  },
  {
    entry: 'sweep (a seed range)',
    run: () => sweep({ module, seeds: loose({ from: 0, too: 10 }) }),
    key: 'too',
    where: 'sweep seeds { from, to }',
    suggestion: 'to',
  },
  {
    entry: 'defineSimulation',
    run: () => defineSimulation(nodes, loose({ snapshot, goalname: 'settled' })),
    key: 'goalname',
    where: 'defineSimulation()',
    suggestion: 'goalName',
  },
  {
    entry: 'defineSimulation (its minimize options)',
    run: () => defineSimulation(nodes, { snapshot, minimize: loose({ maxRun: 3 }) }),
    key: 'maxRun',
    where: 'defineSimulation({ minimize })',
    suggestion: 'maxRuns',
  },
  {
    entry: 'defineScenario',
    run: () => defineScenario(async () => {}, loose({ pctdepth: 2 })),
    key: 'pctdepth',
    where: 'defineScenario()',
    suggestion: 'pctDepth',
  },
  {
    entry: 'musil() (for the plugin to call)',
    run: () => checkPluginOptions(loose({ registerMatcher: false })),
    key: 'registerMatcher',
    where: 'musil()',
    suggestion: 'registerMatchers',
  },
  {
    entry: 'musil({ reporter }) (for the plugin to call)',
    run: () => checkPluginOptions({ reporter: loose({ htm: false }) }),
    key: 'htm',
    where: 'musil({ reporter })',
    suggestion: 'html',
  },
  {
    entry: 'chooseSeed',
    run: () => chooseSeed(loose({ each: 3, remember: [1] })),
    key: 'remember',
    where: 'chooseSeed()',
    suggestion: 'remembered',
  },
  {
    entry: 'replayCommand',
    run: () => replayCommand(loose({ file: 'a.test.ts', fullName: 'a', seeds: 3 })),
    key: 'seeds',
    where: 'replayCommand()',
    suggestion: 'seed',
  },
]

describe('every entry point rejects an unknown key, naming it, where it was given and the key meant', () => {
  it.each(cases)('$entry', async (c) => {
    expectOptionsError(await thrown(c.run), c)
  })

  simTest("simTest's simulate fixture", async ({ simulate }) => {
    expectOptionsError(
      await thrown(() => simulate(nodes, loose({ snapshot, invariant: { ok: () => true } }))),
      {
        key: 'invariant',
        where: 'simTest simulate()',
        suggestion: 'invariants',
      },
    )
  })

  simTest(
    "simTest's simulate fixture rejects seeds: it runs the test's seed only",
    ({ simulate }) => {
      expect(() => simulate(nodes, loose({ snapshot, seeds: 100 }))).toThrow(
        /^unknown option 'seeds' in simTest simulate\(\); valid options are 'snapshot', /,
      )
    },
  )

  simTest("simTest's explore fixture", async ({ explore }) => {
    expectOptionsError(await thrown(() => explore(async () => {}, loose({ strategie: 'pct' }))), {
      key: 'strategie',
      where: 'simTest explore()',
      suggestion: 'strategy',
    })
  })

  it('lets valid options through, whatever the entry point', () => {
    expect(counter).toBeSafe({ maxStates: 100, deadlock: true })
    expect(counter).toConverge({ goal, fair: ['inc'] })
    expect(() => checkPluginOptions({ seed: 1, reporter: false })).not.toThrow()
    expect(() => defineSimulation(nodes, { snapshot, goalName: 'settled' })).not.toThrow()
  })
})

describe('the options table in docs/api/options.md', () => {
  it('lists exactly the @musil/vitest options objects, each with exactly its valid keys, in order', () => {
    const lists: Record<string, readonly string[]> = {
      ModelTestOptions: MODEL_TEST_OPTION_KEYS,
      SwarmTestOptions: SWARM_TEST_OPTION_KEYS,
      SafetyMatcherOptions: SAFETY_MATCHER_OPTION_KEYS,
      DeadlockMatcherOptions: DEADLOCK_MATCHER_OPTION_KEYS,
      'SimulationTarget.options': SIMULATION_TARGET_OPTION_KEYS,
      SimSweepOptions: SIM_SWEEP_OPTION_KEYS,
      SweepOptions: SWEEP_OPTION_KEYS,
      SeedRange: SEED_RANGE_KEYS,
      MusilPluginOptions: MUSIL_PLUGIN_OPTION_KEYS,
      MusilReporterOptions: MUSIL_REPORTER_OPTION_KEYS,
      SeedInputs: SEED_INPUT_KEYS,
      ReplayTarget: REPLAY_TARGET_KEYS,
    }
    expectOptionTable('@musil/vitest', lists)
  })
})

describe('musil() given no object', () => {
  it('says what it expects before Vitest reads its config', () => {
    expect(() => musil(null as never)).toThrow(
      'musil() expects an options object such as { seed: 1 } or nothing, got null',
    )
  })
})
