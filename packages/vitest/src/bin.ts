#!/usr/bin/env node
/**
 * `musil test --seed=N [vitest args...]`: runs `vitest run` with `MUSIL_SEED=N`, for shells where
 * setting an environment variable in front of a command is awkward (Windows `cmd`). Plain
 * `vitest --seed=N` cannot work: Vitest's CLI rejects flags it does not know.
 *
 * `musil explore <module>[#export]`: serves the explorer for a model on 127.0.0.1 (see
 * `explore/server.ts`) until interrupted.
 * `musil swarm-merge <report files or directories...>`: merges the JSON reports of a swarm's
 * shards (written by `modelTest`'s `swarm` option or `writeSwarmReport`) into one verdict,
 * printed on one line (and as JSON with `--json`); exits 1 when a shard found a violation or a
 * shard's report is missing.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import { mergeSwarmReports, readSwarmReports, type SwarmVerdict } from '@musil/core'
import { describeError } from '@musil/core/internal'
import { parseSeed, parseShard } from './seeds.ts'

const USAGE = `usage: musil test [--seed=N] [--shard=i/n] [vitest run arguments...]
       musil swarm-merge [--json] <swarm report files or directories...>
  --seed=N     run simulation tests with seed N (sets MUSIL_SEED)
  --shard=i/n  run this machine's share of every sweep's seeds and swarm shard i of n (sets MUSIL_SHARD)
example: musil test --seed=17 test/gossip.test.ts -t '^gossip converges$'
example: musil swarm-merge swarm-reports/

usage: musil explore <module>[#export] [--port=N] [--no-deadlock] [--max-states=N]
  serves the explorer for the model that <module> exports (default export: default; an export
  may be a function of no arguments returning the model) on http://127.0.0.1, no network needed
  --port=N         listen on port N (default: a free port, printed on start)
  --no-deadlock    "find a violation" does not report deadlocks
  --max-states=N   "find a violation" stops after N states
example: musil explore src/two-phase.ts#twoPhase`

/** What `musil explore`'s arguments ask for. */
export interface ExploreArgs {
  readonly module: string
  readonly export?: string
  readonly port?: number
  readonly deadlock?: boolean
  readonly maxStates?: number
}

/** Parses `musil explore`'s arguments; throws a message for the user on a bad one. */
export function parseExploreArgs(args: readonly string[]): ExploreArgs {
  let target: string | undefined
  let port: number | undefined
  let deadlock: boolean | undefined
  let maxStates: number | undefined
  const count = (flag: string, raw: string | undefined, min: number): number => {
    const n = Number(raw)
    if (raw === undefined || !/^\d+$/.test(raw) || n < min) {
      throw new Error(`${flag} takes a whole number of at least ${min}, got '${raw ?? ''}'`)
    }
    return n
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const value = (flag: string): string | undefined =>
      a === flag ? args[++i] : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined
    if (a === '--port' || a.startsWith('--port=')) {
      port = count('--port', value('--port'), 0)
      if (port > 65535) throw new Error(`--port takes a port number up to 65535, got ${port}`)
    } else if (a === '--max-states' || a.startsWith('--max-states=')) {
      maxStates = count('--max-states', value('--max-states'), 1)
    } else if (a === '--no-deadlock') deadlock = false
    else if (a.startsWith('-')) throw new Error(`musil explore: unknown option ${a}`)
    else if (target !== undefined)
      throw new Error(`musil explore: one module, got '${target}' and '${a}'`)
    else target = a
  }
  if (target === undefined) throw new Error('musil explore: which model? give <module>[#export]')
  const hash = target.lastIndexOf('#')
  const module = hash < 0 ? target : target.slice(0, hash)
  const exportName = hash < 0 ? undefined : target.slice(hash + 1)
  return {
    module: resolvePath(module),
    ...(exportName !== undefined && exportName !== '' && { export: exportName }),
    ...(port !== undefined && { port }),
    ...(deadlock !== undefined && { deadlock }),
    ...(maxStates !== undefined && { maxStates }),
  }
}

async function explore(args: readonly string[]): Promise<number> {
  let parsed: ExploreArgs
  try {
    parsed = parseExploreArgs(args)
  } catch (e) {
    console.error(`${describeError(e, 'message')}\n\n${USAGE}`)
    return 2
  }
  // Loaded only for this command: `musil test` must not pay for it.
  const { startExplorer } = await import('./explore/server.ts')
  try {
    const explorer = await startExplorer(parsed)
    console.log(`musil explore: model ${explorer.model} at ${explorer.url} (Ctrl+C to stop)`)
    const stop = (): void => {
      void explorer.close().then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    return await new Promise<number>(() => {})
  } catch (e) {
    const message = describeError(e, 'message')
    // Loading errors already name the command ('musil explore cannot import ...').
    console.error(message.startsWith('musil explore') ? message : `musil explore: ${message}`)
    return 1
  }
}

/** Splits musil's own flags from the arguments passed on to Vitest. */
export function parseArgs(args: readonly string[]): {
  env: Record<string, string>
  rest: string[]
} {
  const env: Record<string, string> = {}
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const value = (flag: string): string | undefined =>
      a === flag ? args[++i] : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined
    const seed = value('--seed')
    if (seed !== undefined) {
      env.MUSIL_SEED = String(parseSeed(seed, '--seed'))
      continue
    }
    const shard = value('--shard')
    if (shard !== undefined) {
      const s = parseShard(shard, '--shard')
      env.MUSIL_SHARD = `${s.index}/${s.count}`
      continue
    }
    rest.push(a)
  }
  return { env, rest }
}

/** `musil swarm-merge`: prints the merged verdict; 0 when no shard found a violation and none is missing. */
export function swarmMerge(args: readonly string[], log: (line: string) => void): number {
  const json = args.includes('--json')
  const paths = args.filter((a) => a !== '--json')
  if (paths.length === 0) {
    log(USAGE)
    return 2
  }
  let verdict: SwarmVerdict
  try {
    verdict = mergeSwarmReports(readSwarmReports(paths))
  } catch (e) {
    log(describeError(e, 'message'))
    return 2
  }
  log(json ? JSON.stringify(verdict, null, 2) : `${verdict.model}: ${verdict.summary}`)
  return verdict.ok ? 0 : 1
}

function main(argv: readonly string[]): number | Promise<number> {
  const [command, ...args] = argv
  if (command === 'swarm-merge') return swarmMerge(args, (line) => console.log(line))
  if (command === 'explore') return explore(args)
  if (command !== 'test') {
    console.error(USAGE)
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2
  }
  let parsed: { env: Record<string, string>; rest: string[] }
  try {
    parsed = parseArgs(args)
  } catch (e) {
    console.error(describeError(e, 'message'))
    return 2
  }
  const require = createRequire(pathToFileURL(join(process.cwd(), 'package.json')))
  const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
  const r = spawnSync(process.execPath, [vitest, 'run', ...parsed.rest], {
    stdio: 'inherit',
    env: { ...process.env, ...parsed.env },
  })
  return r.status ?? 1
}

// Run only as a program (npm links the bin through a symlink: compare real paths).
if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code
  })
}
