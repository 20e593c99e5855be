/**
 * "Find a violation" as a job: `check` on a worker thread, with progress while it runs, a
 * result when it ends, and cancellation (the thread is terminated) at any time.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import type { CheckOptions, CheckProgress, CheckStats, Step } from '../check/types.ts'
import { workerEntry, workerExecArgv } from '../load/worker-entry.ts'

/** What the check thread is given. */
export interface CheckJobInput {
  /** The model's module, as a `file:` URL. */
  readonly module: string
  readonly export: string
  readonly options: Pick<CheckOptions, 'deadlock' | 'maxStates' | 'maxDepth'>
  readonly progressIntervalMs: number
}

/** What a finished check found: `check`'s result, its trace as plain data. */
export interface CheckJobResult {
  readonly ok: boolean
  readonly complete: boolean
  readonly stats: CheckStats
  /** Why the search stopped early, when it did. */
  readonly incomplete?: string
  readonly violation?: {
    readonly kind: string
    readonly name: string
    readonly message: string
    readonly trace: readonly Step<unknown>[]
  }
}

/** A message from the check thread. */
export type CheckJobMessage =
  | { readonly type: 'progress'; readonly progress: CheckProgress }
  | { readonly type: 'done'; readonly result: CheckJobResult }
  | { readonly type: 'error'; readonly message: string }

/** Where a job is. */
export type CheckJobStatus =
  | { readonly status: 'running'; readonly progress?: CheckProgress }
  | { readonly status: 'done'; readonly result: CheckJobResult }
  | { readonly status: 'cancelled'; readonly progress?: CheckProgress }
  | { readonly status: 'failed'; readonly message: string }

/** A running check: read its status at any time, cancel it, or await its end. */
export interface CheckJob {
  /** Where the job is now: running (with the last progress), done, cancelled or failed. */
  status(): CheckJobStatus
  /** Ends the thread; the status becomes `cancelled` unless the job had already ended. */
  cancel(): Promise<void>
  /** Resolves with the final status. */
  readonly finished: Promise<CheckJobStatus>
}

/** Starts `check` on a thread of its own. */
export function startCheckJob(input: CheckJobInput): CheckJob {
  let state: CheckJobStatus = { status: 'running' }
  let settle: (s: CheckJobStatus) => void = () => {}
  const finished = new Promise<CheckJobStatus>((resolve) => (settle = resolve))
  const end = (s: CheckJobStatus): void => {
    if (state.status !== 'running') return
    state = s
    settle(s)
  }
  const worker = new Worker(workerEntry(import.meta.url, 'check-worker', 'thread'), {
    workerData: input,
    execArgv: workerExecArgv(import.meta.url),
  })
  worker.on('message', (m: CheckJobMessage) => {
    if (m.type === 'progress' && state.status === 'running') {
      state = { status: 'running', progress: m.progress }
    } else if (m.type === 'done') end({ status: 'done', result: m.result })
    else if (m.type === 'error') end({ status: 'failed', message: m.message })
  })
  worker.on('error', (e) => end({ status: 'failed', message: e.message }))
  worker.on('exit', (code) =>
    end({ status: 'failed', message: `the check thread exited with code ${code}` }),
  )
  return {
    status: () => state,
    finished,
    async cancel() {
      if (state.status === 'running') {
        const progress = state.progress
        end({ status: 'cancelled', ...(progress !== undefined && { progress }) })
      }
      await worker.terminate()
    },
  }
}
