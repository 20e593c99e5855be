/**
 * Readers and writers share a resource: any number of readers may read together, but a writer
 * needs it alone. Both classic policies are safe. Under reader preference a reader may join
 * while a writer waits, so two readers taking turns keep the resource busy forever and the writer
 * starves, however fair the scheduler is. Under writer priority no reader starts while a writer
 * waits, so the readers drain and the writer gets in.
 */
import { action, defineModel, type Model } from '@musil/core'

/** What a reader is doing. */
export type ReaderPhase = 'idle' | 'reading'
/** What the writer is doing. */
export type WriterPhase = 'idle' | 'waiting' | 'writing'

/** The shared resource's users. */
export interface Room {
  readonly readers: readonly ReaderPhase[]
  readonly writer: WriterPhase
}

/**
 * Who goes first when a writer waits:
 * - `reader-preference`: a reader may start whenever nobody writes, even if the writer waits;
 * - `writer-priority`: a reader may not start while the writer waits or writes.
 */
export type Policy = 'reader-preference' | 'writer-priority'

/** Options of {@link readersWriters}. */
export interface ReadersWritersOptions {
  /** Number of readers (at least 1; default 2). */
  readonly readers?: number
  /** The admission policy (default `reader-preference`). */
  readonly policy?: Policy
}

/** Nobody reads while the writer writes. */
export function exclusiveWrite(s: Room): boolean {
  return s.writer !== 'writing' || s.readers.every((r) => r === 'idle')
}

/** The liveness goal: the writer is not stuck waiting (checked with `everywhere`: it always gets in). */
export function writerNotWaiting(s: Room): boolean {
  return s.writer !== 'waiting'
}

const withReader = (rs: readonly ReaderPhase[], i: number, p: ReaderPhase): ReaderPhase[] =>
  rs.map((x, j) => (j === i ? p : x))

/**
 * The readers-writers problem with one writer and `readers` readers, each reader and the writer
 * cycling through their phases forever.
 *
 * @example
 * checkLiveness(readersWriters(), { goal: writerNotWaiting, everywhere: true, fair: 'all' })
 * // not ok: a lasso where the readers take turns and the writer waits forever
 */
export function readersWriters({
  readers = 2,
  policy = 'reader-preference',
}: ReadersWritersOptions = {}): Model<Room> {
  if (!Number.isInteger(readers) || readers < 1) {
    throw new RangeError(`readersWriters: readers must be an integer of at least 1, got ${readers}`)
  }
  if (policy !== 'reader-preference' && policy !== 'writer-priority') {
    throw new RangeError(
      `readersWriters: policy must be 'reader-preference' or 'writer-priority', got ${JSON.stringify(policy)}`,
    )
  }
  const ids = Array.from({ length: readers }, (_, i) => i)
  const mayStartReading =
    policy === 'reader-preference'
      ? (s: Room) => s.writer !== 'writing'
      : (s: Room) => s.writer === 'idle'
  return defineModel<Room>({
    name: `readers-writers(${readers}, ${policy})`,
    init: { readers: ids.map((): ReaderPhase => 'idle'), writer: 'idle' },
    actions: [
      action.each<Room, number>(
        'startRead',
        () => ids,
        (s, i) => s.readers[i] === 'idle' && mayStartReading(s),
        (s, i) => ({ ...s, readers: withReader(s.readers, i, 'reading') }),
      ),
      action.each<Room, number>(
        'stopRead',
        () => ids,
        (s, i) => s.readers[i] === 'reading',
        (s, i) => ({ ...s, readers: withReader(s.readers, i, 'idle') }),
      ),
      action<Room>(
        'request',
        (s) => s.writer === 'idle',
        (s) => ({ ...s, writer: 'waiting' }),
      ),
      action<Room>(
        'startWrite',
        (s) => s.writer === 'waiting' && s.readers.every((r) => r === 'idle'),
        (s) => ({ ...s, writer: 'writing' }),
      ),
      action<Room>(
        'stopWrite',
        (s) => s.writer === 'writing',
        (s) => ({ ...s, writer: 'idle' }),
      ),
    ],
    invariants: { exclusiveWrite },
  })
}
