// seedloop tests/test_loop_boundary.py: every call that would leave the simulation is refused.
import * as childProcess from 'node:child_process'
import * as dgram from 'node:dgram'
import * as dns from 'node:dns'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as timers from 'node:timers'
import * as timersPromises from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { BoundaryError, EntropyLeakError, explore, MusilError } from '@musil/core'
import { describe, expect } from 'vitest'
import { seedloopTest } from './conformance.ts'

const nowhere = join(tmpdir(), 'musil-boundary-test-never-written')

/**
 * seedloop overrides the I/O methods of its event loop; Node has no loop object to override, so
 * the same boundary is the builtins themselves. Each is reached the way user code reaches it (an
 * ESM import), and none may run: no socket opens, no process starts, no file appears.
 */
const calls: [source: string, call: () => unknown][] = [
  ['net.connect()', () => net.connect(1, '127.0.0.1')],
  ['net.createConnection()', () => net.createConnection(1, '127.0.0.1')],
  ['net.createServer()', () => net.createServer()],
  ['net.Socket.connect()', () => new net.Socket().connect(1, '127.0.0.1')],
  ['dgram.createSocket()', () => dgram.createSocket('udp4')],
  ['dns.lookup()', () => dns.lookup('example.invalid', () => {})],
  ['dns.resolve4()', () => dns.resolve4('example.invalid', () => {})],
  ['dns.promises.lookup()', () => dns.promises.lookup('example.invalid')],
  ['http.request()', () => http.request('http://127.0.0.1:1/')],
  ['http.createServer()', () => http.createServer()],
  ['fetch()', () => fetch('http://127.0.0.1:1/')],
  ['child_process.spawn()', () => childProcess.spawn('true')],
  ['child_process.execSync()', () => childProcess.execSync('true')],
  ['child_process.fork()', () => childProcess.fork('nothing.js')],
  ['new Worker()', () => new Worker('0', { eval: true })],
  ['fs.writeFileSync()', () => fs.writeFileSync(nowhere, 'x')],
  ['fs.writeFile()', () => fs.writeFile(nowhere, 'x', () => {})],
  ['fs.appendFileSync()', () => fs.appendFileSync(nowhere, 'x')],
  ['fs.createWriteStream()', () => fs.createWriteStream(nowhere)],
  ['fs.mkdirSync()', () => fs.mkdirSync(nowhere)],
  ['fs.promises.writeFile()', () => fs.promises.writeFile(nowhere, 'x')],
  ['setTimeout()', () => setTimeout(() => {}, 1)],
  ['setInterval()', () => setInterval(() => {}, 1)],
  ['setImmediate()', () => setImmediate(() => {})],
  ['timers.setTimeout()', () => timers.setTimeout(() => {}, 1)],
  ['timers/promises.setTimeout()', () => timersPromises.setTimeout(1)],
  ['AbortSignal.timeout()', () => AbortSignal.timeout(1)],
]

describe('seedloop tests/test_loop_boundary.py', () => {
  seedloopTest('test_loop_boundary::test_boundary_method_rejected', async () => {
    const before = [
      net.connect,
      fs.writeFileSync,
      childProcess.spawn,
      globalThis.setTimeout,
      AbortSignal.timeout,
    ]
    for (const [source, call] of calls) {
      let thrown: unknown
      // Not in audit mode: the boundary holds in every mode.
      const report = await explore(
        async (world) => {
          await world.sleep(1)
          try {
            call()
          } catch (e) {
            thrown = e
          }
        },
        { seeds: 1 },
      )
      expect(MusilError.is(thrown), source).toBe(true)
      expect(thrown, source).toBeInstanceOf(BoundaryError)
      expect(thrown, source).not.toBeInstanceOf(EntropyLeakError)
      expect((thrown as BoundaryError).source).toBe(source)
      expect((thrown as Error).message.startsWith(`${source} called inside a simulation: `)).toBe(
        true,
      )
      expect((thrown as Error).message).toMatch(/is outside the control of the seed, .+ world\./)
      // Caught by the code, and still a failure of the run, naming the call.
      expect(report.failure?.kind, source).toBe('error')
      expect(
        report.failure?.detail.startsWith(`the scenario: BoundaryError: ${source} called`),
        source,
      ).toBe(true)
    }
    expect(fs.existsSync(nowhere)).toBe(false)
    // Outside a run every one of them is the real thing again: the identical function.
    const after = [
      net.connect,
      fs.writeFileSync,
      childProcess.spawn,
      globalThis.setTimeout,
      AbortSignal.timeout,
    ]
    for (let i = 0; i < before.length; i++) expect(after[i]).toBe(before[i])
  })
})
