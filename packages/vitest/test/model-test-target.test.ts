// modelTest with a { module, export } target: the safety check runs on worker threads.
import { describe, expect, it } from 'vitest'
import { modelTest } from '../src/index.ts'
import { grid } from './fixtures/parallel/models.ts'

const module = new URL('./fixtures/parallel/models.ts', import.meta.url)

// Threads start slowly on a loaded 2-core machine (each loads TypeScript through tsx).
modelTest(
  'modelTest checks a target on two worker threads',
  { module, export: 'grid' },
  {
    workers: 2,
    timeout: 120_000,
  },
)

describe('modelTest with a target', () => {
  it('refuses workers for a model given as a value, saying how to pass a target', () => {
    expect(() => modelTest('x', grid(), { workers: 2 })).toThrow(
      /worker threads need the model as a target \{ module, export\? \}/,
    )
  })

  it('refuses something that is neither a model nor a target', () => {
    expect(() => modelTest('x', { export: 'grid' } as never)).toThrow(
      /or a target \{ module, export\? \} naming one/,
    )
  })
})
