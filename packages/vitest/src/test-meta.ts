/**
 * Where a running test is and what it records for reporters: shared by `simTest`, sweeps and
 * `modelTest`, so every musil test carries its replay command in `task.meta.musil`.
 *
 * @module
 */
import { isAbsolute, relative, sep } from 'node:path'
import { inject, type TestContext } from 'vitest'
import { type MusilTaskMeta, memoryKey, type Shard } from './context.ts'
import { fullTestName } from './replay.ts'
import { parseShard } from './seeds.ts'

type Task = TestContext['task']
type ProvidedKey = 'musil:seed' | 'musil:shard' | 'musil:conditions' | 'musil:memory' | 'musil:root'

/** What the plugin provided, or undefined when the plugin is not installed. */
export function provided<K extends ProvidedKey>(key: K): ReturnType<typeof inject<K>> | undefined {
  try {
    return inject(key)
  } catch {
    return undefined
  }
}

/**
 * This machine's CI shard: `MUSIL_SHARD=i/n` in the test's process, else the one the plugin
 * read in the main process, else none.
 */
export function currentShard(): Shard | null {
  const raw = process.env.MUSIL_SHARD
  if (raw !== undefined && raw.trim() !== '') return parseShard(raw)
  return (provided('musil:shard') as Shard | null | undefined) ?? null
}

/** A test's file, the name `-t` matches, the project root and its memory key. */
export interface TestPlace {
  readonly file: string
  readonly fullName: string
  readonly root: string
  readonly key: string
}

/** Locates a running test. */
export function testPlace(task: Task): TestPlace {
  const root = (provided('musil:root') as string | undefined) ?? process.cwd()
  const file = task.file.filepath
  const fullName = fullTestName(task)
  const inside = relative(root, file)
  // Keys use forward slashes, so a memory file written on one OS is read on another.
  const rel = inside.startsWith('..') || isAbsolute(inside) ? file : inside.split(sep).join('/')
  return { file, fullName, root, key: memoryKey(rel, fullName) }
}

/** Merges `meta` into `task.meta.musil`. */
export function setMusilMeta(task: Task, meta: MusilTaskMeta): void {
  task.meta.musil = { ...task.meta.musil, ...meta }
}
