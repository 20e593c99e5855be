/**
 * What the main process hands to test workers (`provide`/`inject`) and what tests hand back to
 * reporters (`task.meta.musil`), typed by module augmentation of Vitest's interfaces. Both cross
 * process boundaries, so every value here is plain JSON.
 *
 * @module
 */
import type { HistoryDiagram } from '@musil/core'

/** A `MUSIL_SHARD=i/n` setting: this machine runs the seeds with `seed % count === index - 1`. */
export interface Shard {
  /** 1-based index of this shard. */
  readonly index: number
  /** Number of shards. */
  readonly count: number
}

/** Failing seeds remembered from earlier runs, keyed by {@link memoryKey}. */
export type FailingSeedMemory = Readonly<Record<string, readonly number[]>>

/** What a musil test records in `task.meta.musil` for reporters (JSON only). */
export interface MusilTaskMeta {
  /** The seed the test ran (for a sweep: its lowest failing seed, when one failed). */
  seed?: number
  /** Where the seed came from: `each`, `MUSIL_SEED`, `--seed`, `--sequence.seed`, `config`, `memory`, `random`, or `sweep` (the lowest failing seed of a sweep). */
  seedSource?: SeedSource
  /** The one command that replays this test with this seed. */
  replay?: string
  /** Memory key of this test: `file > suite > test`. Set when the test may use remembered seeds. */
  memoryKey?: string
  /** Sweep tests: every failing seed, in ascending order (capped, see `failingSeedsTotal`). */
  failingSeeds?: number[]
  /** Sweep tests: how many seeds failed in total. */
  failingSeedsTotal?: number
  /** Sweep tests: how many seeds ran. */
  seedsRun?: number
  /** The failure to render in the HTML report: the minimised trace, and more. */
  failure?: ReportedFailure
}

/** How a failing seed is shown in reports: plain JSON, its text escaped when rendered. */
export interface ReportedFailure {
  readonly kind: string
  readonly seed: number
  /** How the run `trace` shows fails. */
  readonly detail: string
  /** How the seed's own run fails, when `trace` is from a replay with fewer faults that fails otherwise. */
  readonly originalDetail?: string
  /** The minimised trace (or the full trace when the runtime does not minimise), one event per line. */
  readonly trace: string
  /** The same events as a Mermaid `sequenceDiagram`. */
  readonly mermaid: string
  /** A linearizability failure's history, as a per-client timeline with the failing operation marked. */
  readonly history?: string
  /**
   * The same history as data to draw (`historyDiagramToSvg` from `@musil/core`): the operations
   * shown in `history`, each with its client, interval, description and place in the verdict.
   */
  readonly historyDiagram?: HistoryDiagram
  /** Events in the full run, when the trace shown was minimised from it. */
  readonly originalLength?: number
}

/** Where a test's seed came from, in order of precedence. */
export type SeedSource =
  | 'each'
  | 'MUSIL_SEED'
  | '--seed'
  | '--sequence.seed'
  | 'config'
  | 'memory'
  | 'random'
  | 'sweep'

/** The provided seed with the setting it came from. */
export interface ProvidedSeed {
  readonly seed: number
  readonly source: SeedSource
}

// TaskMeta is declared by the runner (Vitest re-exports it), so the runner is what we augment.
declare module '@vitest/runner' {
  interface TaskMeta {
    musil?: MusilTaskMeta
  }
}

declare module 'vitest' {
  interface ProvidedContext {
    /** Seed from the command line or config (`-- --seed=N`, `MUSIL_SEED`, `--sequence.seed`). */
    'musil:seed': ProvidedSeed | null
    /** `MUSIL_SHARD=i/n`, parsed in the main process. */
    'musil:shard': Shard | null
    /** Custom export conditions (e.g. `@musil/source`) that sweep worker threads must resolve with. */
    'musil:conditions': string[]
    /** Failing seeds remembered by earlier runs. */
    'musil:memory': FailingSeedMemory
    /** The project root, for replay commands with paths relative to it. */
    'musil:root': string
  }
}

/** The key under which a test's failing seeds are remembered: `file > suite > test`. */
export function memoryKey(file: string, fullName: string): string {
  return `${file} > ${fullName}`
}
