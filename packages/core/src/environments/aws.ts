/**
 * AWS as an adversarial environment: API calls are throttled and eventually consistent reads
 * return stale values. Import from `@musil/core/environments/aws`.
 *
 * @module
 */
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { coverage, environment, targetedFault } from './build.ts'
import { ENVIRONMENT_OPTION_KEYS, type EnvironmentOptions, type EnvironmentSpec } from './spec.ts'

const RETRIES =
  'AWS SDKs and Tools Reference Guide, "Retry behavior" (docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); AWS Architecture Blog, "Exponential Backoff And Jitter" (2015)'
const S3_PERFORMANCE =
  'Amazon S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance" (503 Slow Down responses)'
const S3_SLA = 'Amazon S3 Service Level Agreement (aws.amazon.com/s3/sla/)'
const READ_CONSISTENCY =
  'Amazon DynamoDB Developer Guide, "Read consistency" (docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html)'
const S3_CONSISTENCY = 'Amazon S3 User Guide, "Amazon S3 data consistency model"'

/** Accessors for {@link apiThrottling}. */
export interface ApiThrottlingOptions<S, R> extends EnvironmentOptions<S> {
  /** The requests in flight in `s` that AWS could throttle (e.g. `['PutObject']` while writing). */
  requests: (s: S) => Iterable<R>
  /**
   * Whether `request` may be throttled in `s` (default: always). Bounding consecutive throttles
   * here encodes "throttling is transient" and makes it a residual obligation.
   */
  canThrottle?: (s: S, request: R) => boolean
  /** The state after `request` is rejected with a throttling error. */
  throttle: (s: S, request: R) => S
}

/** The keys {@link ApiThrottlingOptions} may have: anything else is a typo `apiThrottling` rejects. */
export const API_THROTTLING_OPTION_KEYS: readonly OptionKey<
  ApiThrottlingOptions<unknown, unknown>
>[] = keyList<ApiThrottlingOptions<unknown, unknown>>()([
  ...ENVIRONMENT_OPTION_KEYS,
  'requests',
  'canThrottle',
  'throttle',
])

/**
 * API throttling: any in-flight AWS request may be rejected with a throttling error
 * (`ThrottlingException`, S3 `503 Slow Down`). Adds the action `aws:throttle(<request>)`.
 *
 * @example
 * const aws = apiThrottling<Uploader, string>({
 *   requests: (s) => (s.call === 'put' ? ['PutObject'] : []),
 *   canThrottle: (s) => s.attempt < 2,
 *   throttle: (s) => ({ ...s, call: 'none', error: 'throttled' }),
 * })
 */
export function apiThrottling<S, R>(opts: ApiThrottlingOptions<S, R>): EnvironmentSpec<S> {
  checkOptions(opts, 'apiThrottling()', API_THROTTLING_OPTION_KEYS)
  return environment<S>(
    'aws',
    [targetedFault('throttle', opts.requests, opts.canThrottle, opts.throttle)],
    [
      coverage(
        'throttle-timing',
        opts.canThrottle !== undefined,
        'Throttling',
        'canThrottle',
        RETRIES,
      ),
      {
        name: 'throttling-is-transient',
        description:
          'A throttled request fails with a retryable error and succeeds when retried with exponential backoff and jitter; a quota too small for the sustained load is not modelled',
        source: RETRIES,
        status: 'unverified',
      },
      {
        name: 'throttled-request-not-applied',
        description:
          'A throttled request is rejected before it takes effect, so retrying it does not apply it twice',
        source: S3_PERFORMANCE,
        status: 'unverified',
      },
      {
        name: 'sla-is-not-per-request',
        description:
          'The service level agreement commits to a monthly uptime percentage backed by service credits, not to the success of any one request: an outage longer than the retry budget is possible',
        source: S3_SLA,
        status: 'unverified',
      },
    ],
    opts,
  )
}

/** Accessors for {@link eventualConsistency}. */
export interface EventualConsistencyOptions<S, K> extends EnvironmentOptions<S> {
  /** The keys being read in `s` whose read could be served stale. */
  keys: (s: S) => Iterable<K>
  /** Whether the read of `key` may be stale in `s` (default: whenever it is being read). */
  canReadStale?: (s: S, key: K) => boolean
  /** The state after the read of `key` returns an older value than the latest write. */
  staleRead: (s: S, key: K) => S
}

/** The keys {@link EventualConsistencyOptions} may have: anything else is a typo `eventualConsistency` rejects. */
export const EVENTUAL_CONSISTENCY_OPTION_KEYS: readonly OptionKey<
  EventualConsistencyOptions<unknown, unknown>
>[] = keyList<EventualConsistencyOptions<unknown, unknown>>()([
  ...ENVIRONMENT_OPTION_KEYS,
  'keys',
  'canReadStale',
  'staleRead',
])

/**
 * Eventual consistency: a read may return a value older than the latest acknowledged write
 * (DynamoDB's default reads, global secondary indexes, cross-region replicas). Adds the action
 * `aws:staleRead(<key>)`.
 *
 * @example
 * const dynamo = eventualConsistency<Cart, string>({
 *   keys: (s) => (s.reading ? ['cart'] : []),
 *   staleRead: (s) => ({ ...s, reading: false, seen: s.previous }),
 * })
 */
export function eventualConsistency<S, K>(
  opts: EventualConsistencyOptions<S, K>,
): EnvironmentSpec<S> {
  checkOptions(opts, 'eventualConsistency()', EVENTUAL_CONSISTENCY_OPTION_KEYS)
  return environment<S>(
    'aws',
    [targetedFault('staleRead', opts.keys, opts.canReadStale, opts.staleRead)],
    [
      coverage(
        'stale-read-timing',
        opts.canReadStale !== undefined,
        'A stale read',
        'canReadStale',
        READ_CONSISTENCY,
      ),
      {
        name: 'stale-value-was-written',
        description:
          'An eventually consistent read may miss recent writes but returns a value that was written at some point, and once writes stop, reads converge to the latest value',
        source: READ_CONSISTENCY,
        status: 'unverified',
      },
      {
        name: 'strong-reads-where-claimed',
        description:
          'Where the design relies on a strongly consistent read (S3 object reads after a write, DynamoDB reads with ConsistentRead), the store provides it and the model does not inject staleness there',
        source: `${S3_CONSISTENCY}; ${READ_CONSISTENCY}`,
        status: 'unverified',
      },
    ],
    opts,
  )
}
