/**
 * The async context of a run, and the pump that tells the scheduler the microtask queue has
 * drained.
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

/** The most immediates queued at once: enough to amortise a turn of the event loop. */
const MAX_BATCH = 32

/**
 * Calls `onDrained` once per {@link DrainPump.request}, each time after the microtask queue has
 * drained: when it runs, every continuation the last wake-up made runnable has run to its next
 * `await` of something the runtime controls.
 *
 * Node drains the microtask queue (and `process.nextTick`) between any two `setImmediate`
 * callbacks of one check phase, so a batch of immediates queued at once yields that many drained
 * points for one turn of the event loop. A turn costs a poll of the OS and the timer bookkeeping,
 * which is most of what one step of a small scenario costs; an immediate within a batch costs far
 * less. The batch doubles from 1 to {@link MAX_BATCH}, so a short run wastes little; immediates a
 * finished run did not use run as no-ops.
 *
 * Each run owns its pump and queues every batch from its own callbacks, so the wake-ups fire in
 * the async context the run was started in (an enclosing `auditMode` scope included), as they did
 * when every step awaited its own immediate.
 */
export class DrainPump {
  readonly #onDrained: () => void
  /** Immediates queued and not yet run. */
  #queued = 0
  #batch = 1
  #wanted = false
  readonly #tick = (): void => {
    this.#queued--
    if (!this.#wanted) return
    this.#wanted = false
    this.#onDrained()
  }

  constructor(onDrained: () => void) {
    this.#onDrained = onDrained
  }

  /** Asks for one call of `onDrained`, after the microtasks queued so far (and theirs) have run. */
  request(): void {
    this.#wanted = true
    if (this.#queued > 0) return
    const n = this.#batch
    for (let i = 0; i < n; i++) realSetImmediate(this.#tick)
    this.#queued = n
    if (n < MAX_BATCH) this.#batch = n * 2
  }

  /** Cancels a pending request: the queued immediates run as no-ops. */
  stop(): void {
    this.#wanted = false
  }
}
