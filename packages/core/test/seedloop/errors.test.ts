// seedloop tests/test_errors.py: one base class catches every error the library raises.
import {
  BoundaryError,
  DeadlineError,
  DeadlockError,
  EntropyLeakError,
  InvariantError,
  MusilError,
  WorldUsageError,
} from '@musil/core'
import { describe, expect } from 'vitest'
import { seedloopTest } from './conformance.ts'

/** The errors of the async runtime, each with a sample instance. */
const samples: [string, () => MusilError][] = [
  ['BoundaryError', () => new BoundaryError('net.connect()')],
  ['DeadlockError', () => new DeadlockError(0, [])],
  ['EntropyLeakError', () => new EntropyLeakError('Date.now()', 'Use world.now().')],
  ['InvariantError', () => new InvariantError('one', 1)],
  ['DeadlineError', () => new DeadlineError('goal', 10, 10)],
  ['WorldUsageError', () => new WorldUsageError('bad')],
]

describe('seedloop tests/test_errors.py', () => {
  seedloopTest('test_errors::test_errors_subclass_seedloop_error', () => {
    for (const [name, make] of samples) {
      const e = make()
      expect(e, name).toBeInstanceOf(MusilError)
      expect(e.name).toBe(name)
    }
    expect(new EntropyLeakError('x', 'y')).toBeInstanceOf(BoundaryError)
  })

  seedloopTest('test_errors::test_seedloop_error_catches_subclasses', () => {
    for (const [name, make] of samples) {
      let caught: unknown
      try {
        throw make()
      } catch (e) {
        caught = e
      }
      // MusilError.is also recognises copies made by another instance of the package.
      expect(MusilError.is(caught), name).toBe(true)
      expect(caught).toBeInstanceOf(MusilError)
    }
  })
})
