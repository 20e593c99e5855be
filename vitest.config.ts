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
    reporters: ['default', new ClosingLineReporter()],
    projects: [
      { extends: true, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'vitest', include: ['packages/vitest/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'examples', include: ['examples/**/*.test.ts'] } },
    ],
  },
})
