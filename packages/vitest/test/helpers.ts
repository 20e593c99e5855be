/** Test helpers shared by the matcher tests. */

/** What a failed assertion carries: its message and the two sides of the diff. */
export interface AssertionFailure {
  message: string
  actual: string
  expected: string
}

/** Runs an assertion that must fail and returns what it failed with. */
export function failureOf(f: () => void): AssertionFailure {
  try {
    f()
  } catch (e) {
    const err = e as AssertionFailure
    return { message: err.message, actual: err.actual, expected: err.expected }
  }
  throw new Error('expected the assertion to fail')
}
