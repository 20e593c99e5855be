// seedloop tests/test_smoke.py: the package says its version and exports its API.
import { readFileSync } from 'node:fs'
import * as core from '@musil/core'
import { describe, expect } from 'vitest'
import { seedloopTest } from './conformance.ts'

describe('seedloop tests/test_smoke.py', () => {
  seedloopTest('test_smoke::test_version_is_string', () => {
    // The exported constant is the package's version: bumping one without the other fails here.
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string }
    expect(typeof core.version).toBe('string')
    expect(core.version).toBe(pkg.version)
    expect(core.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  seedloopTest('test_smoke::test_public_api_is_exported', () => {
    for (const name of [
      'explore',
      'replay',
      'auditMode',
      'RandomStream',
      'MusilError',
      'BoundaryError',
      'EntropyLeakError',
      'DeadlockError',
      'InvariantError',
      'timelineDigest',
      'version',
    ]) {
      expect(name in core, name).toBe(true)
    }
  })
})
