/**
 * The server behind `musil explore`: the explorer's page and a small JSON API over one model.
 *
 * The model runs here, in Node, not in the browser: the user's module is loaded exactly as a
 * test or a sweep loads it (tsx for TypeScript, the project's own `@musil/core`), so what the
 * page shows is what `check` explores, with no bundler in between and no second build of the
 * model to drift from the first. The page receives states already rendered as text, and
 * "find a violation" runs `check` on a worker thread, whose progress the page polls and which
 * a cancel ends.
 *
 * Safe by default: it listens on 127.0.0.1 only; it answers only requests whose Host header
 * names that address or `localhost` with its port (a DNS-rebinding page reaching the port under
 * another name is refused); a POST from another origin is refused; it serves its page and its
 * API and no file at all.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MusilError } from '@musil/core'
import { type CheckJob, ExploreSession, startCheckJob } from '@musil/core/explore'
import { describeError } from '@musil/core/internal'
import { loadModel, moduleUrl } from '@musil/core/load'
import { appPage, pageCsp } from './page.ts'

/** Options of {@link startExplorer}. */
export interface ExplorerOptions {
  /** The model's module: a path or a `file:` URL. */
  readonly module: string
  /** The export naming the model (or a function of no arguments returning one). Default `default`. */
  readonly export?: string
  /** The port; default 0, a free one. */
  readonly port?: number
  /** Passed to `check` by "find a violation": report deadlocks (default true, as `check`). */
  readonly deadlock?: boolean
  /** Passed to `check` by "find a violation": stop after this many states. */
  readonly maxStates?: number
}

/** A running explorer. */
export interface Explorer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string
  /** The port it listens on (the free one picked when none was asked for). */
  readonly port: number
  /** The model's name. */
  readonly model: string
  /** Stops the server and any running check. */
  close(): Promise<void>
}

/** What the server answers a bad request with, as `{ error }`. */
class HttpError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** Milliseconds between the check thread's progress reports. */
const PROGRESS_MS = 200

/**
 * Loads the model and starts serving it on 127.0.0.1.
 *
 * @throws {MusilError} when the module cannot be imported or its export is not a model.
 */
export async function startExplorer(options: ExplorerOptions): Promise<Explorer> {
  const module = moduleUrl(options.module)
  const exportName = options.export ?? 'default'
  const model = await loadModel(
    module,
    exportName,
    'musil explore',
    (message, cause) => new MusilError(message, { cause }),
    "after '#' (musil explore <module>#<export>)",
  )
  const session = new ExploreSession(model)
  const jobs = new Map<number, CheckJob>()
  let nextJob = 1
  const checkOptions = {
    ...(options.deadlock !== undefined && { deadlock: options.deadlock }),
    ...(options.maxStates !== undefined && { maxStates: options.maxStates }),
  }

  let port = 0
  const hosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`])

  function route(req: IncomingMessage, url: URL): unknown {
    const get = req.method === 'GET' || req.method === 'HEAD'
    const post = req.method === 'POST'
    if (get && url.pathname === '/api/model') return session.info()
    if (get && url.pathname === '/api/state') {
      const raw = url.searchParams.get('path') ?? '0'
      if (!/^\d+(\.\d+)*$/.test(raw)) {
        throw new HttpError(400, `a path is numbers joined by dots (0.2.1), got '${raw}'`)
      }
      return session.view(raw.split('.').map(Number))
    }
    if (post && url.pathname === '/api/check') {
      // One search at a time: a new one ends the one before.
      for (const job of jobs.values()) void job.cancel()
      const id = nextJob++
      jobs.set(
        id,
        startCheckJob({
          module,
          export: exportName,
          options: checkOptions,
          progressIntervalMs: PROGRESS_MS,
        }),
      )
      return { id }
    }
    if (url.pathname === '/api/check' || url.pathname === '/api/check/cancel') {
      const job = jobs.get(Number(url.searchParams.get('id')))
      if (job === undefined) throw new HttpError(404, 'no such check')
      if (post && url.pathname === '/api/check/cancel') {
        void job.cancel()
        return job.status()
      }
      if (get && url.pathname === '/api/check') {
        const status = job.status()
        const trace = status.status === 'done' ? status.result.violation?.trace : undefined
        return trace === undefined ? status : { ...status, path: session.pathOf(trace) }
      }
    }
    throw new HttpError(404, `no such page: ${req.method} ${url.pathname}`)
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': pageCsp(),
      })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    const json = (status: number, value: unknown): void =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(value))
    try {
      const host = req.headers.host ?? ''
      if (!hosts().has(host)) {
        throw new HttpError(
          421,
          `musil explore answers only on 127.0.0.1:${port} or localhost:${port}, not '${host}'`,
        )
      }
      const origin = req.headers.origin
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (origin === undefined || !hosts().has(origin.replace(/^http:\/\//, ''))) {
          throw new HttpError(403, 'a request that changes something must come from the page')
        }
      }
      const url = new URL(req.url ?? '/', `http://${host}`)
      if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        send(200, 'text/html; charset=utf-8', appPage({ title: 'musil explore', mode: 'live' }))
        return
      }
      json(200, route(req, url))
    } catch (e) {
      if (e instanceof HttpError) json(e.status, { error: e.message })
      else json(500, { error: describeError(e, 'message') })
    }
  }

  const server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    model: model.name,
    async close() {
      await Promise.all([...jobs.values()].map((j) => j.cancel()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
