/**
 * etcd (and Raft clusters in general) as an adversarial environment: the leader changes while a
 * request is in flight, and serializable reads return stale data. Import from
 * `@musil/core/environments/etcd`.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { coverage, environment, fault, targetedFault } from './build.ts'
import { ENVIRONMENT_OPTION_KEYS, type EnvironmentOptions, type EnvironmentSpec } from './spec.ts'

const RAFT =
  'Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", USENIX ATC 2014'
const API_GUARANTEES =
  'etcd documentation, "etcd API guarantees" (etcd.io/docs/v3.5/learning/api_guarantees/)'

/** Accessors for {@link leaderChange}. */
export interface LeaderChangeOptions<S> extends EnvironmentOptions<S> {
  /** Whether an election may start in `s` (default: always), e.g. only while a request is in flight. */
  canChangeLeader?: (s: S) => boolean
  /** The state after the leader is lost and a new one elected: in-flight requests fail. */
  changeLeader: (s: S) => S
}

/** The keys {@link LeaderChangeOptions} may have: anything else is a typo `leaderChange` rejects. */
export const LEADER_CHANGE_OPTION_KEYS: readonly OptionKey<LeaderChangeOptions<unknown>>[] =
  keyList<LeaderChangeOptions<unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'canChangeLeader',
    'changeLeader',
  ])

/**
 * Leader change: the cluster's leader steps down or fails and a new one is elected; requests in
 * flight fail and must be retried. Adds the action `etcd:leaderChange`.
 *
 * @example
 * const etcd = leaderChange<Svc>({
 *   canChangeLeader: (s) => s.call === 'get',
 *   changeLeader: (s) => ({ ...s, call: 'none', error: 'no-leader' }),
 * })
 */
export function leaderChange<S>(opts: LeaderChangeOptions<S>): EnvironmentSpec<S> {
  checkOptions(opts, 'leaderChange()', LEADER_CHANGE_OPTION_KEYS)
  return environment<S>(
    'etcd',
    [fault('leaderChange', opts.canChangeLeader, opts.changeLeader)],
    [
      coverage(
        'election-timing',
        opts.canChangeLeader !== undefined,
        'A leader change',
        'canChangeLeader',
        `${RAFT}, §5.2`,
      ),
      {
        name: 'election-safety',
        description:
          "At most one leader is elected in a given term (Raft's Election Safety property)",
        source: `${RAFT}, §5.2 and Figure 3`,
        status: 'verified',
      },
      {
        name: 'etcd-implements-raft',
        description:
          "etcd's Raft library behaves as the paper specifies; the algorithm's proofs say nothing about a bug in the implementation",
        source: 'etcd-io/raft (github.com/etcd-io/raft)',
        status: 'unverified',
      },
      {
        name: 'failed-requests-are-retryable',
        description:
          'A request in flight during a leader change fails or times out and can be retried; a write may nevertheless have been committed, so retried writes must be idempotent',
        source: `${RAFT}, §8 "Client interaction"`,
        status: 'unverified',
      },
      {
        name: 'elections-terminate',
        description:
          'Randomised election timeouts make split votes rare, so a new leader is elected and leaderless periods end',
        source: `${RAFT}, §5.2`,
        status: 'unverified',
      },
    ],
    opts,
  )
}

/** Accessors for {@link staleRead}. */
export interface StaleReadOptions<S, K> extends EnvironmentOptions<S> {
  /** The keys being read in `s`. */
  keys: (s: S) => Iterable<K>
  /** Whether the read of `key` may be stale in `s` (default: whenever it is being read). */
  canReadStale?: (s: S, key: K) => boolean
  /** The state after the read of `key` returns a value older than the latest committed one. */
  staleRead: (s: S, key: K) => S
}

/** The keys {@link StaleReadOptions} may have: anything else is a typo `staleRead` rejects. */
export const STALE_READ_OPTION_KEYS: readonly OptionKey<StaleReadOptions<unknown, unknown>>[] =
  keyList<StaleReadOptions<unknown, unknown>>()([
    ...ENVIRONMENT_OPTION_KEYS,
    'keys',
    'canReadStale',
    'staleRead',
  ])

/**
 * Stale read: a serializable read served by a follower (or by a deposed leader) returns a value
 * older than the latest committed write. Adds the action `etcd:staleRead(<key>)`.
 *
 * @example
 * const reads = staleRead<Svc, string>({
 *   keys: (s) => (s.call === 'get' ? ['/config'] : []),
 *   staleRead: (s) => ({ ...s, call: 'none', config: s.previousConfig }),
 * })
 */
export function staleRead<S, K>(opts: StaleReadOptions<S, K>): EnvironmentSpec<S> {
  checkOptions(opts, 'staleRead()', STALE_READ_OPTION_KEYS)
  return environment<S>(
    'etcd',
    [targetedFault('staleRead', opts.keys, opts.canReadStale, opts.staleRead)],
    [
      coverage(
        'stale-read-timing',
        opts.canReadStale !== undefined,
        'A stale read',
        'canReadStale',
        API_GUARANTEES,
      ),
      {
        name: 'linearizable-unless-serializable',
        description:
          'etcd reads are linearizable unless the client asks for serializable reads, which a member may answer from its local, possibly stale, state: model stale reads exactly where the client opts in',
        source: API_GUARANTEES,
        status: 'unverified',
      },
      {
        name: 'reads-confirm-leadership',
        description:
          'A linearizable read is answered only after the leader confirms it has not been deposed, so a deposed leader cannot serve stale data',
        source: `${RAFT}, §8 "Client interaction"`,
        status: 'unverified',
      },
    ],
    opts,
  )
}
