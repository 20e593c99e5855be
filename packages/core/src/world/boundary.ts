/**
 * Guards on the determinism boundary: the calls through which code inside a run would reach the
 * real world (sockets, DNS, HTTP, child processes, worker threads, file writes, real timers).
 *
 * They trip in every mode, not only in audit mode: a real socket or timer is not a quiet source
 * of nondeterminism but an event the scheduler never sees, so the run would end as a false
 * deadlock or differ from one process to the next. Each throws a `BoundaryError` naming the call
 * and saying what to use instead, and fails the run even if the code catches it. Outside any run
 * (Vitest's own code, even while a run is active) every guard calls the original at once.
 *
 * File *reads* pass: loading a fixture is deterministic. Writes through a file descriptor
 * (`fs.write`, `fs.writeSync`) pass too, because `console.log` to a redirected stdout goes that way.
 *
 * @module
 */
import { createRequire } from 'node:module'
import { BoundaryError } from '../errors.ts'
import { activeRun, guarded, trip } from './guard-target.ts'
import { patch, type Restore } from './patch.ts'

const require = createRequire(import.meta.url)

type Module = Record<string, unknown>

const NET_REMEDY =
  'use world.net.bind() endpoints to exchange messages between simulated nodes (reliable: true for an ordered, lossless link).'
const HTTP_REMEDY =
  'model the remote service as a task behind world.net, or wrap a fake of it in world.scheduled().'
const DNS_REMEDY =
  'simulated nodes are addressed by name on world.net: there is nothing to resolve.'
const PROCESS_REMEDY = "run the other process's logic as a task with world.spawn()."
const THREAD_REMEDY = 'run the work as a task with world.spawn().'
const FS_REMEDY =
  'keep the state in memory, or wrap a fake store in world.scheduled(): a file written by one seed would leak into the next.'
const TIMER_REMEDY = 'use world.sleep() for delays and world.spawn() for concurrent work.'
const SIGNAL_REMEDY =
  'give recv() a virtual { timeout }, or abort an AbortController from a task after world.sleep().'

/** The error a guarded call throws: it names the call, why it cannot run, and what to use. */
function boundaryError(source: string, what: string, remedy: string): BoundaryError {
  return new BoundaryError(
    source,
    `${source} called inside a simulation: ${what} is outside the control of the seed, so the run ` +
      `would no longer be a function of it; ${remedy}`,
  )
}

/**
 * Whether Node itself is the caller, handling an uncaught exception: once a listener (Vitest has
 * one) handled it, `process._fatalException` queues `setImmediate(noop)`, still in the async
 * context of the code that threw. Tripping there would replace the user's error (a throw in a
 * `process.nextTick` callback of a task, say) with a fatal `BoundaryError` about a timer. Only
 * looked at when a call is about to trip, so the stack costs nothing on the common path.
 */
function inNodeFatalException(): boolean {
  return new Error().stack?.includes('process._fatalException') === true
}

/** Wraps `owner[key]` (a function or a class) so that calling it inside a run trips. */
function guard(
  restores: Restore[],
  owner: object,
  key: string,
  source: string,
  what: string,
  remedy: string,
): void {
  if (typeof (owner as Module)[key] !== 'function') return // absent on this Node version
  const check = (): void => {
    const run = activeRun()
    if (guarded(run) && !inNodeFatalException()) trip(run, boundaryError(source, what, remedy))
  }
  restores.push(
    patch(
      owner,
      key,
      // A proxy keeps the original's name, length and properties (util.promisify.custom), and
      // guards both a call and `new`.
      (original: (...a: unknown[]) => unknown) =>
        new Proxy(original, {
          apply(target, self, args) {
            check()
            return Reflect.apply(target, self, args)
          },
          construct(target, args, newTarget) {
            check()
            return Reflect.construct(
              target as unknown as new (
                ...a: unknown[]
              ) => object,
              args,
              newTarget,
            )
          },
        }),
    ),
  )
}

