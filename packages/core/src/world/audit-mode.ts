/**
 * `auditMode`: audit mode as a scope around any code, not only around a simulated run.
 *
 * @module
 */
import { WorldUsageError } from '../errors.ts'
import { acquireGuards, releaseGuards } from './audit.ts'
import { type AuditScope, auditScope } from './guard-target.ts'

/**
 * Runs `fn` in audit mode and returns what it returns. Inside it (in `fn` and in everything it
 * awaits or starts, tracked through the async context) a read of the wall clock, `Math.random`
 * or `crypto` randomness throws an `EntropyLeakError`, and real I/O (sockets, DNS, HTTP, child
 * processes, worker threads, file writes, real timers) throws a `BoundaryError`, each naming the
 * call. A leak fails the scope even if the code catches the error: `auditMode` then throws (or
 * rejects with) the first one when `fn` returns. Runs of `explore` and `replay` started inside
 * it are audited as with `audit: true` (a leak fails the run, which reports it). Code outside
 * the scope is never tripped, even while it is active, and every global is restored afterwards.
 *
 * It is seedloop's `audit_mode()`: use it to check that a library, a fixture or a model takes
 * nothing from outside before you put it in a simulation.
 *
 * @example
 * const makeId = (draw: () => number) => `id-${Math.floor(draw() * 1e6)}`
 * auditMode(() => makeId(() => 0.5)) // 'id-500000': takes nothing from outside
 * auditMode(() => makeId(Math.random)) // throws EntropyLeakError naming Math.random()
 *
 * @throws {EntropyLeakError} the first entropy read inside the scope.
 * @throws {BoundaryError} the first real I/O call inside the scope.
 * @throws {WorldUsageError} when `fn` is not a function.
 */
export function auditMode<T>(fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new WorldUsageError(`auditMode() needs a function to run, got ${typeof fn}`)
  }
  const scope: AuditScope = { leaks: [] }
  acquireGuards()
  let result: T
  try {
    result = auditScope.run(scope, fn)
  } catch (e) {
    releaseGuards()
    throw e
  }
  if (!isThenable(result)) {
    releaseGuards()
    if (scope.leaks.length > 0) throw scope.leaks[0]
    return result
  }
  // Async: the guards stay until the promise settles, so every await inside `fn` is covered.
  return Promise.resolve(result).then(
    (value) => {
      releaseGuards()
      if (scope.leaks.length > 0) throw scope.leaks[0]
      return value
    },
    (e: unknown) => {
      releaseGuards()
      throw e
    },
  ) as T
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  )
}
