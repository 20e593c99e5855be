/**
 * The sweep worker: runs in a tinypool worker thread, imports the user's module by URL (through
 * tsx when it is TypeScript and Node cannot strip types itself), and runs the seeds it is sent.
 *
 * @module
 */
import type { RunReport } from '@musil/core'
import { describeError } from '@musil/core/internal'
import { importFailure, loadTypeScript, TS_FILE } from '@musil/core/load'
import { SweepError } from '../errors.ts'
import {
  asTarget,
  checkedSpecOf,
  failingSeeds,
  reportedFailure,
  runSeed,
  type SimTarget,
  seedDigest,
} from '../target.ts'
import type { ChunkResult, FailureResult, LoadFailure, SweepTask, TargetRef } from './protocol.ts'

const targets = new Map<string, Promise<SimTarget>>()

function target(ref: TargetRef): Promise<SimTarget> {
  const key = `${ref.module}#${ref.export}`
  let t = targets.get(key)
  if (t === undefined) {
    t = (async () => {
      if (TS_FILE.test(new URL(ref.module).pathname)) {
        await loadTypeScript(
          (e) =>
            new SweepError(
              `cannot load TypeScript in a sweep worker thread: this Node (${process.version}) has no type stripping and 'tsx' is not installed. Install it (npm i -D tsx) or point the sweep at compiled JavaScript.`,
              [],
              { cause: e },
            ),
        )
      }
      let mod: Record<string, unknown>
      try {
        mod = (await import(ref.module)) as Record<string, unknown>
      } catch (e) {
        throw new SweepError(
          `sweep worker cannot import ${ref.module}: ${importFailure(ref.module, e)}`,
          [],
          { cause: e },
        )
      }
      if (!(ref.export in mod)) {
        const names = Object.keys(mod).join(', ') || 'none'
        throw new SweepError(
          `${ref.module} has no export '${ref.export}' (its exports: ${names}); pass the name of the exported target as 'export'`,
        )
      }
      return asTarget(mod[ref.export], `export '${ref.export}' of ${ref.module}`)
    })()
    targets.set(key, t)
  }
  return t
}

/** tinypool's entry point. */
export default async function runTask(
  task: SweepTask,
): Promise<ChunkResult | FailureResult | string | LoadFailure> {
  let t: SimTarget
  try {
    t = await target(task)
  } catch (e) {
    return { loadError: describeError(e, 'message') }
  }
  switch (task.op) {
    case 'chunk':
      return failingSeeds(t, task.seeds)
    case 'failure': {
      let report: RunReport
      try {
        report = await runSeed(t, task.seed)
      } catch (e) {
        const detail = describeError(e)
        report = {
          ok: false,
          runs: 1,
          failure: { kind: 'error', seed: task.seed, detail, trace: [] },
        }
      }
      return report.failure === undefined
        ? { report }
        : { report, reported: reportedFailure(report.failure, checkedSpecOf(report)) }
    }
    case 'digest':
      return seedDigest(t, task.seed)
  }
}
