/**
 * The lost update in async code. Two tasks increment a counter kept in a store (a database, a
 * cache, a remote service) with a read-modify-write: `get`, then `set(v + 1)`. Each `await` is a
 * point where the other task may run, so both can read the same value and one increment is lost.
 * The fixes: serialise the read-modify-write with a mutex, or let the store check the write
 * with compare-and-set and retry.
 *
 * The increments are written against a small `Store` interface so the very same code runs under
 * musil (`scheduledStore`, where each call takes effect when the scheduler releases it) and under
 * fast-check's scheduler in the benchmark.
 */
import type { World } from '@musil/core'

/** An asynchronous key-value store of counters. */
export interface Store {
  get(key: string): Promise<number>
  set(key: string, value: number): Promise<void>
  /** Writes `next` only if the value is still `expected`; says whether it did. */
  compareAndSet(key: string, expected: number, next: number): Promise<boolean>
  /** A round trip that changes nothing (a health check, a metrics call). */
  ping(): Promise<void>
}

/** A store whose every call takes effect only when the world's scheduler releases it. */
export interface ScheduledStore extends Store {
  /** The stored value right now, read synchronously by invariants. */
  peek(key: string): number
}

/** An in-memory store behind `world.scheduled`: each call is one scheduling decision. */
export function scheduledStore(world: World): ScheduledStore {
  const data = new Map<string, number>()
  const read = (key: string): number => data.get(key) ?? 0
  return {
    peek: read,
    get: world.scheduled('get', async (key: string) => read(key)),
    set: world.scheduled('set', async (key: string, value: number) => {
      data.set(key, value)
    }),
    compareAndSet: world.scheduled('cas', async (key: string, expected: number, next: number) => {
      if (read(key) !== expected) return false
      data.set(key, next)
      return true
    }),
    ping: world.scheduled('ping', async () => {}),
  }
}

/** The bug: read, then write what was read plus one. */
export async function incrementRacy(store: Store, key: string): Promise<void> {
  const value = await store.get(key)
  await store.set(key, value + 1)
}

/** A FIFO async mutex built from promises only, so it is as deterministic as the code using it. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve()

  /** Waits for the lock; call the returned function to release it. */
  async lock(): Promise<() => void> {
    let release!: () => void
    const previous = this.#tail
    this.#tail = new Promise((resolve) => {
      release = resolve
    })
    await previous
    return release
  }
}

/** Fix one: the read-modify-write holds a mutex. */
export async function incrementLocked(store: Store, key: string, mutex: Mutex): Promise<void> {
  const unlock = await mutex.lock()
  try {
    await incrementRacy(store, key)
  } finally {
    unlock()
  }
}

/** Fix two: the store checks the write; a lost race retries with the fresh value. */
export async function incrementCas(store: Store, key: string): Promise<void> {
  for (;;) {
    const value = await store.get(key)
    if (await store.compareAndSet(key, value, value + 1)) return
  }
}

/** Which increment the two tasks use. */
export type Increment = 'racy' | 'mutex' | 'cas'

/** Builds the increment function for a variant; a mutex is shared by the tasks of one run. */
export function incrementer(variant: Increment): (store: Store, key: string) => Promise<void> {
  if (variant === 'racy') return incrementRacy
  if (variant === 'cas') return incrementCas
  const mutex = new Mutex()
  return (store, key) => incrementLocked(store, key, mutex)
}

/**
 * The second worker of the narrow-window variant: `busy` harmless round trips first, then the
 * increment. The first worker's increment must now be starved for `busy` + 1 scheduling decisions
 * in a row for the update to be lost, which uniform random scheduling does with probability
 * about 2^-busy per run.
 */
export async function busyThenIncrement(
  store: Store,
  key: string,
  busy: number,
  increment: (store: Store, key: string) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < busy; i++) await store.ping()
  await increment(store, key)
}

/** Options of the lost-update scenario. */
export interface LostUpdateOptions {
  /** Which increment the tasks use. Default `racy`. */
  readonly increment?: Increment
  /** Round trips the second task makes before its increment (the narrow window). Default 0. */
  readonly busy?: number
}

/**
 * Two tasks each increment `counter` once. The invariant: the counter equals the number of
 * increments that have completed, after every scheduling step.
 */
export function lostUpdate(options: LostUpdateOptions = {}): (world: World) => Promise<void> {
  const busy = options.busy ?? 0
  return async (world) => {
    const store = scheduledStore(world)
    const increment = incrementer(options.increment ?? 'racy')
    let completed = 0
    const counted = async (run: () => Promise<void>): Promise<void> => {
      await run()
      completed++
    }
    world.always(() => store.peek('counter') === completed, 'counterCountsEveryIncrement')
    const a = world.spawn('a', () => counted(() => increment(store, 'counter')))
    const b = world.spawn('b', () =>
      counted(() => busyThenIncrement(store, 'counter', busy, increment)),
    )
    await Promise.all([a.finished, b.finished])
  }
}
