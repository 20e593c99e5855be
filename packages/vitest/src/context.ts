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
  /**
   * A model test that passed on a search that was not exhaustive (`exhaustive: false`): what it
   * covered, e.g. `1000 random walks of at most 100 steps (seed 0) covered 5,210 distinct
   * states; exhaustive: no`. The musil reporter lists these after the run.
   */
  coverage?: string
  /** A model check's counterexample, for the HTML report's stepper. */
  counterexample?: ReportedCounterexample
}

/** A model check's counterexample as the HTML report steps through it: plain JSON, text only. */
export interface ReportedCounterexample {
  /** The model's name. */
  readonly model: string
  /** What went wrong: `invariant bigNotFour violated`, `deadlock reached`. */
  readonly headline: string
  /** The steps from an initial state, each with its state rendered and what it changed. */
  readonly steps: readonly {
    readonly label: string
    readonly state: string
    readonly changes: readonly string[]
    /** Each invariant's value on the state after the step. */
    readonly invariants: readonly { readonly name: string; readonly holds: boolean }[]
  }[]
}

/** One event of a simulation trace as the HTML report's sequence diagram draws it (text only). */
export interface ReportedEvent {
  readonly t: number
  readonly kind: string
  readonly node?: string
  readonly src?: string
  readonly dst?: string
  /** The event's line in {@link ReportedFailure.trace}. */
  readonly line: string
  /** The payload rendered on one line, cut at 60 characters. */
  readonly payload?: string
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
  /** The same events as data, for the report's sequence diagram and stepper. */
  readonly events?: readonly ReportedEvent[]
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
