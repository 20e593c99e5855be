/**
 * Whom a guarded global answers to when it is called: the run whose code is executing (found
 * through the run's async context), a standalone `auditMode` scope, or nobody (Vitest's own code,
 * or any code outside both), in which case the guard calls the original at once.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { BoundaryError } from '../errors.ts'
import { runContext } from './context.ts'
import type { RunHost } from './host.ts'

/** A standalone audit scope: the leaks caught in it, kept even if the code caught the error. */
export interface AuditScope {
  readonly leaks: BoundaryError[]
}

/** Carries the {@link AuditScope} of `auditMode` through every `await` of the code it wraps. */
export const auditScope: AsyncLocalStorage<AuditScope> = new AsyncLocalStorage<AuditScope>()

/** The run whose code is executing now, if any. */
export function activeRun(): RunHost | undefined {
  const store = runContext.getStore()
  return store === undefined || store.runtime.ended ? undefined : store.runtime
}

/** Whether entropy reads trip now: inside an audited run, or anywhere inside `auditMode`. */
export function auditing(run: RunHost | undefined): boolean {
  return run?.audit === true || auditScope.getStore() !== undefined
}

/** Whether real I/O trips now: inside any run (audited or not), or inside `auditMode`. */
export function guarded(run: RunHost | undefined): boolean {
  return run !== undefined || auditScope.getStore() !== undefined
}

/**
 * Throws `error`, first recording it where it fails something even if the code catches it: on
 * the run when there is one, else on the `auditMode` scope.
 */
export function trip(run: RunHost | undefined, error: BoundaryError): never {
  if (run !== undefined) run.noteLeak(error)
  else auditScope.getStore()?.leaks.push(error)
  throw error
}
