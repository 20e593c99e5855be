import { runInNewContext } from 'node:vm'
import * as core from '@musil/core'
import { SeedConfigError } from '@musil/core'
import * as internal from '@musil/core/internal'
import { describeError } from '@musil/core/internal'
import { describe, expect, it } from 'vitest'

/** What `@musil/core` shares with `@musil/vitest` only: on the internal subpath, not the public entry. */
const INTERNAL_ONLY = [
  'checkOptions',
  'keyList',
  'nearestKey',
  'OPTION_KEYS',
  'SEED_RULE',
  'seedProblem',
  'seedCountProblem',
  'checkSeed',
  'checksNothing',
  'mergeRunChecks',
  'NO_CHECKS',
  'describeError',
  'explainMissingMatchers',
  'MUSIL_MATCHERS',
]

describe('the entries of @musil/core', () => {
  it('keeps the helpers @musil/vitest shares on @musil/core/internal, off the public entry', () => {
    for (const name of INTERNAL_ONLY) {
      expect(Object.keys(internal), name).toContain(name)
      expect(Object.keys(core), name).not.toContain(name)
    }
  })

  it('drops the option lists and default bounds nobody outside core used', () => {
    for (const name of [
      'PARALLEL_CHECK_OPTION_KEYS',
      'SWARM_OPTION_KEYS',
      'DEFAULT_MAX_STEPS',
      'DEFAULT_MAX_TIME',
    ]) {
      expect(Object.keys(core), name).not.toContain(name)
      expect(Object.keys(internal), name).not.toContain(name)
    }
  })

  it('keeps the helpers the docs teach users public', () => {
    expect(core.formatValue({ q: [1, 2] })).toBe('{q: [1, 2]}')
    expect(new core.RandomStream(3, 'user').int(0, 9)).toBe(
      new core.RandomStream(3, 'user').int(0, 9),
    )
  })

  it('applies one seed rule through checkSeed, naming the entry point', () => {
    expect(internal.checkSeed(0, 'x()')).toBe(0)
    expect(() => internal.checkSeed(-1, 'x()')).toThrow(SeedConfigError)
    expect(() => internal.checkSeed(2 ** 53, 'x()')).toThrow(
      `x(): seed ${2 ** 53} is not a seed; ${internal.SEED_RULE}`,
    )
  })
})

describe('describeError', () => {
  it('names the class of an error, and shows any other value as a value', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad')
    expect(describeError(new SeedConfigError('MUSIL_SEED', 'no'))).toBe(
      'SeedConfigError: MUSIL_SEED: no',
    )
    expect(describeError('boom')).toBe('non-Error value "boom"')
    expect(describeError({ code: 1 })).toBe('non-Error value {code: 1}')
  })

  it("with style 'message', shows an error's message and a string as itself", () => {
    expect(describeError(new Error('test timed out'), 'message')).toBe('test timed out')
    expect(describeError('aborted by user', 'message')).toBe('aborted by user')
    expect(describeError(undefined, 'message')).toBe('non-Error value undefined')
  })

  it('names an error made in another realm, which fails instanceof Error', () => {
    const foreign: unknown = runInNewContext('new TypeError("from a vm context")')
    expect(foreign instanceof Error).toBe(false)
    expect(describeError(foreign)).toBe('TypeError: from a vm context')
    expect(describeError(foreign, 'message')).toBe('from a vm context')
  })
})
