/**
 * K8s scheduler: a two-replica web service under pod eviction. Kubernetes may evict a pod at
 * any moment (node pressure, a drain, preemption); the service stays available only if evicted
 * pods are replaced and the scheduler starts the replacements before the next disruption.
 *
 * - `bare` pods: nobody replaces an evicted pod. Two disruptions, one per window, take the
 *   service down.
 * - `deployment`: a ReplicaSet controller creates a replacement for every evicted pod and the
 *   scheduler binds and starts it. Availability holds, under stated assumptions that the
 *   result lists as residual proof obligations.
 */
import {
  type Assumption,
  action,
  checkOpen,
  defineEnvironment,
  defineModel,
  type EnvironmentSpec,
  type Model,
  type OpenCheckResult,
} from '@musil/core'
import { podEviction } from '@musil/core/environments/k8s'

/** The replicas of the service. */
export const PODS = ['web-0', 'web-1'] as const
/** One replica. */
export type Pod = (typeof PODS)[number]

/** A replica's phase: serving, gone after eviction, or replaced and waiting to be scheduled. */
export type Phase = 'running' | 'evicted' | 'pending'

/** The cluster as the model sees it. */
export interface Cluster {
  readonly pods: Readonly<Record<Pod, Phase>>
  /** A disruption already happened in the current window. */
  readonly disrupted: boolean
}

/** How the service is deployed. */
export type Deployment = 'bare' | 'deployment'

const running = (s: Cluster): number => PODS.filter((p) => s.pods[p] === 'running').length
const withPod = (s: Cluster, p: Pod, phase: Phase): Cluster => ({
  ...s,
  pods: { ...s.pods, [p]: phase },
})

/** The service: its invariant is availability, and with a controller it replaces lost pods. */
export function webService(deployment: Deployment): Model<Cluster> {
  const controller =
    deployment === 'deployment'
      ? [
          // The ReplicaSet controller notices a missing replica and creates a replacement pod.
          action.each<Cluster, Pod>(
            'replace',
            () => PODS,
            (s, p) => s.pods[p] === 'evicted',
            (s, p) => withPod(s, p, 'pending'),
          ),
          // The scheduler binds the pending pod to a node; the kubelet starts it.
          action.each<Cluster, Pod>(
            'schedule',
            () => PODS,
            (s, p) => s.pods[p] === 'pending',
            (s, p) => withPod(s, p, 'running'),
          ),
        ]
      : []
  return defineModel<Cluster>({
    name: `web (${deployment})`,
    init: { pods: { 'web-0': 'running', 'web-1': 'running' }, disrupted: false },
    actions: controller,
    invariants: { available: (s) => running(s) >= 1 },
    // With no replica left and no controller, nothing can happen: the invariant has already failed.
    terminal: (s) => running(s) === 0,
  })
}

/**
 * The bound on disruptions, stated as an assumption rather than hidden in a guard: at most one
 * eviction per window, and a window ends only when the cluster is not still replacing a pod.
 */
export const recoveryOutpacesDisruption: Assumption = {
  name: 'recovery-outpaces-disruption',
  description:
    'At most one replica is disrupted per window, and the next window opens only after any replacement pod is running: replacement (controller, scheduling, start-up, readiness) is faster than the interval between disruptions',
  source:
    'Kubernetes documentation, "Disruptions" (kubernetes.io/docs/concepts/workloads/pods/disruptions/)',
  status: 'unverified',
}

/** Kubernetes evicting pods: any running pod, at most one per window. */
export function evictions(): EnvironmentSpec<Cluster> {
  return podEviction<Cluster, Pod>({
    pods: () => PODS,
    canEvict: (s, p) => s.pods[p] === 'running' && !s.disrupted,
    evict: (s, p) => ({ ...withPod(s, p, 'evicted'), disrupted: true }),
  })
}

/** Time between disruptions: a new window opens once no replacement is in flight. */
export function disruptionWindows(deployment: Deployment): EnvironmentSpec<Cluster> {
  // A bare pod is never replaced, so nothing delays the next window.
  const replacing = (s: Cluster) =>
    deployment === 'deployment' && PODS.some((p) => s.pods[p] !== 'running')
  return defineEnvironment<Cluster>({
    name: 'time',
    actions: [
      action(
        'nextWindow',
        (s) => s.disrupted && !replacing(s),
        (s) => ({ ...s, disrupted: false }),
      ),
    ],
    assumptions: [recoveryOutpacesDisruption],
  })
}

/** Checks the service deployed as `deployment` against pod eviction. */
export function checkScheduler(deployment: Deployment): OpenCheckResult<Cluster> {
  return checkOpen(webService(deployment), evictions(), disruptionWindows(deployment))
}
