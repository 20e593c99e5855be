/**
 * Kubernetes as an adversarial environment: pods are evicted and nodes drained at any moment
 * the model allows. Import from `@musil/core/environments/k8s`.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { coverage, environment, targetedFault } from './build.ts'
import {
  type Assumption,
  ENVIRONMENT_OPTION_KEYS,
  type EnvironmentOptions,
  type EnvironmentSpec,
} from './spec.ts'

const DISRUPTIONS =
  'Kubernetes documentation, "Disruptions" (kubernetes.io/docs/concepts/workloads/pods/disruptions/)'
const POD_LIFECYCLE =
  'Kubernetes documentation, "Pod Lifecycle", section "Termination of Pods" (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/)'
const NODE_PRESSURE =
  'Kubernetes documentation, "Node-pressure Eviction" (kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/) and "API-initiated Eviction" (kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/)'
const DRAIN =
  'Kubernetes documentation, "Safely Drain a Node" (kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/)'

const gracefulTermination: Assumption = {
  name: 'graceful-termination',
  description:
    'An evicted pod is sent SIGTERM and gets its termination grace period (terminationGracePeriodSeconds) before SIGKILL. The model makes eviction one atomic step, so the pod must leave shared state consistent if stopped at any instant',
  source: POD_LIFECYCLE,
  status: 'unverified',
}

const replacementByController: Assumption = {
  name: 'replacement-by-controller',
  description:
    'An evicted pod is not restarted in place: a workload controller (Deployment, ReplicaSet, StatefulSet) creates a replacement, possibly on another node. Any recovery action in the model stands for such a controller, which must exist in the real cluster',
  source: NODE_PRESSURE,
  status: 'unverified',
}

/** Accessors for {@link podEviction}. */
export interface PodEvictionOptions<S, P> extends EnvironmentOptions<S> {
  /** The pods that exist in `s`: names, indices, whatever identifies a pod in your state. */
  pods: (s: S) => Iterable<P>
  /**
   * Whether `pod` may be evicted in `s` (default: any pod, any time). Encode a
   * PodDisruptionBudget or a bound on disruptions here; doing so turns the coverage assumption
   * into a residual obligation.
   */
  canEvict?: (s: S, pod: P) => boolean
  /** The state right after `pod` is evicted (its in-flight work lost). */
  evict: (s: S, pod: P) => S
}

/** The keys {@link PodEvictionOptions} may have: anything else is a typo `podEviction` rejects. */
export const POD_EVICTION_OPTION_KEYS: readonly OptionKey<PodEvictionOptions<unknown, unknown>>[] =
  keyList<PodEvictionOptions<unknown, unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'pods',
    'canEvict',
    'evict',
  ])

/**
 * Pod eviction: the cluster may evict any pod at any point (node-pressure eviction, a drain, the
 * Eviction API, preemption). Adds the action `k8s:evictPod(<pod>)`.
 *
 * @example
 * const k8s = podEviction<Cluster, string>({
 *   pods: (s) => Object.keys(s.pods),
 *   canEvict: (s, p) => s.pods[p] === 'running',
 *   evict: (s, p) => ({ ...s, pods: { ...s.pods, [p]: 'evicted' } }),
 * })
 * const r = checkOpen(deployment, k8s)
 */
export function podEviction<S, P>(opts: PodEvictionOptions<S, P>): EnvironmentSpec<S> {
  checkOptions(opts, 'podEviction()', POD_EVICTION_OPTION_KEYS)
  return environment<S>(
    'k8s',
    [targetedFault('evictPod', opts.pods, opts.canEvict, opts.evict)],
    [
      coverage(
        'eviction-timing',
        opts.canEvict !== undefined,
        'Pod eviction',
        'canEvict',
        DISRUPTIONS,
      ),
      gracefulTermination,
      replacementByController,
    ],
    opts,
  )
}

/** Accessors for {@link nodeDrain}. */
export interface NodeDrainOptions<S, N> extends EnvironmentOptions<S> {
  /** The nodes that exist in `s`. */
  nodes: (s: S) => Iterable<N>
  /** Whether `node` may be drained in `s`; encode the PodDisruptionBudget check here. */
  canDrain?: (s: S, node: N) => boolean
  /** The state after `node` is cordoned and its pods evicted. */
  drain: (s: S, node: N) => S
}

/** The keys {@link NodeDrainOptions} may have: anything else is a typo `nodeDrain` rejects. */
export const NODE_DRAIN_OPTION_KEYS: readonly OptionKey<NodeDrainOptions<unknown, unknown>>[] =
  keyList<NodeDrainOptions<unknown, unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'nodes',
    'canDrain',
    'drain',
  ])

/**
 * Node drain: an operator or autoscaler cordons a node and evicts its pods (`kubectl drain`).
 * Adds the action `k8s:drainNode(<node>)`.
 *
 * @example
 * const drain = nodeDrain<Cluster, string>({
 *   nodes: (s) => Object.keys(s.nodes),
 *   canDrain: (s, n) => runningElsewhere(s, n) >= 1,
 *   drain: (s, n) => cordonAndEvict(s, n),
 * })
 */
export function nodeDrain<S, N>(opts: NodeDrainOptions<S, N>): EnvironmentSpec<S> {
  checkOptions(opts, 'nodeDrain()', NODE_DRAIN_OPTION_KEYS)
  return environment<S>(
    'k8s',
    [targetedFault('drainNode', opts.nodes, opts.canDrain, opts.drain)],
    [
      coverage('drain-timing', opts.canDrain !== undefined, 'A node drain', 'canDrain', DRAIN),
      {
        name: 'budgets-bound-only-voluntary-disruptions',
        description:
          'kubectl drain evicts through the Eviction API, which refuses an eviction that would violate a PodDisruptionBudget; involuntary disruptions (node failure, node-pressure eviction) are not bound by budgets, so a budget encoded in canDrain does not limit them',
        source: `${DRAIN}; ${DISRUPTIONS}`,
        status: 'unverified',
      },
      gracefulTermination,
      replacementByController,
    ],
    opts,
  )
}
