/**
 * `musil explore` as a program: its arguments, and the server's safety. It listens on
 * 127.0.0.1 only, answers only Host headers naming that address or localhost (DNS rebinding),
 * refuses a POST from another origin, serves its page and API and no file, and sends a page
 * whose only script is its own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseExploreArgs } from '../src/bin.ts'
import { startExplorer } from '../src/explore/server.ts'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

describe('musil explore arguments', () => {
  it('takes a module, an export after #, and flags', () => {
    expect(parseExploreArgs(['models/jugs.ts#dieHard', '--port=4000', '--no-deadlock'])).toEqual({
      module: `${process.cwd()}/models/jugs.ts`,
      export: 'dieHard',
      port: 4000,
      deadlock: false,
    })
    expect(parseExploreArgs(['/abs/m.ts', '--max-states', '1000'])).toEqual({
      module: '/abs/m.ts',
      maxStates: 1000,
    })
  })

  it('says what is wrong with bad arguments', () => {
    expect(() => parseExploreArgs([])).toThrow('musil explore: which model? give <module>[#export]')
    expect(() => parseExploreArgs(['a.ts', 'b.ts'])).toThrow("one module, got 'a.ts' and 'b.ts'")
    expect(() => parseExploreArgs(['a.ts', '--port=x'])).toThrow(
      "--port takes a whole number of at least 0, got 'x'",
    )
    expect(() => parseExploreArgs(['a.ts', '--port=65536'])).toThrow(
      '--port takes a port number up to 65535, got 65536',
    )
    expect(() => parseExploreArgs(['a.ts', '--host=0.0.0.0'])).toThrow(
      'musil explore: unknown option --host=0.0.0.0',
    )
  })
})

describe('musil explore on a module it cannot explore', () => {
  const targets = `${repo}packages/vitest/test/targets/explore-models.ts`

  it('names the module it cannot import', { timeout: 120_000 }, async () => {
    const missing = `${repo}packages/vitest/test/targets/no-such-model.ts`
    await expect(startExplorer({ module: missing })).rejects.toThrow(
      /^musil explore cannot import file:.*no-such-model\.ts: /,
    )
  })

  it('names the exports there are, and how to pick one on the command line', async () => {
    await expect(startExplorer({ module: targets, export: 'nope' })).rejects.toThrow(
      /has no export 'nope' \(its exports: .*counters.*\); pass the name of the exported model after '#'/,
    )
  })

  it('names the export whose function threw instead of building a model', async () => {
    await expect(startExplorer({ module: targets, export: 'broken' })).rejects.toThrow(
      /^export 'broken' of file:.*explore-models\.ts threw while building the model: no model today$/,
    )
  })
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function ask(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe.sequential('the explorer server', () => {
  let child: ChildProcess
  let port = 0

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@musil/source',
        bin,
        'explore',
        'packages/vitest/test/targets/explore-models.ts#markup',
      ],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    port = await new Promise<number>((resolve, reject) => {
      let out = ''
      const read = (c: Buffer): void => {
        out += c.toString()
        const m = /model <b>markup<\/b> at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
        if (m) resolve(Number(m[1]))
      }
      child.stdout!.on('data', read)
      child.stderr!.on('data', read)
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)))
    })
  }, 120_000)

  afterAll(() => {
    child?.kill()
  })

  it('serves the page with a policy that lets only its own script run', async () => {
    const page = await ask(port, '/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; /,
    )
    expect(page.body.match(/<script/g)).toHaveLength(1)
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/)
  })

  it('answers localhost and 127.0.0.1, and refuses any other Host (DNS rebinding)', async () => {
    expect((await ask(port, '/api/model', { headers: { host: `localhost:${port}` } })).status).toBe(
      200,
    )
    const rebound = await ask(port, '/api/model', { headers: { host: `evil.example:${port}` } })
    expect(rebound.status).toBe(421)
    expect(JSON.parse(rebound.body)).toEqual({
      error: `musil explore answers only on 127.0.0.1:${port} or localhost:${port}, not 'evil.example:${port}'`,
    })
    expect((await ask(port, '/', { headers: { host: '127.0.0.1' } })).status).toBe(421)
  })

  it('refuses a request that changes something from another origin', async () => {
    const none = await ask(port, '/api/check', { method: 'POST' })
    expect(none.status).toBe(403)
    const other = await ask(port, '/api/check', {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    })
    expect(other.status).toBe(403)
    const own = await ask(port, '/api/check', {
      method: 'POST',
      headers: { origin: `http://127.0.0.1:${port}` },
    })
    expect(own.status).toBe(200)
    expect(JSON.parse(own.body)).toEqual({ id: 1 })
  })

  it('serves no file, whatever the path', async () => {
    for (const path of [
      '/package.json',
      '/../package.json',
      '/%2e%2e/package.json',
      '/src/bin.ts',
    ]) {
      const r = await ask(port, path)
      expect([path, r.status]).toEqual([path, 404])
    }
  })

  it('listens on 127.0.0.1 only', async () => {
    await expect(ask(port, '/', { host: '::1' })).rejects.toThrow()
  })

  it('sends user values as JSON text, for the page to show as text', async () => {
    const r = await ask(port, '/api/state?path=0')
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    const v = JSON.parse(r.body)
    expect(v.fields).toEqual([{ key: 'note', value: '"<script>window.__pwned = 1</script>"' }])
    expect((await ask(port, '/api/state?path=x')).status).toBe(400)
  })
})
