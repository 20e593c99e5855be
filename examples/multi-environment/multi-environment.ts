/**
 * Multi-environment composition: a worker reads its config from etcd and writes its output to
 * S3, inside a Kubernetes pod. Three platforms fault independently (K8s evicts the pod, AWS
 * throttles the write, etcd loses its leader during the read), and `checkOpen` explores every
 * interleaving of all three with the worker's own steps in one search.
 *
 * - `no-retry`: a failed call fails the job. Any single fault loses work.
 * - `retry-with-backoff`: a failed call backs off and is retried, up to a budget of attempts.
 *   It passes, provided the faults are transient, which is what the residual obligations say.
 */
import {
  action,
  checkOpen,
  defineModel,
  type EnvironmentSpec,
  formatAssumptions,
  formatValue,
  type Model,
  type OpenCheckResult,
} from '@musil/core'
import { apiThrottling } from '@musil/core/environments/aws'
import { leaderChange } from '@musil/core/environments/etcd'
import { podEviction } from '@musil/core/environments/k8s'

/** Jobs the worker must process. */
export const JOBS = 2
/** Attempts per call with retry-with-backoff (the first try plus two retries). */
export const MAX_ATTEMPTS = 3
/**
 * How many times in a row the platforms may fail the same call: the bounded form of "throttling
 * and elections are transient". It must stay below {@link MAX_ATTEMPTS} for retries to win.
 */
export const MAX_CONSECUTIVE_FAULTS = 2

/** The worker's state. */
export interface Worker {
  /** The pod: serving, or evicted and being replaced. */
  readonly pod: 'running' | 'restarting'
  /** The next call of the current job: read the config, then write the data. */
  readonly step: 'read-config' | 'write-data'
  /** The call in flight, if any. */
  readonly call: 'none' | 'etcd-get' | 's3-put'
  /** The error the last call failed with, not yet handled. */
  readonly error: 'none' | 'throttled' | 'no-leader'
  /** Failed attempts of the current call. */
  readonly attempt: number
  /** Waiting out a backoff delay before retrying. */
  readonly backoff: boolean
  /** Jobs completed. */
  readonly done: number
  /** Jobs given up. */
  readonly dropped: number
}

/** How the worker handles a failed call. */
export type Design = 'no-retry' | 'retry-with-backoff'

const idle = (s: Worker) =>
  s.pod === 'running' && s.call === 'none' && s.error === 'none' && !s.backoff
const jobsLeft = (s: Worker) => s.done + s.dropped < JOBS
/** Give up on the current job: count it as dropped and move to the next. */
const dropJob = (s: Worker): Worker => ({
  ...s,
  step: 'read-config',
  error: 'none',
  attempt: 0,
  backoff: false,
  dropped: s.dropped + 1,
})

/** The worker, with the given error handling. */
export function worker(design: Design): Model<Worker> {
  const onError =
    design === 'no-retry'
      ? [action<Worker>('giveUp', (s) => s.error !== 'none', dropJob)]
      : [
          action<Worker>(
            'backOff',
            (s) => s.error !== 'none' && s.attempt + 1 < MAX_ATTEMPTS,
            (s) => ({ ...s, error: 'none', attempt: s.attempt + 1, backoff: true }),
          ),
          action<Worker>(
            'retry',
            (s) => s.backoff && s.pod === 'running',
            (s) => ({ ...s, backoff: false }),
          ),
          action<Worker>(
            'giveUp',
            (s) => s.error !== 'none' && s.attempt + 1 >= MAX_ATTEMPTS,
            dropJob,
          ),
        ]
  return defineModel<Worker>({
    name: `worker (${design})`,
    init: {
      pod: 'running',
      step: 'read-config',
      call: 'none',
      error: 'none',
      attempt: 0,
      backoff: false,
      done: 0,
      dropped: 0,
    },
    actions: [
      action(
        'getConfig',
        (s) => idle(s) && jobsLeft(s) && s.step === 'read-config',
        (s) => ({ ...s, call: 'etcd-get' }),
      ),
      action(
        'gotConfig',
        (s) => s.call === 'etcd-get',
        (s) => ({ ...s, call: 'none', step: 'write-data', attempt: 0 }),
      ),
      action(
        'putObject',
        (s) => idle(s) && s.step === 'write-data',
        (s) => ({ ...s, call: 's3-put' }),
      ),
      action(
        'putDone',
        (s) => s.call === 's3-put',
        (s) => ({
          ...s,
          call: 'none',
          step: 'read-config',
          attempt: 0,
          done: s.done + 1,
        }),
      ),
      ...onError,
      // The Deployment replaces an evicted pod; the new pod starts the unacknowledged job over.
      action(
        'restart',
        (s) => s.pod === 'restarting',
        (s) => ({ ...s, pod: 'running', step: 'read-config' }),
      ),
    ],
    invariants: {
      noDroppedJob: (s) => s.dropped === 0,
      attemptsWithinBudget: (s) => s.attempt < MAX_ATTEMPTS,
    },
    terminal: (s) => !jobsLeft(s) && s.call === 'none' && s.pod === 'running',
  })
}

/** K8s: the worker's pod may be evicted whenever it runs; in-flight work is lost. */
export const k8s: EnvironmentSpec<Worker> = podEviction<Worker, string>({
  pods: () => ['worker'],
  canEvict: (s) => s.pod === 'running',
  evict: (s) => ({
    ...s,
    pod: 'restarting',
    call: 'none',
    error: 'none',
    attempt: 0,
    backoff: false,
  }),
})

/** AWS: the S3 write may be throttled, at most `faultsInARow` times in a row. */
export function aws(faultsInARow: number = MAX_CONSECUTIVE_FAULTS): EnvironmentSpec<Worker> {
  return apiThrottling<Worker, string>({
    requests: (s) => (s.call === 's3-put' ? ['PutObject'] : []),
    canThrottle: (s) => s.attempt < faultsInARow,
    throttle: (s) => ({ ...s, call: 'none', error: 'throttled' }),
  })
}

/** etcd: the leader may change during the config read, at most `faultsInARow` times in a row. */
export function etcd(faultsInARow: number = MAX_CONSECUTIVE_FAULTS): EnvironmentSpec<Worker> {
  return leaderChange<Worker>({
    canChangeLeader: (s) => s.call === 'etcd-get' && s.attempt < faultsInARow,
    changeLeader: (s) => ({ ...s, call: 'none', error: 'no-leader' }),
  })
}

/** Checks the worker against K8s, AWS and etcd at once. */
export function checkComposed(
  design: Design,
  faultsInARow: number = MAX_CONSECUTIVE_FAULTS,
): OpenCheckResult<Worker> {
  return checkOpen(worker(design), k8s, aws(faultsInARow), etcd(faultsInARow))
}

/** What the example prints: the verdict, the counterexample if any, the residual obligations. */
export function report(design: Design): string {
  const r = checkComposed(design)
  const lines = [
    `${design}: ${r.ok ? 'PASS' : 'FAIL'} under ${r.environments.join(' + ')} (${r.result.stats.distinct} states)`,
  ]
  const v = r.result.violation
  if (v) {
    lines.push(`  ${v.message}`)
    for (const step of v.trace)
      lines.push(`    ${step.action.padEnd(20)} ${formatValue(step.state)}`)
  }
  lines.push(
    '',
    `Residual proof obligations (${r.unverifiedAssumptions.length}), to be discharged outside the model:`,
  )
  lines.push(formatAssumptions(r.unverifiedAssumptions))
  return lines.join('\n')
}
