/**
 * Audit mode: guards on the globals through which code reads entropy the seed does not control
 * (the wall clock and process clocks, `Math.random`, `crypto` randomness), installed together
 * with the I/O boundary guards of boundary.ts.
 *
 * While at least one run (or `auditMode` scope) is active the globals are replaced by wrappers
 * that look up the async context: outside any run (Vitest's own code between steps) they call
 * the original at once; inside a run in audit mode, or inside `auditMode`, they throw
 * `EntropyLeakError` naming the source (and fail the run even if the code catches it); inside a
 * run outside audit mode `crypto` randomness is served from the run's `csprng` substream. When
 * the last run ends every global is put back: the very same function objects and property
 * descriptors, even on error.
 *
 * Not caught, by construction: references taken before the run started (`const now = Date.now`),
 * `node:perf_hooks` imports and native addons.
 *
 * @module
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { EntropyLeakError } from '../errors.ts'
import { patchBoundary } from './boundary.ts'
import { activeRun, auditing, trip } from './guard-target.ts'
import type { RunHost } from './host.ts'
import { patch, type Restore } from './patch.ts'

const require = createRequire(import.meta.url)
// The CommonJS face of node:crypto: assigning to it and calling syncBuiltinESMExports() updates
// the live ESM bindings too, so `import { randomUUID } from 'node:crypto'` is caught.
const nodeCrypto = require('node:crypto') as Record<string, unknown>

const CLOCK_REMEDY = 'Read virtual time with world.now() instead.'
const RANDOM_REMEDY = 'Draw from world.rng instead.'
const CRYPTO_REMEDY =
  'Outside audit mode crypto randomness is served from the seed; in audit mode draw from world.rng.'

/** Trips on an entropy read when auditing; otherwise lets the caller go on. */
function entropy(source: string, remedy: string): RunHost | undefined {
  const run = activeRun()
  if (auditing(run)) trip(run, new EntropyLeakError(source, remedy))
  return run
}

/** Fills any integer typed array from the run's seeded stream. */
function seededFill<T extends ArrayBufferView | null>(runtime: RunHost, view: T): T {
  if (view !== null && ArrayBuffer.isView(view)) {
    runtime.csprng.fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
  }
  return view
}

