/**
 * The async context of a run, and the macrotask hop the scheduler uses to know that the
 * microtask queue has drained.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { setImmediate as nodeSetImmediate } from 'node:timers'
import type { RunContext } from './host.ts'

/**
 * Carries the {@link RunContext} through every `await` of the code under test. Audit mode trips
 * only when a store is present, so Vitest's own code between steps never trips.
 */
export const runContext: AsyncLocalStorage<RunContext> = new AsyncLocalStorage<RunContext>()

// Captured once, at module load, into a constant: audit mode later replaces the global
// `setImmediate` with a tripwire, and the scheduler must keep using the real one. A const holds
// the function itself, not a live binding, so no later patch can reach it.
const realSetImmediate = nodeSetImmediate

/**
 * Resolves on the next macrotask. Node runs every queued microtask (and `process.nextTick`
 * callback) before a `setImmediate` callback, so when this resolves, every continuation that the
 * last wake-up made runnable has run to its next `await` of something the runtime controls.
 */
export function macrotaskHop(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve)
  })
}
