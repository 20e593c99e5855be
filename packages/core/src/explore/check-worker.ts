/**
 * The explorer's "find a violation" thread: loads the model the page explores and runs `check`
 * on it, posting progress as it goes. A thread, so the page stays responsive and the search can
 * be cancelled by ending the thread (`check` itself is synchronous).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { check } from '../check/check.ts'
import { describeError, MusilError } from '../errors.ts'
import { loadModel } from '../load/load-model.ts'
import type { CheckJobInput, CheckJobMessage } from './check-job.ts'

const input = workerData as CheckJobInput
const post = (m: CheckJobMessage): void => parentPort!.postMessage(m)

try {
  const model = await loadModel(
    input.module,
    input.export,
    "the explorer's check thread",
    (message, cause) => new MusilError(message, { cause }),
  )
  const r = check(model, {
    ...input.options,
    onProgress: (progress) => post({ type: 'progress', progress }),
    progressIntervalMs: input.progressIntervalMs,
  })
  const v = r.violation
  let trace = v?.trace
  if (trace !== undefined) {
    // A state that cannot cross threads (a class instance, a function) still gives its labels.
    try {
      structuredClone(trace)
    } catch {
      trace = trace.map((s) => ({ action: s.action, state: undefined }))
    }
  }
  post({
    type: 'done',
    result: {
      ok: r.ok,
      complete: r.complete,
      stats: r.stats,
      ...(r.incomplete !== undefined && { incomplete: r.incomplete.message }),
      ...(v !== undefined && {
        violation: { kind: v.kind, name: v.name, message: v.message, trace: trace! },
      }),
    },
  })
} catch (e) {
  post({ type: 'error', message: describeError(e, 'message') })
}