function seededUuid(runtime: RunHost): `${string}-${string}-${string}-${string}-${string}` {
  const b = runtime.csprng.fill(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40 // version 4
  b[8] = (b[8] & 0x3f) | 0x80 // RFC 4122 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** Installs every guard, pushing each undo into `restores` as it goes (so a failure can unwind). */
function patchAll(restores: Restore[]): void {
  const g = globalThis as unknown as Record<string, unknown>

  // ---- clocks
  const OriginalDate = Date
  restores.push(
    patch(
      Date,
      'now',
      (now: () => number) =>
        function now_() {
          entropy('Date.now()', CLOCK_REMEDY)
          return now.call(OriginalDate)
        },
    ),
  )
  restores.push(
    patch(
      g,
      'Date',
      (D: DateConstructor) =>
        new Proxy(D, {
          construct(target, args, newTarget) {
            if (args.length === 0)
              entropy('new Date()', `${CLOCK_REMEDY} new Date(world.now()) is fine.`)
            return Reflect.construct(target, args, newTarget)
          },
          apply(target, self, args) {
            entropy('Date()', CLOCK_REMEDY)
            return Reflect.apply(target, self, args)
          },
        }),
    ),
  )
  const perf = globalThis.performance
  restores.push(
    patch(
      perf,
      'now',
      (now: () => number) =>
        function now_() {
          entropy('performance.now()', CLOCK_REMEDY)
          return now.call(perf)
        },
    ),
  )

  restores.push(
    patch(process, 'hrtime', (hrtime: NodeJS.HRTime) => {
      const guarded = function hrtime_(time?: [number, number]) {
        entropy('process.hrtime()', CLOCK_REMEDY)
        return hrtime.call(process, time)
      }
      guarded.bigint = function bigint() {
        entropy('process.hrtime.bigint()', CLOCK_REMEDY)
        return hrtime.bigint()
      }
      return guarded
    }),
  )
  restores.push(
    patch(
      process,
      'uptime',
      (uptime: () => number) =>
        function uptime_() {
          entropy('process.uptime()', CLOCK_REMEDY)
          return uptime.call(process)
        },
    ),
  )

  // ---- randomness
  restores.push(
    patch(
      Math,
      'random',
      (random: () => number) =>
        function random_() {
          entropy('Math.random()', RANDOM_REMEDY)
          return random()
        },
    ),
  )
  // `crypto.getRandomValues` is a non-configurable accessor on Node's Crypto object, so the
  // global `crypto` itself (a configurable getter) is swapped for a proxy that intercepts the two
  // entropy methods and forwards everything else to the real object.
  const webCrypto = globalThis.crypto
  const webGetRandomValues = webCrypto.getRandomValues
  const webRandomUUID = webCrypto.randomUUID
  const getRandomValues = <T extends ArrayBufferView | null>(view: T): T => {
    const run = entropy('crypto.getRandomValues()', CRYPTO_REMEDY)
    if (run === undefined) return webGetRandomValues.call(webCrypto, view as never) as unknown as T
    return seededFill(run, view)
  }
  const randomUUID = (): `${string}-${string}-${string}-${string}-${string}` => {
    const run = entropy('crypto.randomUUID()', CRYPTO_REMEDY)
    if (run === undefined) return webRandomUUID.call(webCrypto)
    return seededUuid(run)
  }
  const cryptoProxy = new Proxy(webCrypto, {
    get(target, key) {
      if (key === 'getRandomValues') return getRandomValues
      if (key === 'randomUUID') return randomUUID
      return Reflect.get(target, key, target)
    },
  })
  const cryptoDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  Object.defineProperty(globalThis, 'crypto', {
    get: () => cryptoProxy,
    enumerable: cryptoDescriptor?.enumerable ?? true,
    configurable: true,
  })
  restores.push(() => {
    if (cryptoDescriptor === undefined) delete g.crypto
    else Object.defineProperty(globalThis, 'crypto', cryptoDescriptor)
  })
  // The same sources through `node:crypto` (its `getRandomValues` and `webcrypto` are
  // non-configurable getters onto the object proxied above, so only the functions below can be
  // swapped): `randomUUID`, `randomBytes`, `randomFillSync`, `randomFill` and `randomInt`, synchronous
  // forms seeded.
  restores.push(
    patch(
      nodeCrypto,
      'randomUUID',
      (original: (...a: unknown[]) => string) =>
        (...args: unknown[]) => {
          const run = entropy('crypto.randomUUID()', CRYPTO_REMEDY)
          if (run === undefined) return original(...args)
          return seededUuid(run)
        },
    ),
  )
  restores.push(
    patch(
      nodeCrypto,
      'randomBytes',
      (original: (...a: unknown[]) => unknown) =>
        (...args: unknown[]) => {
          const run = entropy('crypto.randomBytes()', CRYPTO_REMEDY)
          // The callback form completes on a real thread-pool task: left to Node, as before.
          if (run === undefined || typeof args[1] === 'function') return original(...args)
          return seededFill(run, Buffer.alloc(Number(args[0])))
        },
    ),
  )

  restores.push(
    patch(
      nodeCrypto,
      'randomFillSync',
      (original: (...a: unknown[]) => unknown) =>
        (...args: unknown[]) => {
          const run = entropy('crypto.randomFillSync()', CRYPTO_REMEDY)
          const [view, offset = 0, size] = args as [ArrayBufferView, number?, number?]
          if (run === undefined || !ArrayBuffer.isView(view)) return original(...args)
          const length = size ?? view.byteLength - offset
          // Bad offsets or sizes get Node's own error.
          if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0)
            return original(...args)
          if (length < 0 || offset + length > view.byteLength) return original(...args)
          run.csprng.fill(new Uint8Array(view.buffer, view.byteOffset + offset, length))
          return view
        },
    ),
  )
  // The callback form completes on a real thread-pool task: it trips in audit mode, and is left
  // to Node outside it, like randomBytes with a callback.
  restores.push(
    patch(
      nodeCrypto,
      'randomFill',
      (original: (...a: unknown[]) => unknown) =>
        (...args: unknown[]) => {
          entropy('crypto.randomFill()', CRYPTO_REMEDY)
          return original(...args)
        },
    ),
  )

  restores.push(
    patch(
      nodeCrypto,
      'randomInt',
      (original: (...a: unknown[]) => unknown) =>
        (...args: unknown[]) => {
          const run = entropy('crypto.randomInt()', CRYPTO_REMEDY)
          if (run === undefined || typeof args.at(-1) === 'function') return original(...args)
          // randomInt(max) or randomInt(min, max), max excluded. Bad bounds get Node's own error.
          const [min, max] = args.length >= 2 ? [args[0], args[1]] : [0, args[0]]
          if (
            !Number.isSafeInteger(min) ||
            !Number.isSafeInteger(max) ||
            (max as number) <= (min as number)
          ) {
            return original(...args)
          }
          return run.csprng.int(min as number, (max as number) - 1)
        },
    ),
  )

  // ---- real I/O, timers and threads: every mode, see boundary.ts
  patchBoundary(restores)
  syncBuiltinESMExports()
}

let activeRuns = 0
let restores: Restore[] = []

/**
 * Installs the guards for one more active run (they stay installed while any run is active,
 * so overlapping runs in one process share them).
 */
export function acquireGuards(): void {
  if (activeRuns++ > 0) return
  restores = []
  try {
    patchAll(restores)
  } catch (e) {
    activeRuns--
    unwind()
    throw e
  }
}

/** Releases one run's hold; the last release restores every global, in reverse order. */
export function releaseGuards(): void {
  if (activeRuns === 0 || --activeRuns > 0) return
  unwind()
}

function unwind(): void {
  const pending = restores.reverse()
  restores = []
  try {
    for (const restore of pending) restore()
  } finally {
    syncBuiltinESMExports()
  }
}
