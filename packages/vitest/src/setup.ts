/**
 * Setup file the `musil()` plugin adds to `test.setupFiles`: registers the matchers in every
 * test file, so `expect(model).toBeSafe()` works without importing `@musil/vitest`.
 *
 * @module
 */
import './matchers/register.ts'