function guardAll(
  restores: Restore[],
  owner: object,
  prefix: string,
  keys: readonly string[],
  what: string,
  remedy: string,
): void {
  for (const key of keys) guard(restores, owner, key, `${prefix}${key}()`, what, remedy)
}

const FS_WRITES = [
  'writeFile',
  'appendFile',
  'mkdir',
  'mkdtemp',
  'rm',
  'rmdir',
  'unlink',
  'rename',
  'copyFile',
  'cp',
  'truncate',
  'symlink',
  'link',
  'chmod',
  'utimes',
] as const

const DNS_CALLS = [
  'lookup',
  'lookupService',
  'reverse',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
] as const

const SPAWNS = [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
] as const

/**
 * Installs every boundary guard, pushing each undo into `restores` as it goes. The caller
 * (audit.ts) owns installing and restoring them, together with the entropy guards.
 */
export function patchBoundary(restores: Restore[]): void {
  // The CommonJS faces of the builtins: the caller's syncBuiltinESMExports() carries the swaps
  // into the ESM bindings, so `import { connect } from 'node:net'` is caught too.
  const net = require('node:net') as Module & { Socket: { prototype: object } }
  guardAll(
    restores,
    net,
    'net.',
    ['connect', 'createConnection', 'createServer'],
    'a real socket',
    NET_REMEDY,
  )
  guard(
    restores,
    net.Socket.prototype,
    'connect',
    'net.Socket.connect()',
    'a real socket',
    NET_REMEDY,
  )
  const dgram = require('node:dgram') as Module
  guard(restores, dgram, 'createSocket', 'dgram.createSocket()', 'a real socket', NET_REMEDY)
  for (const name of ['http', 'https'] as const) {
    const http = require(`node:${name}`) as Module
    guardAll(
      restores,
      http,
      `${name}.`,
      ['request', 'get', 'createServer'],
      'real HTTP',
      HTTP_REMEDY,
    )
  }
  guard(restores, globalThis, 'fetch', 'fetch()', 'real HTTP', HTTP_REMEDY)

  const dns = require('node:dns') as Module & { promises: object }
  guardAll(restores, dns, 'dns.', DNS_CALLS, 'a real DNS query', DNS_REMEDY)
  guardAll(restores, dns.promises, 'dns.promises.', DNS_CALLS, 'a real DNS query', DNS_REMEDY)

  const childProcess = require('node:child_process') as Module
  guardAll(restores, childProcess, 'child_process.', SPAWNS, 'a real process', PROCESS_REMEDY)
  const workerThreads = require('node:worker_threads') as Module
  // Named as it is written: `new Worker()`.
  guard(restores, workerThreads, 'Worker', 'new Worker()', 'a real thread', THREAD_REMEDY)

  const fs = require('node:fs') as Module & { promises: object }
  const fsWrites = FS_WRITES.flatMap((k) => [k, `${k}Sync`]).concat('createWriteStream')
  guardAll(restores, fs, 'fs.', fsWrites, 'a write to the real file system', FS_REMEDY)
  guardAll(
    restores,
    fs.promises,
    'fs.promises.',
    FS_WRITES,
    'a write to the real file system',
    FS_REMEDY,
  )

  // Real timers fire on the event loop's clock, never on the virtual one.
  const timers = ['setTimeout', 'setInterval', 'setImmediate'] as const
  for (const key of timers)
    guard(restores, globalThis, key, `${key}()`, 'a real timer', TIMER_REMEDY)
  guardAll(
    restores,
    require('node:timers') as Module,
    'timers.',
    timers,
    'a real timer',
    TIMER_REMEDY,
  )
  // A signal that aborts on the real clock: a recv() waiting on it would end as a false deadlock.
  guard(restores, AbortSignal, 'timeout', 'AbortSignal.timeout()', 'a real timer', SIGNAL_REMEDY)
  guardAll(
    restores,
    require('node:timers/promises') as Module,
    'timers/promises.',
    timers,
    'a real timer',
    TIMER_REMEDY,
  )
}
