import { defineConfig } from 'vitest/config'
import { musil } from './packages/vitest/src/plugin.ts'
import { ClosingLineReporter } from './scripts/closing-line-reporter.ts'

// Tests run from TypeScript sources: the `@musil/source` export condition points every
// workspace package at its `src/index.ts`. Vitest resolves test imports on its SSR side, so the
// condition goes in `ssr.resolve` too (plain `resolve.conditions` is not enough).
const conditions = ['@musil/source']

export default defineConfig({
  plugins: [musil()],
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    diff: { expand: true },
    // Vitest's 5 s default is sized for a quiet machine; CI is a busy 2-core box where a test
    // that builds a state graph or starts a thread can take several times longer. A hang still
    // ends: tests that spawn processes set their own bound (and their child's).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new ClosingLineReporter()],
    projects: [
      { extends: true, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'vitest', include: ['packages/vitest/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'examples', include: ['examples/**/*.test.ts'] } },
    ],
  },
})
